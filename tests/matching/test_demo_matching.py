import pytest
from django.core.management import call_command
from django.urls import reverse

from peerpath.accounts.models import User
from peerpath.matching.models import MatchRound, Preference, Profile
from peerpath.programs.models import Participant, Program


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_has_a_matching_pool_and_a_round_to_review_and_runs_another_from_the_page(client, settings):
    settings.REQUIRE_STAFF_MFA = False  # as in `make run`
    call_command("load_demo")
    call_command("load_demo")  # idempotent: still one round, no duplicate people

    program = Program.objects.get(slug="peer-mentors")
    largest = max(Program.objects.all(), key=lambda p: Participant.objects.filter(cohort__program=p).count())
    assert largest == program
    round = MatchRound.objects.get(cohort__program=program)
    assert round.status == "draft"
    matched = round.proposals.exclude(mentor=None)
    assert matched.count() >= 30
    assert round.optimal is True
    assert Profile.objects.filter(participant__cohort=round.cohort).count() >= 100
    assert Preference.objects.filter(cohort=round.cohort, kind="request").count() == 3

    client.force_login(User.objects.get(username="alice"))
    response = client.post(
        reverse("match_rounds", args=[program.pk]), {"cohort": round.cohort.pk}, follow=True
    )
    second = MatchRound.objects.get(cohort__program=program, number=2)
    assert response.context["round"] == second
    assert second.status == "draft"
    assert "shared free period" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.slow
def test_the_readme_demo_mentee_sees_suggestions(client):
    call_command("load_demo")
    participant = Participant.objects.get(
        user__username="lincoln016", cohort__program__slug="peer-mentors", role="mentee"
    )
    client.force_login(participant.user)
    response = client.get(reverse("matching_suggestions", args=[participant.pk]))
    assert len(response.context["suggestions"]) == 5
