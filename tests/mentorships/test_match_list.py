"""A program's matches and returning a mentee to the pool (then matched with priority)."""

import pytest
from django.urls import reverse

from peerpath.core.models import AuditEntry
from peerpath.matching.services import rounds as services
from peerpath.mentorships.models import Match
from tests.matching.people import add_mentee, add_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def match(cohort, lincoln):
    mentor = add_mentor(cohort, lincoln, "ann")
    mentee = add_mentee(cohort, lincoln, "ria")
    return Match.objects.create(cohort=cohort, mentor=mentor, mentee=mentee, status="active")


def test_coordinator_sees_the_programs_matches(client, alice, program, match):
    client.force_login(alice)
    response = client.get(reverse("match_list", args=[program.pk]))
    assert list(response.context["page"]) == [match]
    assert match.mentee.get_full_name() in response.content.decode()


def test_return_to_pool_asks_first_then_closes_and_the_next_round_gives_priority(
    client, alice, program, cohort, lincoln, match
):
    other = add_mentor(cohort, lincoln, "ben")
    client.force_login(alice)
    confirm = client.get(reverse("match_return_to_pool", args=[match.pk]))
    assert "Please confirm" in confirm.content.decode()
    assert Match.objects.get(pk=match.pk).status == "active"

    client.post(reverse("match_return_to_pool", args=[match.pk]), {"reason": "they never met"})

    match.refresh_from_db()
    assert match.status == "closed"
    entry = AuditEntry.objects.get(action="match.status_changed")
    assert entry.detail["reason"] == "they never met"
    round = services.start_round(cohort=cohort, actor=alice)
    proposal = round.proposals.get(mentee=match.mentee)
    assert (proposal.mentor, proposal.priority) == (other, True)  # not ann again, and with priority


@pytest.mark.smoke
def test_dave_gets_404_and_anonymous_goes_to_login(client, dave, program, match):
    pages = [reverse("match_list", args=[program.pk]), reverse("match_return_to_pool", args=[match.pk])]
    client.force_login(dave)
    for url in pages:
        assert client.get(url).status_code == 404
    assert client.post(pages[1]).status_code == 404
    client.logout()
    for url in pages:
        assert client.get(url).url.startswith(reverse("account_login"))
    assert Match.objects.get(pk=match.pk).status == "active"


def test_the_mentee_and_a_student_get_404(client, bob, program, match):
    for person in (bob, match.mentee, match.mentor):
        client.force_login(person)
        assert client.get(reverse("match_list", args=[program.pk])).status_code == 404
        assert client.post(reverse("match_return_to_pool", args=[match.pk])).status_code == 404
    assert Match.objects.get(pk=match.pk).status == "active"


@pytest.mark.parametrize("matches", [1, 3])
def test_match_list_runs_the_same_queries_for_one_or_three_matches(
    client, alice, program, cohort, lincoln, matches, django_assert_num_queries
):
    for n in range(matches):
        Match.objects.create(
            cohort=cohort,
            mentor=add_mentor(cohort, lincoln, f"mentor{n}"),
            mentee=add_mentee(cohort, lincoln, f"mentee{n}"),
            status=Match.Status.ACTIVE,
        )
    client.force_login(alice)
    with django_assert_num_queries(MATCH_LIST_QUERIES):
        response = client.get(reverse("match_list", args=[program.pk]) + "?status=active")
    assert len(response.context["page"]) == matches


MATCH_LIST_QUERIES = 12  # session, user, program, count, the page of matches, layout
