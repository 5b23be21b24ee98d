"""Reads for training modules, with what the pages show built in."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from peerpath.accounts.models import Organization, User
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES
from peerpath.training.models import Attempt, Completion, Lesson, Module, QuizQuestion


@dataclass(frozen=True)
class ModuleProgress:
    """Where one person stands with one module."""

    state: str  # "not_started", "passed", "expired", "in_progress"
    completion: Completion | None
    attempts_used: int
    attempts_left: int | None  # None: no limit

    @property
    def can_attempt(self) -> bool:
        return self.state != "passed" and (self.attempts_left is None or self.attempts_left > 0)


def module_progress(
    module: Module,
    completion: Completion | None,
    attempts: list[Attempt],
    now: datetime.datetime | None = None,
) -> ModuleProgress:
    """`attempts` are the person's attempts at the module; those before an expired completion ran out
    do not count against the limit (a refresher starts afresh)."""
    now = now or timezone.now()
    expired = completion is not None and not completion.is_valid_on(timezone.localdate(now))
    if completion is not None and completion.expires_at is not None:
        cutoff = completion.expires_at
        attempts = [attempt for attempt in attempts if attempt.created > cutoff]
    used = len(attempts)
    left = None if module.max_attempts is None else max(module.max_attempts - used, 0)
    if completion is not None and not expired:
        state = "passed"
    elif expired:
        state = "expired"
    elif used:
        state = "in_progress"
    else:
        state = "not_started"
    return ModuleProgress(state=state, completion=completion, attempts_used=used, attempts_left=left)


def manager_organizations(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=policy.organization_ids(user, MANAGER_ROLES)).order_by("name")


def modules_for(user: User) -> QuerySet[Module]:
    """The modules `user` may see, each with `my_completions`, `my_attempts` and `lesson_count`.

    Everyone sees the published ones of their organizations; admins and coordinators also the unpublished.
    """
    managed = policy.organization_ids(user, MANAGER_ROLES)
    return (
        policy.scope(user, Module.objects.all(), "view")
        .filter(Q(is_published=True) | Q(organization__in=managed))
        .select_related("organization")
        .annotate(
            lesson_count=Count("lessons", distinct=True), question_count=Count("questions", distinct=True)
        )
        .prefetch_related(
            Prefetch("completions", queryset=Completion.objects.filter(user=user), to_attr="my_completions"),
            Prefetch(
                "attempts",
                queryset=Attempt.objects.filter(user=user).only("pk", "module_id", "created"),
                to_attr="my_attempts",
            ),
        )
        .order_by("organization__name", "title")
    )


def module_rows(user: User) -> list[tuple[Module, ModuleProgress]]:
    """The modules `user` may see, each with where they stand."""
    now = timezone.now()
    rows = []
    for module in modules_for(user):
        completions: list[Completion] = getattr(module, "my_completions", [])
        attempts: list[Attempt] = getattr(module, "my_attempts", [])
        rows.append((module, module_progress(module, completions[0] if completions else None, attempts, now)))
    return rows


def progress_of(user: User, module: Module) -> ModuleProgress:
    completion = Completion.objects.filter(module=module, user=user).first()
    attempts = list(Attempt.objects.filter(module=module, user=user).only("pk", "module_id", "created"))
    return module_progress(module, completion, attempts)


def lessons_of(module: Module) -> QuerySet[Lesson]:
    return Lesson.objects.filter(module=module).order_by("order", "id")


def questions_of(module: Module) -> QuerySet[QuizQuestion]:
    """The quiz of a module with its choices. Choices carry the answer key: never render it before grading."""
    return QuizQuestion.objects.filter(module=module).order_by("order", "id").prefetch_related("choices")


def latest_passed_attempt(module: Module, user: User) -> Attempt | None:
    return Attempt.objects.filter(module=module, user=user, passed=True).order_by("-created").first()
