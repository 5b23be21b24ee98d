"""The round pages: run, review, act, compare, publish; and who may see them."""

import pytest
from django.core import mail
from django.urls import reverse

from peerpath.matching.models import MatchRound, Proposal
from peerpath.matching.services import rounds as services
from peerpath.mentorships.models import Match
from tests.matching.people import add_mentee, add_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(cohort, lincoln):
    both = ["English", "Spanish"]
    people = {
        "ann": add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"], languages=both),
        "ben": add_mentor(cohort, lincoln, "ben", interests=["soccer", "music"]),
        "ria": add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"], languages=["Spanish"]),
        "sam": add_mentee(cohort, lincoln, "sam", interests=["soccer"]),
        "zoe": add_mentee(cohort, lincoln, "zoe", availability=["fri-after"]),
    }
    return people


@pytest.fixture
def round(cohort, alice, pool):
    return services.start_round(cohort=cohort, actor=alice)


def round_pages(program, round, proposal):
    return [
        reverse("match_rounds", args=[program.pk]),
        reverse("match_round_compare", args=[program.pk]) + f"?a={round.pk}&b={round.pk}",
        reverse("match_round_detail", args=[round.pk]),
        reverse("match_round_progress", args=[round.pk]),
        reverse("match_round_blockers", args=[round.pk]),
        reverse("match_round_publish", args=[round.pk]),
        reverse("match_proposal_swap", args=[proposal.pk]),
    ]


def round_posts(program, cohort, round, proposal):
    return [
        (reverse("match_rounds", args=[program.pk]), {"cohort": cohort.pk}),
        (reverse("match_round_decide", args=[round.pk]), {"decision": "accepted", "all": "1"}),
        (reverse("match_round_exclude", args=[round.pk]), {"person": proposal.mentee_id}),
        (reverse("match_round_rerun", args=[round.pk]), {}),
        (reverse("match_round_publish", args=[round.pk]), {}),
        (reverse("match_proposal_lock", args=[proposal.pk]), {"locked": "1"}),
        (reverse("match_proposal_swap", args=[proposal.pk]), {"mentor": proposal.mentor_id}),
    ]


def state():
    return (
        MatchRound.objects.count(),
        list(Proposal.objects.order_by("pk").values_list("mentor_id", "decision", "locked")),
        Match.objects.count(),
    )


@pytest.mark.smoke
def test_dave_gets_404_on_every_round_page_and_changes_nothing(client, dave, program, cohort, round, pool):
    proposal = round.proposals.exclude(mentor=None).first()
    client.force_login(dave)
    for url in round_pages(program, round, proposal):
        response = client.get(url)
        assert response.status_code == 404, url
        assert pool["ria"].get_full_name() not in response.content.decode()
    before = state()
    for url, data in round_posts(program, cohort, round, proposal):
        assert client.post(url, data).status_code == 404, url
    assert state() == before


def test_students_and_educators_get_404_on_round_pages(client, bob, frank, program, cohort, round):
    proposal = round.proposals.exclude(mentor=None).first()
    for person in (bob, frank, proposal.mentee):
        client.force_login(person)
        for url in round_pages(program, round, proposal):
            assert client.get(url).status_code == 404, (person, url)
    before = state()
    for url, data in round_posts(program, cohort, round, proposal):
        assert client.post(url, data).status_code == 404, url
    assert state() == before


def test_anonymous_goes_to_login(client, program, cohort, round):
    proposal = round.proposals.exclude(mentor=None).first()
    for url in round_pages(program, round, proposal):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    for url, data in round_posts(program, cohort, round, proposal):
        assert client.post(url, data).url.startswith(reverse("account_login"))


def test_coordinator_runs_a_round_from_the_page_and_sees_reasons(client, alice, program, cohort, pool):
    client.force_login(alice)
    response = client.post(reverse("match_rounds", args=[program.pk]), {"cohort": cohort.pk}, follow=True)

    round = MatchRound.objects.get()
    assert response.redirect_chain[-1][0] == reverse("match_round_detail", args=[round.pk])
    html = response.content.decode()
    assert "both like chess and robotics" in html
    assert "both speak Spanish" in html
    assert "too few shared free periods" in html
    assert "2 / 3" in html  # mentees matched
    fits = [p.fit for p in response.context["page"] if p.mentor_id]
    assert response.context["review"].lowest == min(fits)


