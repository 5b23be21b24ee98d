"""A program's workspace: the stages of running it, each with its pages and a count of what waits there.

Every staff page of a program shows the stages as a persistent sub-navigation (``base.html`` renders
it through the ``program_workspace`` tag), so a coordinator can move between recruitment, screening,
training, matching and the matches without going back to the overview. New stages (relationships,
evaluation) add an entry here.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peerpath.matching.models import MatchRound
from peerpath.mentorships.models import Match
from peerpath.programs.models import Cohort, Program
from peerpath.recruitment.models import Application


@dataclass(frozen=True)
class StageLink:
    url_name: str
    label: Promise
    manage_only: bool = False
    role: str = ""  # application forms take a role argument


@dataclass(frozen=True)
class Stage:
    key: str
    label: Promise
    links: tuple[StageLink, ...]
    # Other pages of this stage (their URL names), so that the stage stays marked on them.
    other_pages: frozenset[str] = field(default_factory=frozenset)
    # What the count next to the stage means, for screen readers and the title.
    count_label: Promise | None = None

    @property
    def url_names(self) -> frozenset[str]:
        return frozenset(link.url_name for link in self.links) | self.other_pages


STAGES = (
    Stage(
        "overview",
        _("Overview"),
        (
            StageLink("program_detail", _("Overview")),
            StageLink("event_list", _("Events")),
            StageLink("program_edit", _("Edit the program"), manage_only=True),
        ),
        other_pages=frozenset(
            {
                "event_create",
                "event_detail",
                "event_edit",
                "event_delete",
                "event_attendance",
                "program_phase_add",
            }
            | {
                f"program_{kind}_{verb}"
                for kind in ("objective", "staff", "supporter", "cohort", "phase")
                for verb in ("add", "edit", "delete")
            }
        ),
    ),
    Stage(
        "recruitment",
        _("Recruitment"),
        (
            StageLink("recruitment_funnel", _("Recruitment funnel")),
            StageLink("nomination_list", _("Nominations")),
            StageLink("enrollment_refer", _("Refer a student")),
            StageLink("participant_list", _("Participants")),
            StageLink("application_form_edit", _("Mentor application form"), manage_only=True, role="mentor"),
            StageLink("application_form_edit", _("Mentee application form"), manage_only=True, role="mentee"),
            StageLink("enrollment_csv", _("Enroll mentees from a CSV file"), manage_only=True),
        ),
        other_pages=frozenset(
            {"nomination_create", "application_question_edit", "application_question_delete"}
        ),
        count_label=_("new applications"),
    ),
    Stage(
        "screening",
        _("Screening"),
        (
            StageLink("application_review", _("Review applications")),
            StageLink("screening_attention", _("Needs attention"), manage_only=True),
            StageLink("consent_list", _("Guardian consent"), manage_only=True),
            StageLink("rubric_edit", _("Interview rubric"), manage_only=True),
        ),
        other_pages=frozenset(
            {"consent_request", "rubric_criterion_edit", "rubric_criterion_delete", "application_screening"}
            | {"interview_schedule", "interview_score", "reference_request", "background_check_add"}
        ),
        count_label=_("applications in screening or interview"),
    ),
    Stage(
        "training",
        _("Training"),
        (
            StageLink("training_matrix", _("Training progress")),
            StageLink("training_requirements", _("Training requirements"), manage_only=True),
        ),
        other_pages=frozenset({"training_reminders", "workshop_credits"}),
    ),
    Stage(
        "matching",
        _("Matching"),
        (
            StageLink("match_rounds", _("Match rounds"), manage_only=True),
            StageLink("matching_settings", _("Weights and rules"), manage_only=True),
        ),
        other_pages=frozenset(
            {"match_round_compare", "match_round_detail", "match_round_publish", "match_round_blockers"}
            | {"match_proposal_swap"}
        ),
        count_label=_("rounds ready for review"),
    ),
    Stage(
        "matches",
        _("Matches"),
        (StageLink("match_list", _("Matches"), manage_only=True),),
        count_label=_("proposed matches"),
    ),
)


def stage_of(url_name: str | None) -> Stage | None:
    return next((stage for stage in STAGES if url_name in stage.url_names), None)


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(queryset.order_by().values("cohort_id").annotate(n=Count("pk")).values("n"))


def waiting_counts(program: Program) -> dict[str, int]:
    """What waits in each stage of the program's current cohort, in one query."""
    waiting: dict[str, QuerySet[Any]] = {
        "recruitment": Application.objects.filter(status=Application.Status.SUBMITTED),
        "screening": Application.objects.filter(
            status__in=[Application.Status.SCREENING, Application.Status.INTERVIEW]
        ),
        "matching": MatchRound.objects.filter(status=MatchRound.Status.DRAFT),
        "matches": Match.objects.filter(status=Match.Status.PROPOSED),
    }
    row = (
        Cohort.objects.filter(program=program)
        .order_by("-starts_on", "-id")  # the current cohort, as Program.current_cohort
        .annotate(
            **{
                f"waiting_{key}": _count(rows.filter(cohort_id=OuterRef("pk")))
                for key, rows in waiting.items()
            }
        )
        .values(*(f"waiting_{key}" for key in waiting))
        .first()
    )
    return {key: (row or {}).get(f"waiting_{key}") or 0 for key in waiting}
