"""A program's workspace: the stages as a sub-navigation on every staff page, with what waits in each."""

import re

import pytest
from django.urls import reverse

from peerpath.matching.models import MatchRound
from peerpath.mentorships.models import Match
from peerpath.recruitment.models import Application
from peerpath.site.workspace import STAGES, stage_of, waiting_counts
from tests.factories import ApplicationFactory, CohortFactory, MatchFactory, UserFactory

pytestmark = pytest.mark.django_db


def _workspace(content: str) -> str:
    found = re.search(r'<nav class="workspace".*?</nav>', content, re.S)
    return found.group(0) if found else ""


def _badge(nav: str, stage: str) -> str | None:
    found = re.search(rf">{stage} <span class=\"badge\"[^>]*>(\d+)<", nav)
    return found.group(1) if found else None


def test_workspace_counts_what_waits_in_each_stage_of_the_current_cohort(program, cohort):
    for status in [Application.Status.SUBMITTED] * 2 + [
        Application.Status.SCREENING,
        Application.Status.INTERVIEW,
    ]:
        ApplicationFactory(cohort=cohort, status=status)
    ApplicationFactory(cohort=cohort, status=Application.Status.APPROVED)  # nothing waits
    MatchRound.objects.create(cohort=cohort, number=1, status=MatchRound.Status.DRAFT)
    MatchRound.objects.create(cohort=cohort, number=2, status=MatchRound.Status.PUBLISHED)
    MatchFactory(cohort=cohort, status=Match.Status.PROPOSED)
    MatchFactory(cohort=cohort, status=Match.Status.ACTIVE)
    older = CohortFactory(program=program, name="Last year", starts_on=cohort.starts_on.replace(year=2000))
    ApplicationFactory(cohort=older, status=Application.Status.SUBMITTED)  # not the current cohort

    assert waiting_counts(program) == {"recruitment": 2, "screening": 2, "matching": 1, "matches": 1}


def test_workspace_counts_are_zero_without_a_cohort(program):
    assert waiting_counts(program) == {"recruitment": 0, "screening": 0, "matching": 0, "matches": 0}


def test_every_stage_link_is_a_real_program_page():
    for stage in STAGES:
        for link in stage.links:
            args = [1, link.role] if link.role else [1]
            assert reverse(link.url_name, args=args)
    assert stage_of("application_review").key == "screening"
    assert stage_of("program_public") is None  # the public page is not a workspace page


def test_every_workspace_link_opens_a_page_for_the_coordinator(client, alice, program, cohort):
    client.force_login(alice)
    for stage in STAGES:
        for link in stage.links:
            args = [program.pk, link.role] if link.role else [program.pk]
            assert client.get(reverse(link.url_name, args=args)).status_code == 200, link.url_name


def test_coordinator_sees_the_stages_with_counts_and_the_current_stage_pages(client, alice, program, cohort):
    ApplicationFactory(cohort=cohort, status=Application.Status.SUBMITTED)
    client.force_login(alice)

    nav = _workspace(client.get(reverse("application_review", args=[program.pk])).content.decode())

    assert _badge(nav, "Recruitment") == "1"
    assert _badge(nav, "Screening") is None  # nothing in screening: no badge
    assert re.search(r'aria-current="true">Screening<', nav)
    assert f'href="{reverse("rubric_edit", args=[program.pk])}"' in nav  # the stage's own pages
    assert f'href="{reverse("match_rounds", args=[program.pk])}"' in nav  # every stage is one click away
    assert f'href="{reverse("training_matrix", args=[program.pk])}"' in nav


def test_educator_sees_the_stages_without_the_pages_only_managers_use(client, frank, program, cohort):
    client.force_login(frank)

    nav = _workspace(client.get(reverse("application_review", args=[program.pk])).content.decode())

    assert f'href="{reverse("application_review", args=[program.pk])}"' in nav
    assert f'href="{reverse("rubric_edit", args=[program.pk])}"' not in nav
    assert ">Matching<" not in nav  # no matching page is open to an educator


def test_students_and_other_schools_see_no_workspace(client, bob, dave, program, cohort):
    client.force_login(bob)
    assert _workspace(client.get(reverse("enrollment_join", args=[program.pk])).content.decode()) == ""
    public = reverse("program_public", args=[program.organization.slug, program.slug])
    assert _workspace(client.get(public).content.decode()) == ""
    client.force_login(dave)
    assert client.get(reverse("application_review", args=[program.pk])).status_code == 404


def test_program_overview_maps_every_stage(client, alice, program, cohort):
    client.force_login(alice)

    content = client.get(reverse("program_detail", args=[program.pk])).content.decode()

    stage_map = re.search(r'<nav class="stage-map".*?</nav>', content, re.S).group(0)
    for heading in ["Recruitment", "Screening", "Training", "Matching", "Matches"]:
        assert f"<h2>{heading}</h2>" in stage_map
    assert content.count(f'href="{reverse("consent_list", args=[program.pk])}"') >= 1


def test_workspace_badge_is_announced_with_its_meaning(client, alice, program, cohort):
    ApplicationFactory(cohort=cohort, status=Application.Status.SCREENING, applicant=UserFactory())
    client.force_login(alice)

    nav = _workspace(client.get(reverse("program_detail", args=[program.pk])).content.decode())

    assert '<span class="visually-hidden"> applications in screening or interview</span>' in nav


def test_a_round_and_an_application_page_keep_the_workspace(client, alice, program, cohort):
    round = MatchRound.objects.create(cohort=cohort, number=1, status=MatchRound.Status.DRAFT)
    application = ApplicationFactory(cohort=cohort, status=Application.Status.SCREENING)
    client.force_login(alice)

    round_nav = _workspace(client.get(reverse("match_round_detail", args=[round.pk])).content.decode())
    screening_nav = _workspace(
        client.get(reverse("application_screening", args=[application.pk])).content.decode()
    )

    assert re.search(r'aria-current="true">Matching', round_nav)
    assert re.search(r'aria-current="true">Screening', screening_nav)
