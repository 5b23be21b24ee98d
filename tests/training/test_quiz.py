import datetime
import uuid

import pytest
import time_machine
from django.urls import resolve, reverse

from peerpath.core.models import AuditEntry
from peerpath.training.models import Attempt, Completion, QuizChoice, QuizQuestion
from tests.factories import CompletionFactory, ModuleFactory, quiz_question

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def module(lincoln):
    return ModuleFactory(organization=lincoln, title="Active listening", pass_mark=80)


@pytest.fixture
def question(module):
    return quiz_question(module)


@pytest.fixture
def attempt(module, question, bob):
    return Attempt.objects.create(module=module, user=bob, score=0, passed=False, answers={})


def _right(question):
    return str(question.choices.get(is_correct=True).pk)


def _wrong(question):
    return str(question.choices.filter(is_correct=False).first().pk)


def _post_quiz(client, module, answers, token=None):
    data = {"submit_token": str(token or uuid.uuid4())}
    data.update({f"q{question.pk}": value for question, value in answers.items()})
    return client.post(reverse("quiz_take", args=[module.pk]), data)


def lincoln_urls(module, question, attempt):
    return [
        reverse("quiz_edit", args=[module.pk]),
        reverse("quiz_question_edit", args=[question.pk]),
        reverse("quiz_question_move", args=[question.pk]),
        reverse("quiz_question_delete", args=[question.pk]),
        reverse("quiz_take", args=[module.pk]),
        reverse("quiz_result", args=[attempt.pk]),
    ]


# Tenancy -----------------------------------------------------------------------------------------


def test_every_lincoln_quiz_page_is_404_for_dave(client, dave, module, question, attempt):
    client.force_login(dave)
    for url in lincoln_urls(module, question, attempt):
        methods = (
            [client.post] if resolve(url).url_name == "quiz_question_move" else [client.get, client.post]
        )
        for method in methods:
            response = method(url)
            assert response.status_code == 404, (method, url)
            assert b"Active listening" not in response.content
    assert QuizQuestion.objects.filter(pk=question.pk).exists()


def test_dave_posting_answers_to_a_lincoln_quiz_is_404_and_records_nothing(client, dave, module, question):
    client.force_login(dave)
    assert _post_quiz(client, module, {question: _right(question)}).status_code == 404
    assert not Attempt.objects.exists()
    assert not Completion.objects.exists()


def test_answers_to_an_unpublished_module_are_404_for_a_mentor(client, bob, module, question):
    module.is_published = False
    module.save()
    client.force_login(bob)
    assert client.get(reverse("quiz_take", args=[module.pk])).status_code == 404
    assert _post_quiz(client, module, {question: _right(question)}).status_code == 404
    assert not Attempt.objects.exists()