def test_review_shows_distribution_coverage_and_load(client, alice, round, pool):
    client.force_login(alice)
    response = client.get(reverse("match_round_detail", args=[round.pk]))
    review = response.context["review"]
    assert sum(count for _label, count in review.distribution) == 2
    grade_rows = next(iter(review.subgroups.values()))
    assert [(row.label, row.mentees, row.matched) for row in grade_rows] == [("9", 3, 2)]
    assert {row["user"].username: row["proposed"] for row in review.mentor_load} == {"ann": 1, "ben": 1}
    assert 'data-chart="score-data"' in response.content.decode()


def test_accept_selected_then_publish_after_confirmation(
    client, alice, round, pool, django_capture_on_commit_callbacks
):
    ria = round.proposals.get(mentee=pool["ria"])
    client.force_login(alice)
    client.post(
        reverse("match_round_decide", args=[round.pk]), {"decision": "accepted", "proposal": [ria.pk]}
    )
    assert round.proposals.get(pk=ria.pk).decision == "accepted"

    confirm = client.get(reverse("match_round_publish", args=[round.pk]))
    assert "1 accepted pair becomes a proposed match" in confirm.content.decode()
    assert Match.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("match_round_publish", args=[round.pk]))

    match = Match.objects.get()
    assert (match.mentee, match.mentor, match.status) == (pool["ria"], pool["ann"], "proposed")
    assert len(mail.outbox) == 2
    round.refresh_from_db()
    assert round.status == "published"


def test_publishing_without_accepted_pairs_is_refused_with_a_message(client, alice, round):
    client.force_login(alice)
    response = client.post(reverse("match_round_publish", args=[round.pk]), follow=True)
    assert "Accept at least one proposal" in response.content.decode()
    assert Match.objects.count() == 0


def test_swap_page_shows_the_cost_and_moves_the_mentee(client, alice, round, pool):
    sam = round.proposals.get(mentee=pool["sam"])
    ria = round.proposals.get(mentee=pool["ria"])
    client.force_login(alice)
    client.post(
        reverse("match_round_decide", args=[round.pk]), {"decision": "rejected", "proposal": [ria.pk]}
    )

    page = client.get(reverse("match_proposal_swap", args=[sam.pk]))
    option = next(o for o in page.context["options"] if o.mentor_id == pool["ann"].pk)
    html = page.content.decode()
    assert f"{'+' if option.delta > 0 else ''}{option.delta}</td>" in html
    assert f'value="{option.value}"' in html

    client.post(reverse("match_proposal_swap", args=[sam.pk]), {"option": option.value})
    sam.refresh_from_db()
    assert sam.mentor == pool["ann"]


def test_bad_swap_input_is_a_message_not_an_error(client, alice, round, pool):
    sam = round.proposals.get(mentee=pool["sam"])
    client.force_login(alice)
    response = client.post(reverse("match_proposal_swap", args=[sam.pk]), {"mentor": "abc"}, follow=True)
    assert "Choose a mentor." in response.content.decode()
    response = client.post(
        reverse("match_proposal_swap", args=[sam.pk]), {"mentor": pool["ann"].pk}, follow=True
    )
    assert "no place left" in response.content.decode()
    sam.refresh_from_db()
    assert sam.mentor == pool["ben"]


def test_lock_exclude_and_rerun_from_the_page(client, alice, round, pool):
    sam = round.proposals.get(mentee=pool["sam"])
    client.force_login(alice)
    client.post(reverse("match_proposal_lock", args=[sam.pk]), {"locked": "1"})
    client.post(reverse("match_round_exclude", args=[round.pk]), {"person": pool["ria"].pk})
    response = client.post(reverse("match_round_rerun", args=[round.pk]), follow=True)

    second = MatchRound.objects.get(number=2)
    assert response.context["round"] == second
    assert {(p.mentee.username, p.locked) for p in second.proposals.exclude(mentor=None)} == {("sam", True)}


def test_compare_lists_the_mentees_whose_mentor_changed(client, alice, round, pool):
    services.set_proposal_decision(round=round, action="exclude", person_id=pool["ann"].pk, actor=alice)
    second = services.start_round(cohort=round.cohort, actor=alice, previous=round)
    client.force_login(alice)
    response = client.get(
        reverse("match_round_compare", args=[round.cohort.program.pk]) + f"?a={round.pk}&b={second.pk}"
    )
    differences = response.context["differences"]
    assert [(d.mentee.username, d.mentor_a.username, d.mentor_b) for d in differences] == [
        ("ria", "ann", None)
    ]
    assert ("Shared interests", 1.0, 1.0) in response.context["weights"]
    assert "Weight: Shared interests" in response.content.decode()
    assert response.context["a"]["matched"] == 2
    assert response.context["b"]["matched"] == 1


