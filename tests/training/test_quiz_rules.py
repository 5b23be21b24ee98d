"""The quiz rules at the service level, at their boundaries: the pass mark, multiple-choice grading,
the attempt limit and the day a refresher expires. The pages that call these are in test_quiz.py."""

import datetime
import uuid
import zoneinfo

import pytest

from peerpath.training.models import Attempt, Completion, Module, QuizChoice, QuizQuestion
from peerpath.training.queries.modules import module_progress
from peerpath.training.services.modules import (
    AlreadyCompleted,
    NoAttemptsLeft,
    grade,
    is_right,
    submit_quiz,
)
from tests.factories import CompletionFactory, ModuleFactory, quiz_question

pytestmark = pytest.mark.django_db

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
# 10:00 in Los Angeles (the default TIME_ZONE) on 1 October 2026.
NOW = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=LOS_ANGELES)


@pytest.fixture
def module(lincoln) -> Module:
    return ModuleFactory(organization=lincoln, pass_mark=80)


@pytest.fixture
def multiple(module) -> tuple[QuizQuestion, list[QuizChoice]]:
    """A several-answers question: the first two choices are right, the third wrong."""
    question = QuizQuestion.objects.create(module=module, kind="multiple", prompt="Which help?")
    choices = [
        QuizChoice.objects.create(question=question, text=text, is_correct=right, order=order)
        for order, (text, right) in enumerate([("Listen", True), ("Ask", True), ("Lecture", False)])
    ]
    return question, choices


def _right(question: QuizQuestion) -> list[int]:
    return [question.choices.get(is_correct=True).pk]


def _wrong(question: QuizQuestion) -> list[int]:
    return [question.choices.filter(is_correct=False).first().pk]


def _submit(module: Module, user, answers: dict[QuizQuestion, list[int]], now=NOW) -> Attempt:
    return submit_quiz(
        module=module,
        user=user,
        answers={str(question.pk): chosen for question, chosen in answers.items()},
        submit_token=uuid.uuid4(),
        now=now,
    )


# Pass mark ---------------------------------------------------------------------------------------


def _four_questions_three_right(module: Module) -> dict[QuizQuestion, list[int]]:
    questions = [quiz_question(module) for _ in range(4)]
    return {question: (_right if n < 3 else _wrong)(question) for n, question in enumerate(questions)}


def test_submit_quiz_score_equal_to_the_pass_mark_passes(module, bob):
    module.pass_mark = 75
    module.save()

    attempt = _submit(module, bob, _four_questions_three_right(module))

    assert (attempt.score, attempt.passed) == (75, True)
    assert Completion.objects.get(module=module, user=bob).score == 75


def test_submit_quiz_score_one_below_the_pass_mark_fails(module, bob):
    module.pass_mark = 76
    module.save()

    attempt = _submit(module, bob, _four_questions_three_right(module))

    assert (attempt.score, attempt.passed) == (75, False)
    assert not Completion.objects.exists()


# What counts as right ----------------------------------------------------------------------------


def test_is_right_multiple_choice_needs_exactly_the_correct_choices(multiple):
    question, (listen, ask, lecture) = multiple

    assert is_right(question, [listen.pk, ask.pk])
    assert is_right(question, [str(ask.pk), str(listen.pk)])  # as posted: strings, any order


def test_is_right_ticking_every_choice_is_wrong(multiple):
    question, choices = multiple

    assert not is_right(question, [choice.pk for choice in choices])


def test_is_right_missing_one_right_choice_is_wrong(multiple):
    question, (listen, _ask, _lecture) = multiple

    assert not is_right(question, [listen.pk])
    assert not is_right(question, [])


def test_is_right_choice_of_another_question_is_wrong(module, multiple):
    question, (listen, _ask, _lecture) = multiple
    other = quiz_question(module)

    assert not is_right(question, [listen.pk, *_right(other)])


def test_submit_quiz_ticking_every_choice_scores_zero(module, bob, multiple):
    question, choices = multiple

    attempt = _submit(module, bob, {question: [choice.pk for choice in choices]})

    assert (attempt.score, attempt.passed) == (0, False)


def test_grade_counts_each_question_once(module, multiple):
    question, (listen, ask, _lecture) = multiple
    single = quiz_question(module)

    right, total = grade(
        [question, single], {str(question.pk): [listen.pk, ask.pk], str(single.pk): _wrong(single)}
    )

    assert (right, total) == (1, 2)


# Attempt limit -----------------------------------------------------------------------------------


def test_submit_quiz_last_allowed_attempt_is_accepted_and_one_more_refused(module, bob):
    module.max_attempts = 2
    module.save()
    question = quiz_question(module)
    _submit(module, bob, {question: _wrong(question)})

    last = _submit(module, bob, {question: _right(question)}, now=NOW + datetime.timedelta(minutes=1))

    assert last.passed
    assert Attempt.objects.filter(module=module, user=bob).count() == 2


def test_submit_quiz_after_the_last_failed_attempt_is_refused(module, bob):
    module.max_attempts = 2
    module.save()
    question = quiz_question(module)
    _submit(module, bob, {question: _wrong(question)})
    _submit(module, bob, {question: _wrong(question)})

    with pytest.raises(NoAttemptsLeft):
        _submit(module, bob, {question: _right(question)})

    assert Attempt.objects.filter(module=module, user=bob).count() == 2
    assert not Completion.objects.exists()


# Refresher expiry: valid through the local day of expires_at (docs/training.md), as in the matching
# gate and the progress matrix.


@pytest.fixture
def refresher(module, bob) -> tuple[Module, QuizQuestion]:
    module.validity_days = 30
    module.save()
    question = quiz_question(module)
    # Expired at 08:00 local time on the day of NOW.
    CompletionFactory(module=module, user=bob, expires_at=NOW - datetime.timedelta(hours=2))
    return module, question


def test_submit_quiz_refresher_still_valid_on_the_day_it_expires(refresher, bob):
    module, question = refresher

    with pytest.raises(AlreadyCompleted):
        _submit(module, bob, {question: _right(question)})

    assert not Attempt.objects.exists()


def test_module_progress_refresher_still_passed_on_the_day_it_expires(refresher, bob):
    module, _question = refresher
    completion = Completion.objects.get(module=module, user=bob)

    assert module_progress(module, completion, [], now=NOW).state == "passed"
    end_of_day = datetime.datetime(2026, 10, 1, 23, 59, tzinfo=LOS_ANGELES)
    assert module_progress(module, completion, [], now=end_of_day).state == "passed"


def test_submit_quiz_refresher_can_be_retaken_the_day_after_it_expires(refresher, bob):
    module, question = refresher
    next_morning = datetime.datetime(2026, 10, 2, 0, 0, tzinfo=LOS_ANGELES)
    completion = Completion.objects.get(module=module, user=bob)
    assert module_progress(module, completion, [], now=next_morning).state == "expired"

    attempt = _submit(module, bob, {question: _right(question)}, now=next_morning)

    assert attempt.passed
    completion.refresh_from_db()
    assert completion.expires_at == next_morning + datetime.timedelta(days=30)
