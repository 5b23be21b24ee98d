"""Writes with business meaning for training modules: authoring, taking quizzes, completing."""

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import nh3
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import Organization, User
from peerpath.core.audit import record_audit
from peerpath.training.models import Attempt, Completion, Lesson, Module, QuizChoice, QuizQuestion

# Lesson text: structure and emphasis only. No images, styles, scripts or event handlers.
LESSON_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
LESSON_ATTRIBUTES = {"a": {"href"}}
LESSON_URL_SCHEMES = {"http", "https", "mailto"}

MODULE_FIELDS = (
    "title",
    "summary",
    "topic",
    "estimated_minutes",
    "pass_mark",
    "max_attempts",
    "validity_days",
    "is_published",
)


class TrainingError(Exception):
    """A request that breaks a training rule; the message is shown to the user as it is."""


class NoAttemptsLeft(TrainingError):
    pass


class NoQuiz(TrainingError):
    pass


class HasQuiz(TrainingError):
    pass


class AlreadyCompleted(TrainingError):
    """The module is completed and still valid: there is nothing to retake."""

    def __init__(self, message: str, completion: Completion, attempt: Attempt | None) -> None:
        super().__init__(message)
        self.completion = completion
        self.attempt = attempt


def sanitize_lesson_html(html: str) -> str:
    """The lesson text as it is stored and later rendered with |safe: only the allowed tags survive."""
    return nh3.clean(
        html,
        tags=LESSON_TAGS,
        clean_content_tags={"script", "style"},
        attributes=LESSON_ATTRIBUTES,
        url_schemes=LESSON_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


# Modules -----------------------------------------------------------------------------------------


def create_module(
    *, organization: Organization, actor: User, fields: Mapping[str, Any], request: HttpRequest | None = None
) -> Module:
    with transaction.atomic():
        module = Module.objects.create(
            organization=organization, **{name: fields[name] for name in MODULE_FIELDS if name in fields}
        )
        record_audit(
            action="training.module_created",
            actor=actor,
            target=module,
            organization_id=organization.pk,
            request=request,
        )
    return module


def update_module(
    *, module: Module, actor: User, fields: Mapping[str, Any], request: HttpRequest | None = None
) -> Module:
    changed = [name for name in MODULE_FIELDS if name in fields and getattr(module, name) != fields[name]]
    if not changed:
        return module
    with transaction.atomic():
        for name in changed:
            setattr(module, name, fields[name])
        module.save(update_fields=[*changed, "updated"])
        record_audit(
            action="training.module_changed",
            actor=actor,
            target=module,
            organization_id=module.organization_id,
            detail={"fields": changed},
            request=request,
        )
    return module


# Lessons -----------------------------------------------------------------------------------------


def _next_order(queryset: models.QuerySet[Any]) -> int:
    last = queryset.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


def save_lesson(
    *,
    module: Module,
    title: str,
    body_html: str = "",
    link_url: str = "",
    file: UploadedFile | None = None,
    remove_file: bool = False,
    lesson: Lesson | None = None,
) -> Lesson:
    """Add a lesson at the end of a module, or change one. The text is sanitised here, once."""
    if lesson is None:
        lesson = Lesson(module=module, order=_next_order(Lesson.objects.filter(module=module)))
    lesson.title = title
    lesson.body_html = sanitize_lesson_html(body_html)
    lesson.link_url = link_url
    old_file = lesson.file.name if lesson.file else ""
    if file is not None:
        lesson.file = file
    elif remove_file:
        lesson.file = ""
    lesson.save()
    if old_file and old_file != lesson.file.name:
        storage = lesson.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return lesson


def _swap_neighbour(items: list[Any], item_pk: int, up: bool) -> list[Any]:
    """Swap an item with its neighbour and renumber 0..n; returns the items whose order changed."""
    index = next(i for i, item in enumerate(items) if item.pk == item_pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return []
    items[index], items[other] = items[other], items[index]
    changed = []
    for position, item in enumerate(items):
        if item.order != position:
            item.order = position
            changed.append(item)
    return changed


def move_lesson(*, lesson: Lesson, up: bool) -> None:
    lessons = list(Lesson.objects.filter(module_id=lesson.module_id).order_by("order", "id"))
    Lesson.objects.bulk_update(_swap_neighbour(lessons, lesson.pk, up), ["order"])


def delete_lesson(*, lesson: Lesson) -> None:
    name = lesson.file.name if lesson.file else ""
    storage = lesson.file.storage
    lesson.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# Quiz authoring ----------------------------------------------------------------------------------


def save_quiz_question(
    *,
    module: Module,
    kind: str,
    prompt: str,
    choices: Sequence[tuple[str, bool]],
    scenario: str = "",
    explanation: str = "",
    question: QuizQuestion | None = None,
) -> QuizQuestion:
    """Add a question at the end of the quiz, or change one. Its choices are replaced as given."""
    with transaction.atomic():
        if question is None:
            question = QuizQuestion(
                module=module, order=_next_order(QuizQuestion.objects.filter(module=module))
            )
        question.kind = kind
        question.prompt = prompt
        question.scenario = scenario
        question.explanation = explanation
        question.save()
        question.choices.all().delete()
        QuizChoice.objects.bulk_create(
            QuizChoice(question=question, text=text, is_correct=is_correct, order=position)
            for position, (text, is_correct) in enumerate(choices)
        )
    return question


def move_quiz_question(*, question: QuizQuestion, up: bool) -> None:
    questions = list(QuizQuestion.objects.filter(module_id=question.module_id).order_by("order", "id"))
    QuizQuestion.objects.bulk_update(_swap_neighbour(questions, question.pk, up), ["order"])


def delete_quiz_question(*, question: QuizQuestion) -> None:
    """Remove a question. Past attempts keep their score."""
    question.delete()


# Taking a module ---------------------------------------------------------------------------------


def attempts_counted(module: Module, user: User, completion: Completion | None) -> models.QuerySet[Attempt]:
    """The attempts that count against the limit: all of them, or since an expired completion ran out."""
    attempts = Attempt.objects.filter(module=module, user=user)
    if completion is not None and completion.expires_at is not None:
        attempts = attempts.filter(created__gt=completion.expires_at)
    return attempts


def is_right(question: QuizQuestion, chosen: Iterable[int | str]) -> bool:
    """Whether `chosen` (choice ids) answers `question` right: exactly its correct choices, no fewer
    and no more, so ticking every choice of a multiple-choice question is wrong. Choices of other
    questions never make an answer right. Uses `question.choices.all()`, so prefetch them."""
    correct = {choice.pk for choice in question.choices.all() if choice.is_correct}
    return {int(pk) for pk in chosen} == correct


def grade(questions: Iterable[QuizQuestion], answers: Mapping[str, Iterable[int]]) -> tuple[int, int]:
    """(questions answered right, questions); see `is_right`."""
    right = total = 0
    for question in questions:
        total += 1
        right += is_right(question, answers.get(str(question.pk), []))
    return right, total


def _completion_defaults(module: Module, now: datetime.datetime, score: int | None, source: str) -> dict:
    expires_at = now + datetime.timedelta(days=module.validity_days) if module.validity_days else None
    return {"completed_at": now, "expires_at": expires_at, "score": score, "source": source}


def submit_quiz(
    *,
    module: Module,
    user: User,
    answers: Mapping[str, Iterable[int]],
    submit_token: uuid.UUID,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Attempt:
    """Grade a quiz on the server and record the attempt; on a pass, the completion.

    `answers` maps a question id to the chosen choice ids. The same form posted twice (a double click,
    a reload) records one attempt: the second post hands back the first.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # One submission per person at a time, so that two tabs cannot both take the last attempt.
            list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
            return _record_attempt(
                module=module, user=user, answers=answers, submit_token=submit_token, now=now, request=request
            )
    except IntegrityError:
        # The other request with the same token won the race: hand back its attempt.
        winner = Attempt.objects.filter(submit_token=submit_token, module=module, user=user).first()
        if winner is None:
            raise
        return winner


def _record_attempt(
    *,
    module: Module,
    user: User,
    answers: Mapping[str, Iterable[int]],
    submit_token: uuid.UUID,
    now: datetime.datetime,
    request: HttpRequest | None,
) -> Attempt:
    existing = Attempt.objects.filter(submit_token=submit_token, module=module, user=user).first()
    if existing is not None:
        return existing
    questions = list(QuizQuestion.objects.filter(module=module).prefetch_related("choices"))
    if not questions:
        raise NoQuiz(_("This module has no quiz. Read the lessons and mark the module as completed."))
    completion = Completion.objects.filter(module=module, user=user).first()
    if completion is not None and completion.is_valid_on(timezone.localdate(now)):
        passed = Attempt.objects.filter(module=module, user=user, passed=True).first()
        raise AlreadyCompleted(_("You have already completed this module."), completion, passed)
    if module.max_attempts is not None:
        used = attempts_counted(module, user, completion).count()
        if used >= module.max_attempts:
            raise NoAttemptsLeft(
                _("You have used all %(count)s attempts for this quiz. Ask your coordinator for help.")
                % {"count": module.max_attempts}
            )
    right, total = grade(questions, answers)
    score = round(100 * right / total)
    is_pass = score >= module.pass_mark
    stored = {
        str(question.pk): sorted({int(pk) for pk in answers.get(str(question.pk), [])})
        for question in questions
    }
    attempt = Attempt.objects.create(
        module=module, user=user, submit_token=submit_token, answers=stored, score=score, passed=is_pass
    )
    if is_pass:
        completion, _created = Completion.objects.update_or_create(
            module=module,
            user=user,
            defaults=_completion_defaults(module, now, score, Completion.Source.QUIZ),
        )
        record_audit(
            action="training.module_completed",
            actor=user,
            target=completion,
            organization_id=module.organization_id,
            detail={"source": Completion.Source.QUIZ, "score": score, "attempt": attempt.pk},
            request=request,
        )
    return attempt


def complete_module_by_reading(
    *, module: Module, user: User, now: datetime.datetime | None = None, request: HttpRequest | None = None
) -> Completion:
    """A module without a quiz is completed by confirming the lessons were read."""
    if QuizQuestion.objects.filter(module=module).exists():
        raise HasQuiz(_("This module is completed by passing its quiz."))
    now = now or timezone.now()
    with transaction.atomic():
        completion, _created = Completion.objects.update_or_create(
            module=module,
            user=user,
            defaults=_completion_defaults(module, now, None, Completion.Source.LESSONS),
        )
        record_audit(
            action="training.module_completed",
            actor=user,
            target=completion,
            organization_id=module.organization_id,
            detail={"source": Completion.Source.LESSONS},
            request=request,
        )
    return completion


def record_attempt_view(*, viewer: User, attempt: Attempt, request: HttpRequest | None = None) -> None:
    """Staff reading a student's quiz attempt is a read of a student record: it leaves a trace."""
    if viewer.pk == attempt.user_id:
        return
    record_audit(
        action="training.attempt_viewed",
        actor=viewer,
        target=attempt,
        organization_id=attempt.module.organization_id,
        request=request,
    )
