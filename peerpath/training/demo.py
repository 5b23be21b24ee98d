"""Demo training for Lincoln: the starter modules, three required of every program's mentors, mentors
at every stage of their training, and a few running matches in Lincoln Peer Mentors, one of them with a
mentor whose refresher expired (the flag coordinators see on the attention page).

Seeded and idempotent like programs.demo. Rows are written in their final state directly, except
matches, which go from proposed to active through `set_match_status` as the domain requires.
"""

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from peerpath.accounts.models import Organization, User
from peerpath.programs.models import Participant, ParticipantRole, Phase, Program
from peerpath.training.models import Completion, Module, QuizChoice, QuizQuestion, Requirement

REFRESHER_DAYS = 365


@dataclass(frozen=True)
class DemoModule:
    key: str
    title: str
    topic: str
    prompt: str
    right: str
    wrong: str
    validity_days: int | None = None


# Used when the starter library is not available; the keys are the library's, so loading it later
# refreshes these modules instead of adding duplicates.
FALLBACK_MODULES = [
    DemoModule(
        "active-listening",
        "Active listening",
        Module.Topic.LISTENING,
        "Your mentee says they had a bad week. What do you do first?",
        "Ask an open question and listen",
        "Tell them about your own week",
    ),
    DemoModule(
        "goal-setting",
        "Goal setting",
        Module.Topic.GOALS,
        "Which goal is easiest to act on?",
        "Finish the math homework every day this week",
        "Do better at school",
    ),
    DemoModule(
        "confidentiality-and-escalation",
        "Confidentiality and escalation",
        Module.Topic.SAFETY,
        "Your mentee tells you someone is hurting them. What do you do?",
        "Tell the coordinator today",
        "Keep it secret as promised",
        validity_days=REFRESHER_DAYS,
    ),
]

# Training stages given in turn to the enrolled mentors of the programs other than Peer Mentors.
COMPLETE, PARTIAL, NOT_STARTED, LAPSED = "complete", "partial", "not started", "lapsed"
OTHER_STAGES = [COMPLETE, PARTIAL, NOT_STARTED]
# Peer Mentors: bob and the first two other mentors are matched; the second one's refresher expired.
PEER_MENTOR_STAGES = [COMPLETE, LAPSED, PARTIAL]


@dataclass(frozen=True)
class TrainingSummary:
    modules: int
    requirements: int
    completions: int
    # (cohort id, mentor, mentee): the demo's running matches, activated by the mentorships demo.
    pairs: list[tuple[int, User, User]]


def _library_loader() -> Callable[..., object] | None:
    """The starter library's loader, written in parallel; the demo works without it."""
    try:
        from peerpath.training.library import load_training_library
    except ImportError:
        return None
    return load_training_library


def _ensure_modules(lincoln: Organization) -> list[Module]:
    """Three published modules of Lincoln, the last a refresher."""
    loader = _library_loader()
    if loader is not None:
        loader(organization=lincoln)
    else:
        for spec in FALLBACK_MODULES:
            module, _created = Module.objects.update_or_create(
                organization=lincoln,
                library_key=spec.key,
                defaults={"title": spec.title, "topic": spec.topic, "validity_days": spec.validity_days},
            )
            if not module.questions.exists():
                question = QuizQuestion.objects.create(module=module, prompt=spec.prompt)
                QuizChoice.objects.create(question=question, text=spec.right, is_correct=True, order=0)
                QuizChoice.objects.create(question=question, text=spec.wrong, is_correct=False, order=1)
    published = Module.objects.filter(organization=lincoln, is_published=True)
    by_key = {module.library_key: module for module in published if module.library_key}
    chosen = [by_key[spec.key] for spec in FALLBACK_MODULES if spec.key in by_key]
    for module in published.order_by("validity_days", "title"):
        if len(chosen) >= 3:
            break
        if module not in chosen:
            chosen.insert(0, module)
    refresher = chosen[-1]
    if refresher.validity_days is None:
        refresher.validity_days = REFRESHER_DAYS
        refresher.save(update_fields=["validity_days", "updated"])
    return chosen[:3]


