import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.urls import resolve, reverse

from peerpath.core.models import AuditEntry
from peerpath.programs.models import Participant
from peerpath.recruitment.models import Application, Question
from tests.factories import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

Status = Application.Status


@pytest.fixture
def question(program):
    return Question.objects.create(
        program=program, role="mentor", kind=Question.Kind.LONG_TEXT, label="Why do you want to mentor?"
    )


@pytest.fixture
def bob_application(cohort, bob):
    return ApplicationFactory(
        cohort=cohort,
        applicant=bob,
        answers={"1": {"question": "Why do you want to mentor?", "kind": "long_text", "answer": "To help"}},
    )


def lincoln_urls(program, cohort, question, application):
    return [
        reverse("application_form_edit", args=[program.pk, "mentor"]),
        reverse("application_question_edit", args=[program.pk, "mentor", question.pk]),
        reverse("application_question_move", args=[program.pk, "mentor", question.pk]),
        reverse("application_question_delete", args=[program.pk, "mentor", question.pk]),
        reverse("application_apply", args=[cohort.pk, "mentor"]),
        reverse("application_detail", args=[application.pk]),
        reverse("application_withdraw", args=[application.pk]),
        reverse("application_set_status", args=[application.pk]),
        reverse("nomination_create", args=[program.pk]),
        reverse("nomination_list", args=[program.pk]),
        reverse("recruitment_funnel", args=[program.pk]),
    ]


def _form_data(token=None, **extra):
    return {
        "submit_token": str(token or uuid.uuid4()),
        "interests": "Robotics, music, robotics",
        "goals": "Help a freshman\nLearn to listen",
        "languages": "english, spanish",
        "availability": ["mon-3", "wed-lunch"],
        "about": "I like chess.",
        "source": "flyer",
        "first_generation": "yes",
        "home_languages": "spanish",
        **extra,
    }


# Tenancy -----------------------------------------------------------------------------------------


def test_every_lincoln_recruitment_page_is_404_for_dave(
    client, dave, program, cohort, question, bob_application
):
    post_only = {"application_question_move", "application_set_status"}
    client.force_login(dave)
    for url in lincoln_urls(program, cohort, question, bob_application):
        methods = [client.post] if resolve(url).url_name in post_only else [client.get, client.post]
        for method in methods:
            response = method(url)
            assert response.status_code == 404, (method, url)
            assert b"Lincoln" not in response.content


