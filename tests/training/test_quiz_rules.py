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


# Recording an attempt: the same form posted twice, the race fallback, what is stored and audited --------


def _submit_token(module: Module, user, answers, token: uuid.UUID, now=NOW, request=None) -> Attempt:
    return submit_quiz(
        module=module,
        user=user,
        answers={str(question.pk): chosen for question, chosen in answers.items()},
        submit_token=token,
        now=now,
        request=request,
    )


def test_the_same_passing_form_posted_again_hands_back_its_attempt_not_already_completed(module, bob):
    question = quiz_question(module)
    token = uuid.uuid4()
    first = _submit_token(module, bob, {question: _right(question)}, token)

    again = _submit_token(
        module, bob, {question: _right(question)}, token, now=NOW + datetime.timedelta(seconds=2)
    )

    assert again.pk == first.pk
    assert Attempt.objects.filter(user=bob).count() == 1


def test_the_last_allowed_attempt_posted_again_hands_back_its_attempt_not_no_attempts_left(module, bob):
    module.max_attempts = 1
    module.save()
    question = quiz_question(module)
    token = uuid.uuid4()
    first = _submit_token(module, bob, {question: _wrong(question)}, token)

    assert _submit_token(module, bob, {question: _wrong(question)}, token).pk == first.pk


def test_a_lost_race_on_the_same_form_hands_back_the_winners_attempt(module, bob, carol, monkeypatch):
    """Two requests with one token: the loser's insert fails on the unique token, it returns the winner's."""
    from django.db import IntegrityError

    from peerpath.training.services import modules as service

    question = quiz_question(module)
    token = uuid.uuid4()
    winner = Attempt.objects.create(
        module=module, user=bob, submit_token=token, answers={}, score=0, passed=False
    )
    Attempt.objects.create(
        module=module, user=bob, submit_token=uuid.uuid4(), answers={}, score=100, passed=True
    )  # newer
    other_module = ModuleFactory(organization=module.organization)
    Attempt.objects.create(
        module=other_module, user=bob, submit_token=uuid.uuid4(), answers={}, score=0, passed=False
    )
    Attempt.objects.create(
        module=module, user=carol, submit_token=uuid.uuid4(), answers={}, score=0, passed=False
    )

    def lose_the_race(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(service, "_record_attempt", lose_the_race)

    assert _submit_token(module, bob, {question: _right(question)}, token).pk == winner.pk


def test_an_integrity_error_without_a_winner_is_not_hidden(module, bob, monkeypatch):
    from django.db import IntegrityError

    from peerpath.training.services import modules as service

    question = quiz_question(module)

    def broken(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(service, "_record_attempt", broken)

    with pytest.raises(IntegrityError):
        _submit_token(module, bob, {question: _right(question)}, uuid.uuid4())


def test_a_token_of_another_module_or_person_is_not_their_attempt(module, bob, carol):
    question = quiz_question(module)
    other_module = ModuleFactory(organization=module.organization)
    other_question = quiz_question(other_module)
    token = uuid.uuid4()
    _submit_token(other_module, bob, {other_question: _right(other_question)}, token)

    # A forged reuse of the token on another module or by another person never returns that attempt.
    with pytest.raises(Exception):  # noqa: B017, PT011 - the unique token refuses it, nothing is handed back
        _submit_token(module, carol, {question: _right(question)}, token)
    assert not Attempt.objects.filter(module=module).exists()


def test_stored_answers_list_every_question_sorted_even_unanswered(module, bob, multiple):
    question, choices = multiple
    unanswered = quiz_question(module)

    attempt = submit_quiz(
        module=module,
        user=bob,
        answers={str(question.pk): [choices[1].pk, choices[0].pk, choices[1].pk]},
        submit_token=uuid.uuid4(),
        now=NOW,
    )

    assert attempt.answers == {
        str(question.pk): sorted([choices[0].pk, choices[1].pk]),
        str(unanswered.pk): [],
    }
    assert attempt.score == 50


def test_grade_counts_an_unanswered_question_as_wrong(module, multiple):
    question, choices = multiple
    unanswered = quiz_question(module)

    assert grade([question, unanswered], {str(question.pk): [choices[0].pk, choices[1].pk]}) == (1, 2)


def test_a_pass_is_audited_with_its_source_score_attempt_and_address(module, bob, rf):
    from peerpath.core.models import AuditEntry

    question = quiz_question(module)
    request = rf.post("/", REMOTE_ADDR="10.1.2.3")
    request.user = bob

    attempt = _submit_token(module, bob, {question: _right(question)}, uuid.uuid4(), request=request)

    completion = Completion.objects.get(module=module, user=bob)
    entry = AuditEntry.objects.get(action="training.module_completed")
    assert entry.detail == {"source": "quiz", "score": 100, "attempt": attempt.pk}
    assert entry.target_id == str(completion.pk)
    assert entry.organization_id == module.organization_id
    assert entry.ip_address == "10.1.2.3"


def test_a_module_without_questions_says_how_it_is_completed(module, bob):
    from peerpath.training.services.modules import NoQuiz

    with pytest.raises(NoQuiz) as refused:
        _submit_token(module, bob, {}, uuid.uuid4())

    assert str(refused.value) == "This module has no quiz. Read the lessons and mark the module as completed."


def test_already_completed_carries_this_persons_completion_and_passing_attempt(module, bob, carol):
    question = quiz_question(module)
    other_module = ModuleFactory(organization=module.organization)
    other_question = quiz_question(other_module)
    _submit(other_module, bob, {other_question: _right(other_question)})  # bob passed another module
    passed = _submit(module, bob, {question: _right(question)})
    _submit(module, carol, {question: _right(question)}, now=NOW + datetime.timedelta(minutes=5))  # newer

    with pytest.raises(AlreadyCompleted) as refused:
        _submit(module, bob, {question: _right(question)}, now=NOW + datetime.timedelta(minutes=10))

    assert str(refused.value) == "You have already completed this module."
    assert refused.value.completion == Completion.objects.get(module=module, user=bob)
    assert refused.value.attempt == passed


def test_a_completion_of_another_module_does_not_block_this_quiz(module, bob):
    question = quiz_question(module)
    other_module = ModuleFactory(organization=module.organization)
    CompletionFactory(module=other_module, user=bob)

    assert _submit(module, bob, {question: _right(question)}).passed


def test_attempts_of_other_people_and_modules_do_not_use_up_mine(module, bob, carol):
    module.max_attempts = 1
    module.save()
    question = quiz_question(module)
    other_module = ModuleFactory(organization=module.organization, max_attempts=1)
    other_question = quiz_question(other_module)
    _submit(module, carol, {question: _wrong(question)})
    _submit(other_module, bob, {other_question: _wrong(other_question)})

    assert _submit(module, bob, {question: _wrong(question)}).score == 0
    with pytest.raises(NoAttemptsLeft) as refused:
        _submit(module, bob, {question: _right(question)})
    assert str(refused.value) == "You have used all 1 attempts for this quiz. Ask your coordinator for help."


def test_submitting_a_quiz_reads_the_choices_once(module, bob, django_assert_max_num_queries):
    questions = [quiz_question(module) for _ in range(6)]
    answers = {question: _right(question) for question in questions}
    answers = {str(q.pk): chosen for q, chosen in answers.items()}

    with django_assert_max_num_queries(15):  # choices prefetched: not one query per question
        submit_quiz(module=module, user=bob, answers=answers, submit_token=uuid.uuid4(), now=NOW)