def test_every_quiz_page_sends_anonymous_to_login(client, module, question, attempt):
    for url in lincoln_urls(module, question, attempt):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_student_cannot_open_quiz_authoring(client, bob, module, question):
    client.force_login(bob)
    for url in [
        reverse("quiz_edit", args=[module.pk]),
        reverse("quiz_question_edit", args=[question.pk]),
        reverse("quiz_question_delete", args=[question.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert client.post(reverse("quiz_question_move", args=[question.pk])).status_code == 404


def test_another_student_cannot_see_an_attempt_but_staff_can_and_is_audited(client, carol, frank, attempt):
    client.force_login(carol)
    assert client.get(reverse("quiz_result", args=[attempt.pk])).status_code == 404
    client.force_login(frank)
    assert client.get(reverse("quiz_result", args=[attempt.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="training.attempt_viewed", actor=frank).exists()


# Authoring ---------------------------------------------------------------------------------------


def test_quiz_edit_adds_a_scenario_question(client, alice, module):
    client.force_login(alice)
    response = client.post(
        reverse("quiz_edit", args=[module.pk]),
        {
            "kind": "single",
            "scenario": "A mentee tells you they are being bullied and asks you to keep it secret.",
            "prompt": "What do you do?",
            "choices": "Promise to keep it secret\n*Tell them you must involve a trusted adult\n\nIgnore it",
            "explanation": "Safety comes before secrecy.",
        },
    )
    assert response.status_code == 302
    question = QuizQuestion.objects.get()
    assert (question.module, question.kind, question.prompt) == (module, "single", "What do you do?")
    assert question.scenario.startswith("A mentee tells you")
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("Promise to keep it secret", False),
        ("Tell them you must involve a trusted adult", True),
        ("Ignore it", False),
    ]
    assert (
        "Safety comes before secrecy." in client.get(reverse("quiz_edit", args=[module.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", "*Only one", "Give at least two answers, one per line."),
        ("single", "One\nTwo", "Mark at least one answer as correct"),
        ("multiple", "One\nTwo", "Mark at least one answer as correct"),
        ("single", "*One\n*Two", "needs exactly one correct answer"),
    ],
)
def test_quiz_edit_validates_choices_and_keeps_input(client, alice, module, kind, choices, message):
    client.force_login(alice)
    response = client.post(
        reverse("quiz_edit", args=[module.pk]), {"kind": kind, "prompt": "Which?", "choices": choices}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert 'value="Which?"' in content
    assert not QuizQuestion.objects.exists()


def test_quiz_edit_accepts_several_correct_for_multiple_choice(client, alice, module):
    client.force_login(alice)
    client.post(
        reverse("quiz_edit", args=[module.pk]),
        {"kind": "multiple", "prompt": "Which help?", "choices": "*Listen\n*Ask\nLecture"},
    )
    assert QuizChoice.objects.filter(is_correct=True).count() == 2


def test_quiz_question_edit_replaces_choices(client, alice, question):
    client.force_login(alice)
    url = reverse("quiz_question_edit", args=[question.pk])
    assert "*Ask an open question" in client.get(url).content.decode()
    client.post(url, {"kind": "multiple", "prompt": "Pick all", "choices": "*A\n*B\nC"})
    question.refresh_from_db()
    assert question.prompt == "Pick all"
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("A", True),
        ("B", True),
        ("C", False),
    ]


def test_quiz_question_move_and_delete(client, alice, module, question):
    second = quiz_question(module, right="Nod", wrong="Talk")
    second.order = 1
    second.save()
    client.force_login(alice)
    client.post(reverse("quiz_question_move", args=[second.pk]), {"direction": "up"})
    assert list(QuizQuestion.objects.order_by("order")) == [second, question]
    client.post(reverse("quiz_question_delete", args=[question.pk]))
    assert list(QuizQuestion.objects.all()) == [second]


# Taking the quiz ---------------------------------------------------------------------------------


def test_quiz_take_get_does_not_reveal_the_answer_key(client, bob, module, question):
    client.force_login(bob)
    response = client.get(reverse("quiz_take", args=[module.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Your mentee says they had a bad week." in content  # the scenario box
    assert "Ask an open question" in content
    assert "Change the subject" in content
    assert "is_correct" not in content
    assert "correct" not in content.lower()
    assert "Open questions invite the mentee to say more." not in content  # the explanation
    assert "<fieldset" in content
    assert "<legend>" in content
    assert 'name="submit_token"' in content


def test_mentor_passes_quiz_and_gets_a_completion_with_refresher_expiry(client, bob, module, question):
    module.validity_days = 365
    module.save()
    client.force_login(bob)
    with time_machine.travel(NOW, tick=False):
        response = _post_quiz(client, module, {question: _right(question)})
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("quiz_result", args=[attempt.pk])
    assert (attempt.user, attempt.score, attempt.passed) == (bob, 100, True)
    completion = Completion.objects.get(module=module, user=bob)
    assert (completion.completed_at, completion.expires_at) == (NOW, NOW + datetime.timedelta(days=365))
    assert (completion.score, completion.source) == (100, Completion.Source.QUIZ)
    assert AuditEntry.objects.filter(action="training.module_completed", actor=bob).exists()
    result = client.get(response.url).content.decode()
    assert "Score: 100%" in result
    assert "Passed" in result
    assert "Open questions invite the mentee to say more." in result
    assert "right answer" in result


def test_failing_the_pass_mark_records_an_attempt_but_no_completion(client, bob, module, question):
    second = quiz_question(module, right="Nod", wrong="Talk over them")
    client.force_login(bob)
    response = _post_quiz(client, module, {question: _right(question), second: _wrong(second)})
    attempt = Attempt.objects.get()
    assert (attempt.score, attempt.passed) == (50, False)
    assert not Completion.objects.exists()
    result = client.get(response.url).content.decode()
    assert "Not passed this time" in result


def test_multiple_choice_needs_exactly_the_correct_choices(client, bob, module):
    question = QuizQuestion.objects.create(module=module, kind="multiple", prompt="Which help?")
    listen = QuizChoice.objects.create(question=question, text="Listen", is_correct=True)
    ask = QuizChoice.objects.create(question=question, text="Ask", is_correct=True)
    QuizChoice.objects.create(question=question, text="Lecture", is_correct=False)
    client.force_login(bob)
    _post_quiz(client, module, {question: [str(listen.pk)]})
    assert Attempt.objects.get().score == 0
    Attempt.objects.all().delete()
    _post_quiz(client, module, {question: [str(listen.pk), str(ask.pk)]})
    assert Attempt.objects.get().score == 100


def test_unanswered_question_keeps_answers_and_records_nothing(client, bob, module, question):
    quiz_question(module, right="Nod", wrong="Talk")
    client.force_login(bob)
    response = _post_quiz(client, module, {question: _right(question)})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Choose an answer." in content
    assert "checked" in content
    assert not Attempt.objects.exists()


def test_choice_of_another_question_is_refused(client, bob, module, question):
    other = quiz_question(ModuleFactory(organization=module.organization))
    client.force_login(bob)
    response = _post_quiz(client, module, {question: _right(other)})
    assert response.status_code == 200
    assert not Attempt.objects.exists()


def test_double_submit_records_one_attempt(client, bob, module, question):
    token = uuid.uuid4()
    client.force_login(bob)
    first = _post_quiz(client, module, {question: _wrong(question)}, token=token)
    second = _post_quiz(client, module, {question: _wrong(question)}, token=token)
    assert Attempt.objects.count() == 1
    assert first.url == second.url == reverse("quiz_result", args=[Attempt.objects.get().pk])


def test_max_attempts_refuses_another_attempt(client, bob, module, question):
    module.max_attempts = 2
    module.save()
    client.force_login(bob)
    _post_quiz(client, module, {question: _wrong(question)})
    _post_quiz(client, module, {question: _wrong(question)})
    response = _post_quiz(client, module, {question: _right(question)})
    assert response.status_code == 200
    assert "You have used all 2 attempts for this quiz." in response.content.decode()
    assert Attempt.objects.count() == 2
    assert not Completion.objects.exists()
    page = client.get(reverse("quiz_take", args=[module.pk])).content.decode()
    assert "You have used all 2 attempts" in page
    assert 'name="submit_token"' not in page


def test_passed_and_valid_module_shows_result_instead_of_a_new_attempt(client, bob, module, question):
    client.force_login(bob)
    _post_quiz(client, module, {question: _right(question)})
    passed = Attempt.objects.get()
    response = _post_quiz(client, module, {question: _wrong(question)})
    assert response.status_code == 302
    assert response.url == reverse("quiz_result", args=[passed.pk])
    assert Attempt.objects.count() == 1
    assert Completion.objects.get().score == 100


def test_expired_refresher_can_be_retaken_and_renews_the_completion(client, bob, module, question):
    module.validity_days = 30
    module.max_attempts = 1
    module.save()
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False):
        Attempt.objects.create(module=module, user=bob, score=100, passed=True, answers={})
        CompletionFactory(module=module, user=bob, expires_at=NOW - datetime.timedelta(days=10))
    client.force_login(bob)
    with time_machine.travel(NOW, tick=False):
        _post_quiz(client, module, {question: _right(question)})
    completion = Completion.objects.get()
    assert completion.expires_at == NOW + datetime.timedelta(days=30)
    assert Attempt.objects.count() == 2


def test_quiz_of_a_module_without_questions_redirects_to_the_module(client, bob, module):
    client.force_login(bob)
    response = client.get(reverse("quiz_take", args=[module.pk]))
    assert response.status_code == 302
    assert response.url == reverse("module_detail", args=[module.pk])
