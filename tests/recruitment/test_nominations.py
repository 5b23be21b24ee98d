import pytest
from django.core import mail
from django.urls import reverse

from peerpath.core.roles import Role
from peerpath.recruitment.models import Application, Nomination
from peerpath.recruitment.services.applications import set_application_status
from tests.factories import member

pytestmark = pytest.mark.django_db


def _nominate(client, program, nominee="carol", role="mentor", reason="She is kind and patient."):
    return client.post(
        reverse("nomination_create", args=[program.pk]), {"nominee": nominee, "role": role, "reason": reason}
    )


@pytest.mark.parametrize("nominator", ["alice", "frank", "bob"])
def test_nomination_staff_educators_and_students_invite_the_nominee(
    client, request, program, cohort, carol, django_capture_on_commit_callbacks, nominator
):
    client.force_login(request.getfixturevalue(nominator))
    with django_capture_on_commit_callbacks(execute=True):
        response = _nominate(client, program)
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.nominee, nomination.nominated_by.username) == (carol, nominator)
    assert nomination.invited_at is not None
    [message] = mail.outbox
    assert message.to == ["carol@example.org"]
    assert message.subject == "You are invited to apply to Lincoln Peer Mentors"
    apply_url = reverse("application_apply", args=[cohort.pk, "mentor"])
    assert f"http://testserver{apply_url}?source=nomination" in message.body


def test_nomination_by_email_address_as_mentee_referral(client, frank, program, cohort, carol):
    client.force_login(frank)
    _nominate(client, program, nominee="CAROL@example.org", role="mentee")
    assert Nomination.objects.get().role == "mentee"


@pytest.mark.parametrize(
    ("nominee", "error"),
    [
        ("nobody", "No student of Lincoln High School has this username or e-mail."),
        ("frank", "No student of Lincoln High School has this username or e-mail."),
        ("bob", "You cannot nominate yourself."),
    ],
)
def test_nomination_refuses_non_students_and_self(client, bob, frank, program, cohort, nominee, error):
    client.force_login(bob)
    response = _nominate(client, program, nominee=nominee)
    content = response.content.decode()
    assert error in content
    assert "She is kind and patient." in content  # the reason typed is kept
    assert not Nomination.objects.exists()


def test_nomination_of_another_schools_student_is_refused(client, alice, program, cohort, jefferson):
    member(jefferson, Role.STUDENT, username="jstudent")
    client.force_login(alice)
    _nominate(client, program, nominee="jstudent")
    assert not Nomination.objects.exists()


def test_nomination_page_is_404_for_guardians(client, erin, program):
    client.force_login(erin)
    assert client.get(reverse("nomination_create", args=[program.pk])).status_code == 404


def test_nominee_applies_through_the_invitation(client, alice, carol, program, cohort):
    client.force_login(alice)
    _nominate(client, program)
    client.force_login(carol)
    url = reverse("application_apply", args=[cohort.pk, "mentor"])
    form = client.get(url, {"source": "nomination"}).context["form"]
    assert form.initial["source"] == "nomination"
    client.post(url, {"submit_token": str(form.initial["submit_token"]), "source": "nomination"})
    application = Application.objects.get()
    assert application.nomination == Nomination.objects.get()
    assert application.source == "nomination"


def test_nomination_list_shows_who_why_and_the_application_status(client, alice, bob, carol, program, cohort):
    client.force_login(bob)
    _nominate(client, program)
    client.force_login(carol)
    client.post(
        reverse("application_apply", args=[cohort.pk, "mentor"]),
        {"submit_token": "4f1e0c7e-1d8e-4b39-9a49-3f1f3f1f3f1f", "source": "other"},
    )
    set_application_status(application=Application.objects.get(), status="screening", actor=alice)
    client.force_login(alice)
    content = client.get(reverse("nomination_list", args=[program.pk])).content.decode()
    assert "Carol Jimenez" in content
    assert "Bob Nguyen" in content
    assert "She is kind and patient." in content
    assert "Screening" in content


def test_nomination_list_is_404_for_students(client, bob, program):
    client.force_login(bob)
    assert client.get(reverse("nomination_list", args=[program.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_nomination_list_queries_do_not_grow(
    client, alice, lincoln, program, cohort, django_assert_num_queries, count
):
    for number in range(count):
        student = member(lincoln, Role.STUDENT, username=f"nominee{number}")
        nomination = Nomination.objects.create(
            program=program, nominee=student, nominated_by=alice, reason="x"
        )
        Application.objects.create(cohort=cohort, applicant=student, role="mentor", nomination=nomination)
    client.force_login(alice)
    url = reverse("nomination_list", args=[program.pk])
    client.get(url)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert len(response.context["nominations"]) == count


def test_recruitment_funnel_table(client, alice, program, cohort, bob):
    Application.objects.create(cohort=cohort, applicant=bob, role="mentor", source="info_session")
    client.force_login(alice)
    response = client.get(reverse("recruitment_funnel", args=[program.pk]))
    content = response.content.decode()
    rows = {row.source: row for row in response.context["rows"]}
    assert rows["info_session"].applications == 1
    assert response.context["totals"]["applications"] == 1
    assert '<th scope="row">Info session</th>' in content