def _give_training(person: User, modules: list[Module], stage: str, now: datetime.datetime) -> None:
    done = {COMPLETE: modules, LAPSED: modules, PARTIAL: modules[:1], NOT_STARTED: []}[stage]
    for module in done:
        lapsed = stage == LAPSED and module.validity_days is not None
        completed_at = now - datetime.timedelta(days=400 if lapsed else 20)
        expires_at = (
            completed_at + datetime.timedelta(days=module.validity_days) if module.validity_days else None
        )
        Completion.objects.update_or_create(
            module=module,
            user=person,
            defaults={
                "completed_at": completed_at,
                "expires_at": expires_at,
                "score": 90,
                "source": Completion.Source.QUIZ,
            },
        )
    Completion.objects.filter(user=person, module__in=modules).exclude(module__in=done).delete()


@transaction.atomic
def load_demo_training(
    now: datetime.datetime | None = None, *, mentors: Collection[int] | None = None
) -> TrainingSummary:
    """`mentors`: the participant ids to give a stage of training (the programs demo's approved
    mentors); by default every enrolled mentor. The matching pools train their own mentors, so leaving
    them out keeps every run giving the same stages to the same people."""
    now = now or timezone.now()
    lincoln = Organization.objects.get(slug="lincoln-high")
    modules = _ensure_modules(lincoln)
    programs = list(Program.objects.filter(organization=lincoln).order_by("pk"))
    for program in programs:
        training_phase = (
            Phase.objects.filter(cohort__program=program, kind=Phase.Kind.TRAINING)
            .order_by("-starts_on")
            .first()
        )
        for module in modules:
            Requirement.objects.update_or_create(
                program=program,
                role=ParticipantRole.MENTOR,
                module=module,
                defaults={"due_on": training_phase.ends_on if training_phase else None},
            )

    staged = Participant.objects.filter(
        cohort__program__in=programs, role=ParticipantRole.MENTOR, status=Participant.Status.ENROLLED
    )
    if mentors is not None:
        staged = staged.filter(pk__in=list(mentors))
    peer_mentors = next(program for program in programs if program.slug == "peer-mentors")
    trained: set[int] = set()
    others = 0
    matched: list[Participant] = []
    pairs: list[tuple[int, User, User]] = []
    for participant in staged.select_related("user", "cohort__program").order_by(
        "cohort__program_id", "user__username"
    ):
        person = participant.user
        if person.pk in trained:
            continue  # a mentor of two programs keeps the stage of the first
        trained.add(person.pk)
        if person.username == "bob":
            stage = COMPLETE
        elif participant.cohort.program_id == peer_mentors.pk and len(matched) < len(PEER_MENTOR_STAGES):
            stage = PEER_MENTOR_STAGES[len(matched)]
            matched.append(participant)
        else:
            stage = OTHER_STAGES[others % len(OTHER_STAGES)]
            others += 1
        _give_training(person, modules, stage, now)

    cohort = peer_mentors.cohorts.order_by("-starts_on").first()
    if cohort is not None:
        mentees = [
            participant.user
            for participant in Participant.objects.filter(
                cohort=cohort, role=ParticipantRole.MENTEE, status=Participant.Status.ENROLLED
            )
            .select_related("user")
            .order_by("user__username")
            if participant.user.username != "carol"
        ]
        bob, carol = User.objects.get(username="bob"), User.objects.get(username="carol")
        # The partially trained mentor is not matched: a running match with them would be flagged too.
        running_mentors = [
            p.user for p, stage in zip(matched, PEER_MENTOR_STAGES, strict=False) if stage != PARTIAL
        ]
        pairs = [
            (cohort.pk, mentor, mentee)
            for mentor, mentee in [(bob, carol), *zip(running_mentors, mentees, strict=False)]
        ]

    return TrainingSummary(
        modules=Module.objects.filter(organization=lincoln).count(),
        requirements=Requirement.objects.filter(program__organization=lincoln).count(),
        completions=Completion.objects.filter(module__organization=lincoln).count(),
        pairs=pairs,
    )
