"""Under-13s cannot apply or sign up until a guardian has agreed."""

import pytest
from django.core import mail
from django.urls import reverse

from peerpath.core.roles import Role
from peerpath.programs.models import Participant
from peerpath.recruitment.models import Application, Consent
from tests.factories import GuardianLinkFactory, born_years_ago, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(lincoln):
    return member(lincoln, Role.STUDENT, grade=7, username="kiddo", date_of_birth=born_years_ago(12))


@pytest.fixture
def parent(lincoln, child):
    guardian = member(lincoln, Role.GUARDIAN, username="kiddo-parent")
    GuardianLinkFactory(guardian=guardian, student=child, organization=lincoln)
    return guardian


def test_under_13_apply_asks_the_guardian_first(
    client, child, parent, cohort, django_capture_on_commit_callbacks
):
    client.force_login(child)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("application_apply", args=[cohort.pk, "mentee"]))
    assert "We have e-mailed your guardian" in response.content.decode()
    assert "Send my application" not in response.content.decode()
    consent = Consent.objects.get(student=child, program=cohort.program)
    assert (consent.guardian, consent.status) == (parent, Consent.Status.REQUESTED)
    assert [message.to for message in mail.outbox] == [[parent.email]]

    # A second visit does not e-mail the guardian again while the request is live.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("application_apply", args=[cohort.pk, "mentee"]), {"interests": "art"})
    assert len(mail.outbox) == 1
    assert not Application.objects.filter(applicant=child).exists()


def test_under_13_can_apply_once_the_guardian_agreed(client, child, parent, cohort):
    Consent.objects.create(
        program=cohort.program,
        student=child,
        guardian=parent,
        status=Consent.Status.GIVEN,
        expires_at=cohort.application_deadline,
    )
    client.force_login(child)
    response = client.get(reverse("application_apply", args=[cohort.pk, "mentee"]))
    assert "Send my application" in response.content.decode()


def test_under_13_without_guardian_is_told_to_ask_the_office(client, child, cohort):
    client.force_login(child)
    response = client.get(reverse("application_apply", args=[cohort.pk, "mentee"]))
    assert "We have no guardian on file for you" in response.content.decode()
    assert not Consent.objects.exists()


def test_under_13_self_signup_waits_for_consent(client, child, parent, cohort):
    client.force_login(child)
    response = client.post(reverse("enrollment_signup", args=[cohort.program.pk]), follow=True)
    assert "must agree before you can take part" in response.content.decode()
    assert not Participant.objects.filter(user=child).exists()


def test_teenagers_apply_without_this_gate(client, carol, cohort):
    client.force_login(carol)
    response = client.get(reverse("application_apply", args=[cohort.pk, "mentee"]))
    assert "Send my application" in response.content.decode()