def test_every_recruitment_page_sends_anonymous_to_login(client, program, cohort, question, bob_application):
    for url in [reverse("my_applications"), *lincoln_urls(program, cohort, question, bob_application)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_student_cannot_open_staff_pages(client, bob, program, question):
    client.force_login(bob)
    for url in [
        reverse("application_form_edit", args=[program.pk, "mentor"]),
        reverse("application_question_edit", args=[program.pk, "mentor", question.pk]),
        reverse("nomination_list", args=[program.pk]),
        reverse("recruitment_funnel", args=[program.pk]),
    ]:
        assert client.get(url).status_code == 404, url


# Form builder ------------------------------------------------------------------------------------


def test_form_builder_adds_a_choice_question(client, alice, program):
    client.force_login(alice)
    url = reverse("application_form_edit", args=[program.pk, "mentor"])
    response = client.post(
        url,
        {"label": "Which grade?", "kind": "choice", "choices": "9\n10\n\n10\n11", "required": "on"},
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.role, question.kind, question.choices, question.required) == (
        "mentor",
        "choice",
        ["9", "10", "11"],
        True,
    )
    assert "Which grade?" in client.get(url).content.decode()


def test_form_builder_choice_question_needs_choices_and_keeps_input(client, alice, program):
    client.force_login(alice)
    response = client.post(
        reverse("application_form_edit", args=[program.pk, "mentee"]),
        {"label": "Favourite subject", "kind": "multi_choice", "choices": "Math"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Give at least two choices, one per line." in content
    assert 'value="Favourite subject"' in content
    assert not Question.objects.exists()


def test_form_builder_unknown_role_is_404(client, alice, program):
    client.force_login(alice)
    assert client.get(reverse("application_form_edit", args=[program.pk, "coach"])).status_code == 404


def test_question_edit_changes_the_question(client, alice, program, question):
    client.force_login(alice)
    url = reverse("application_question_edit", args=[program.pk, "mentor", question.pk])
    assert "Why do you want to mentor?" in client.get(url).content.decode()
    client.post(url, {"label": "How many hours?", "kind": "scale", "help_text": "1 is few"})
    question.refresh_from_db()
    assert (question.label, question.kind, question.required) == ("How many hours?", "scale", False)


def test_question_move_with_htmx_renders_the_list(client, alice, program, question):
    second = Question.objects.create(program=program, role="mentor", label="Second", order=1)
    client.force_login(alice)
    response = client.post(
        reverse("application_question_move", args=[program.pk, "mentor", second.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert "<html" not in content
    assert content.index("Second") < content.index("Why do you want to mentor?")


def test_question_delete_asks_then_deletes(client, alice, program, question):
    client.force_login(alice)
    url = reverse("application_question_delete", args=[program.pk, "mentor", question.pk])
    assert "Delete the question" in client.get(url).content.decode()
    assert Question.objects.exists()
    client.post(url)
    assert not Question.objects.exists()


# Applying ----------------------------------------------------------------------------------------


def test_apply_form_shows_questions_and_prefills_source(client, bob, cohort, question):
    client.force_login(bob)
    response = client.get(reverse("application_apply", args=[cohort.pk, "mentor"]), {"source": "flyer"})
    content = response.content.decode()
    assert "Why do you want to mentor?" in content
    assert "Why we ask — optional" in content
    assert '<option value="flyer" selected>' in content
    assert '<th scope="row">Monday</th>' in content


def test_apply_creates_application_and_sends_email(
    client, bob, cohort, question, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("application_apply", args=[cohort.pk, "mentor"]),
            _form_data(**{f"question_{question.pk}": "I was helped once."}),
        )
    application = Application.objects.get()
    assert response.url == reverse("application_detail", args=[application.pk])
    assert application.answers == {
        str(question.pk): {"question": question.label, "kind": "long_text", "answer": "I was helped once."}
    }
    assert application.interests == ["robotics", "music"]
    assert application.goals == ["Help a freshman", "Learn to listen"]
    assert application.languages == ["English", "Spanish"]
    assert application.availability == ["mon-3", "wed-lunch"]
    assert application.background == {"first_generation": True, "home_languages": ["Spanish"]}
    assert application.source == "flyer"
    assert mail.outbox[0].subject == "We received your application to Lincoln Peer Mentors"
    assert AuditEntry.objects.filter(action="application.submitted", actor=bob).exists()


def test_apply_missing_answer_shows_error_and_keeps_input(client, bob, cohort, question):
    client.force_login(bob)
    response = client.post(reverse("application_apply", args=[cohort.pk, "mentor"]), _form_data())
    content = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in content
    assert 'value="mon-3" id="id_availability_mon_3" checked' in content
    assert "I like chess." in content
    assert not Application.objects.exists()


def test_apply_same_token_twice_creates_one_application(client, bob, cohort):
    client.force_login(bob)
    url = reverse("application_apply", args=[cohort.pk, "mentor"])
    data = _form_data()
    first = client.post(url, data)
    second = client.post(url, data)
    assert Application.objects.count() == 1
    assert first.url == second.url


def test_apply_from_a_second_tab_says_already_applied(client, bob, cohort):
    client.force_login(bob)
    url = reverse("application_apply", args=[cohort.pk, "mentor"])
    client.post(url, _form_data())
    response = client.post(url, _form_data())
    content = response.content.decode()
    application = Application.objects.get()
    assert "You have already applied to this program for 2026-27." in content
    assert reverse("application_detail", args=[application.pk]) in content
    assert "Send my application" not in content


def test_apply_after_deadline_is_refused_with_the_deadline(client, bob, cohort):
    cohort.application_deadline = datetime.datetime(2026, 3, 1, 17, 0, tzinfo=datetime.UTC)
    cohort.applications_open_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cohort.save()
    client.force_login(bob)
    url = reverse("application_apply", args=[cohort.pk, "mentor"])
    with time_machine.travel(datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)):
        shown = client.get(url).content.decode()
        posted = client.post(url, _form_data()).content.decode()
    assert "Applications closed (March 1, 2026, 9 a.m.)." in shown  # no "a.m.." at the end
    for content in (shown, posted):
        assert "March 1, 2026, 9 a.m." in content
        assert "Send my application" not in content
    assert not Application.objects.exists()


def test_apply_to_other_school_program_is_404(client, bob, jefferson_program):
    client.force_login(bob)
    cohort = jefferson_program.cohorts.get()
    assert client.get(reverse("application_apply", args=[cohort.pk, "mentee"])).status_code == 404


# My applications, detail, withdraw ---------------------------------------------------------------


def test_my_applications_lists_only_own(client, bob, carol, cohort):
    ApplicationFactory(cohort=cohort, applicant=bob)
    ApplicationFactory(cohort=cohort, applicant=carol, role="mentee")
    client.force_login(bob)
    response = client.get(reverse("my_applications"))
    assert [a.applicant for a in response.context["applications"]] == [bob]


@pytest.mark.parametrize("count", [1, 3])
def test_my_applications_queries_do_not_grow(client, bob, program, django_assert_num_queries, count):
    for number in range(count):
        ApplicationFactory(cohort=CohortFactory(program=program, name=f"T{number}"), applicant=bob)
    client.force_login(bob)
    client.get(reverse("my_applications"))
    with django_assert_num_queries(4):  # session, user, MFA check, applications
        response = client.get(reverse("my_applications"))
    assert len(response.context["applications"]) == count


def test_application_detail_applicant_sees_status_and_reason_only(client, alice, bob, bob_application):
    bob_application.status = Status.WAITLISTED
    bob_application.decision_reason = "We will write in May."
    bob_application.save()
    client.force_login(bob)
    content = client.get(reverse("application_detail", args=[bob_application.pk])).content.decode()
    assert "Waitlisted" in content
    assert "We will write in May." in content
    assert "To help" in content
    assert "Status history" not in content
    assert "Change the status" not in content
    assert not AuditEntry.objects.filter(action="application.viewed").exists()


def test_application_detail_of_another_student_is_404(client, carol, bob_application):
    client.force_login(carol)
    assert client.get(reverse("application_detail", args=[bob_application.pk])).status_code == 404
    assert client.get(reverse("application_withdraw", args=[bob_application.pk])).status_code == 404


def test_application_detail_staff_sees_history_and_read_is_audited(client, frank, alice, bob_application):
    client.force_login(alice)
    client.post(reverse("application_set_status", args=[bob_application.pk]), {"status": "screening"})
    client.force_login(frank)
    content = client.get(reverse("application_detail", args=[bob_application.pk])).content.decode()
    assert "Status history" in content
    assert "Alice Moreno" in content
    assert "Change the status" not in content  # educators review, coordinators decide
    assert AuditEntry.objects.filter(action="application.viewed", actor=frank).exists()


def test_application_detail_shows_labels_not_codes_and_links_back_to_screening(
    client, alice, bob_application
):
    Application.objects.filter(pk=bob_application.pk).update(availability=["mon-lunch", "wed-after"])
    client.force_login(alice)
    client.post(reverse("application_set_status", args=[bob_application.pk]), {"status": "screening"})
    response = client.get(reverse("application_detail", args=[bob_application.pk]))
    content = response.content.decode()
    assert "Monday, Lunch, Wednesday, After school" in content
    assert "mon-lunch" not in content
    assert "<td>Submitted</td><td>Screening</td>" in content
    assert reverse("application_review", args=[bob_application.cohort.program_id]) in content
    assert reverse("application_screening", args=[bob_application.pk]) in content
    alice.preferred_language = "es"
    alice.save(update_fields=["preferred_language"])
    content = client.get(reverse("application_detail", args=[bob_application.pk])).content.decode()
    assert "Lunes" in content
    assert "<td>Enviada</td>" in content


def test_application_withdraw_asks_then_withdraws(client, bob, bob_application):
    client.force_login(bob)
    url = reverse("application_withdraw", args=[bob_application.pk])
    assert "Withdraw my application" in client.get(url).content.decode()
    client.post(url)
    bob_application.refresh_from_db()
    assert bob_application.status == Status.WITHDRAWN
    assert AuditEntry.objects.get(action="application.status_changed").detail["to"] == "withdrawn"


# Decisions ---------------------------------------------------------------------------------------


def test_application_walks_to_approved_through_the_views(
    client, alice, bob, bob_application, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    url = reverse("application_set_status", args=[bob_application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        for status in ["screening", "interview", "approved"]:
            response = client.post(url, {"status": status, "reason": "Great fit"})
            assert response.status_code == 302
    bob_application.refresh_from_db()
    assert (bob_application.status, bob_application.decision_reason) == ("approved", "Great fit")
    assert [m.subject for m in mail.outbox] == [
        "Next step for your application to Lincoln Peer Mentors: an interview",
        "You are in: Lincoln Peer Mentors",
    ]
    assert AuditEntry.objects.filter(action="application.status_changed", actor=alice).count() == 3
    assert Participant.objects.filter(user=bob, role="mentor", status="enrolled").exists()
    client.force_login(bob)
    content = client.get(reverse("application_detail", args=[bob_application.pk])).content.decode()
    assert "Approved" in content
    assert "Great fit" in content


def test_application_declined_through_the_views(
    client, alice, bob, bob_application, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("application_set_status", args=[bob_application.pk]),
            {"status": "declined", "reason": "The program is full."},
        )
    bob_application.refresh_from_db()
    assert bob_application.status == "declined"
    assert "The program is full." in mail.outbox[0].body
    assert not Participant.objects.exists()


def test_application_illegal_transition_shows_message_and_changes_nothing(client, alice, bob_application):
    bob_application.status = Status.DECLINED
    bob_application.save()
    client.force_login(alice)
    response = client.post(
        reverse("application_set_status", args=[bob_application.pk]), {"status": "approved", "reason": "Oops"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "An application that is declined cannot become approved. Reopen it for screening first." in content
    assert "Oops" in content  # what was typed is kept
    bob_application.refresh_from_db()
    assert bob_application.status == Status.DECLINED
    assert not AuditEntry.objects.filter(action="application.status_changed").exists()


def test_application_set_status_by_educator_or_applicant_is_404(client, frank, bob, bob_application):
    for person in (frank, bob):
        client.force_login(person)
        response = client.post(
            reverse("application_set_status", args=[bob_application.pk]), {"status": "screening"}
        )
        assert response.status_code == 404
    bob_application.refresh_from_db()
    assert bob_application.status == Status.SUBMITTED


def test_apply_peer_tutoring_records_subject_levels(client, bob, program, cohort):
    program.subjects = ["Algebra", "Biology"]
    program.save()
    client.force_login(bob)
    url = reverse("application_apply", args=[cohort.pk, "mentee"])
    assert "Which subjects would you like help with?" in client.get(url).content.decode()
    client.post(url, _form_data(subject_0="hard"))
    assert Application.objects.get().subjects == [{"subject": "Algebra", "level": "hard"}]


def test_apply_page_explains_when_the_grade_is_outside_the_program(client, bob, cohort):
    cohort.program.min_grade, cohort.program.max_grade = 6, 8
    cohort.program.save()
    client.force_login(bob)  # grade 11
    content = client.get(reverse("application_apply", args=[cohort.pk, "mentee"])).content.decode()
    assert "This program is for grades 6 to 8." in content
    assert "Send my application" not in content