def test_a_published_round_cannot_be_changed(client, alice, round, pool):
    services.set_proposal_decision(
        round=round, proposal_ids=[p.pk for p in round.proposals.all()], action="accepted", actor=alice
    )
    services.publish_round(round=round, actor=alice)
    sam = round.proposals.get(mentee=pool["sam"])
    client.force_login(alice)
    response = client.post(reverse("match_proposal_lock", args=[sam.pk]), {"locked": "1"}, follow=True)
    assert "Only a round that is ready for review can be changed." in response.content.decode()
    assert round.proposals.get(pk=sam.pk).locked is False


@pytest.mark.parametrize("extra", [1, 3])
def test_review_page_queries_do_not_grow_with_proposals(
    client, alice, cohort, lincoln, django_assert_num_queries, extra
):
    for n in range(extra):
        add_mentor(cohort, lincoln, f"mentor{n}")
        add_mentee(cohort, lincoln, f"mentee{n}")
    round = services.start_round(cohort=cohort, actor=alice)
    assert round.proposals.exclude(mentor=None).count() == extra
    client.force_login(alice)
    url = reverse("match_round_detail", args=[round.pk])
    client.get(url)
    with django_assert_num_queries(17):
        client.get(url)


def test_a_large_cohort_runs_in_the_background_with_progress(
    client, alice, program, cohort, pool, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_THRESHOLD", 2)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("match_rounds", args=[program.pk]), {"cohort": cohort.pk})
    round = MatchRound.objects.get()
    assert round.status == "queued"
    page = client.get(reverse("match_round_detail", args=[round.pk]))
    assert 'hx-get="{}"'.format(reverse("match_round_progress", args=[round.pk])) in page.content.decode()
    for callback in callbacks:  # what the worker would do
        callback()
    # The test task backend runs the task at once on commit; the progress partial then redirects.
    response = client.get(reverse("match_round_progress", args=[round.pk]))
    assert response["HX-Redirect"] == reverse("match_round_detail", args=[round.pk])
    round.refresh_from_db()
    assert (round.status, round.progress) == ("draft", 1.0)


@pytest.mark.parametrize("rounds", [1, 3])
def test_round_list_runs_the_same_queries_for_one_or_three_rounds(
    client, alice, program, cohort, rounds, django_assert_num_queries
):
    for _n in range(rounds):
        services.create_round(cohort=cohort, actor=alice)
    services.settings_for(program)
    client.force_login(alice)
    with django_assert_num_queries(ROUND_LIST_QUERIES):
        response = client.get(reverse("match_rounds", args=[program.pk]))
    assert len(response.context["rounds"]) == rounds


@pytest.mark.parametrize("rounds", [1, 3])
def test_compare_page_runs_the_same_queries_for_one_or_three_rounds(
    client, alice, program, cohort, pool, rounds, django_assert_num_queries
):
    for _n in range(rounds):
        services.start_round(cohort=cohort, actor=alice)
    client.force_login(alice)
    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(reverse("match_round_compare", args=[program.pk]))
    assert len(response.context["rounds"]) == rounds


ROUND_LIST_QUERIES = 13  # session, user, program, cohorts, rounds, settings, layout, workspace
COMPARE_QUERIES = 11


def test_scores_read_as_fit_out_of_100_with_the_breakdown_in_fit_points(client, alice, round, pool):
    ria = round.proposals.get(mentee=pool["ria"])
    weights = round.config["weights"]
    base = sum(v for k, v in weights.items() if k not in ("request", "priority"))
    expected = round_half(100 * ria.score / (1000 * base))
    client.force_login(alice)

    response = client.get(reverse("match_round_detail", args=[round.pk]))

    shown = next(p for p in response.context["page"] if p.pk == ria.pk)
    assert shown.fit == expected
    assert 0 < shown.fit <= 100
    html = response.content.decode()
    assert f'<span class="fit">{shown.fit}</span>' in html
    assert "Fit says how well a pair matches" in html
    assert str(round.total) not in html  # the engine's integer total is not shown
    points = [int(text.lstrip("+")) for _label, text, _p in shown.breakdown_rows]
    assert abs(sum(points) - shown.fit) <= len(points)  # fit points add up to the fit (rounding)
    assert response.context["review"].lowest <= response.context["review"].highest <= 100


def round_half(value):
    return int(value + 0.5)


def test_fit_leaves_out_bonuses_and_stays_within_0_and_100():
    from peerpath.matching.reasons import fit

    weights = {"interests": 1.0, "goals": 1.0, "request": 2.0, "priority": 1.0}
    assert fit(2000, {}, weights) == 100
    assert fit(1000, {}, weights) == 50
    assert fit(3000, {"contributions": {"interests": 1000, "request": 2000}}, weights) == 50
    assert fit(0, {}, weights) == 0
    assert fit(500, {}, {"interests": 0.0, "request": 2.0}) == 0  # no scale: no fit


def test_a_round_where_every_score_is_0_draws_ten_readable_ranges():
    from peerpath.matching.queries.rounds import _distribution

    bins = _distribution([0, 0, 0])

    assert bins[0] == ("0–9", 3)
    assert bins[-1] == ("90–100", 0)
    assert len(bins) == 10
    assert _distribution([100, 55])[5:] == [
        ("50–59", 1),
        ("60–69", 0),
        ("70–79", 0),
        ("80–89", 0),
        ("90–100", 1),
    ]


def test_a_mentor_not_cleared_to_be_matched_is_not_counted_in_the_load(client, alice, cohort, lincoln, pool):
    from peerpath.recruitment.models import BackgroundCheck

    cy = add_mentor(cohort, lincoln, "cy")
    BackgroundCheck.objects.filter(person=cy).delete()  # not screened: the gate keeps cy out
    round = services.start_round(cohort=cohort, actor=alice)
    client.force_login(alice)

    response = client.get(reverse("match_round_detail", args=[round.pk]))

    review = response.context["review"]
    assert {row["user"].username for row in review.mentor_load} == {"ann", "ben"}
    assert [user.username for user in review.not_ready_mentors] == ["cy"]
    assert "Not counted: 1 mentor is not cleared to be matched yet" in response.content.decode()


def test_every_blocker_shows_at_once_with_the_rule_to_relax_and_its_effect(client, alice, cohort, lincoln):
    add_mentor(cohort, lincoln, "ann", languages=["English"])
    # zoe: no shared free period and no shared language with ann; uma: only no shared language.
    add_mentee(cohort, lincoln, "zoe", availability=["fri-after"], languages=["French"])
    add_mentee(cohort, lincoln, "uma", languages=["French"])
    round = services.start_round(cohort=cohort, actor=alice)
    client.force_login(alice)

    page = client.get(reverse("match_round_detail", args=[round.pk])).content.decode()
    assert 'hx-get="{}"'.format(reverse("match_round_blockers", args=[round.pk])) in page
    response = client.get(reverse("match_round_blockers", args=[round.pk]), headers={"HX-Request": "true"})

    found = response.context["blockers"]
    assert (found.unmatched, found.no_mentor_fits, found.capacity) == (2, 2, 0)
    rules = {b.code: (b.mentees, b.would_fit) for b in found.rules}
    assert rules == {"shared_language": (2, 1), "shared_slots": (1, 0)}  # only uma is freed by one rule
    html = response.content.decode()
    assert "What keeps the others from a mentor" in html
    assert "A shared language" in html
    assert "Shared free periods" in html
    assert "1 of the 2 mentees no mentor fits would have one" in html
    assert MatchRound.objects.get(pk=round.pk).config == round.config  # reading changed nothing


def test_a_full_mentor_shows_as_a_capacity_blocker(client, alice, cohort, lincoln):
    add_mentor(cohort, lincoln, "ann")
    add_mentee(cohort, lincoln, "ria")
    add_mentee(cohort, lincoln, "sam")
    round = services.start_round(cohort=cohort, actor=alice)
    client.force_login(alice)

    response = client.get(reverse("match_round_blockers", args=[round.pk]))
    found = response.context["blockers"]
    assert "<h1>What keeps the others from a mentor</h1>" in response.content.decode()  # a page without JS

    assert (found.unmatched, found.no_mentor_fits, found.capacity, found.rules) == (1, 0, 1, [])
