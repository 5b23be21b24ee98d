"""Deactivating and reactivating a person (accounts.services.people): the one place pages and imports use."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from peerpath.accounts.models import Membership
from peerpath.accounts.services.people import deactivate_person, reactivate_person
from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.mentorships.models import Match
from peerpath.recruitment.models import Application
from tests.factories import PASSWORD, ApplicationFactory, MatchFactory

pytestmark = pytest.mark.django_db


def signed_in_client(username: str) -> Client:
    """A browser that signed in through the real login form, holding a real session cookie."""
    client = Client()
    response = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    return client


def test_deactivated_persons_existing_session_is_refused_on_the_next_request(bob, lincoln, alice):
    client = signed_in_client("bob")
    assert client.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=bob).count() == 1

    result = deactivate_person(person=bob, organization=lincoln, actor=alice, reason="Moved away")

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    bob.refresh_from_db()
    assert not bob.is_active
    assert result.account_disabled
    assert result.sessions_ended == 1
    assert result.memberships_changed == 1
    assert not Membership.objects.filter(user=bob, is_active=True).exists()
    assert UserSession.objects.filter(user=bob).count() == 0


def test_deactivation_keeps_records_lists_open_items_and_audits(bob, carol, lincoln, alice, cohort):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status=Application.Status.APPROVED)
    ApplicationFactory(
        cohort=cohort, applicant=bob, role="mentee", status=Application.Status.DECLINED
    )  # closed: not listed
    match = MatchFactory(cohort=cohort, mentor=bob, mentee=carol, status=Match.Status.ACTIVE)
    MatchFactory(cohort=cohort, mentor=bob, mentee=carol, status=Match.Status.CLOSED, subject="math")

    result = deactivate_person(person=bob, organization=lincoln, actor=alice, reason="Left the school")

    assert [item.kind for item in result.open_items] == ["application", "match"]
    assert result.open_items[0].url == reverse("application_detail", args=[application.pk])
    assert "Bob Nguyen" in result.open_items[1].label
    assert "Carol Jimenez" in result.open_items[1].label
    assert Application.objects.filter(applicant=bob).count() == 2  # nothing deleted
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE  # the coordinator decides what happens to it
    entry = AuditEntry.objects.get(action="person.deactivated")
    assert entry.actor == alice
    assert entry.target_id == str(bob.pk)
    assert entry.organization_id == lincoln.pk
    assert entry.detail["reason"] == "Left the school"
    assert entry.detail["open_items"] == 2


def test_open_items_of_another_school_are_not_listed(bob, lincoln, jefferson, alice, jefferson_program):
    from tests.factories import CohortFactory

    other = CohortFactory(program=jefferson_program)
    ApplicationFactory(cohort=other, applicant=bob, status=Application.Status.SUBMITTED)

    result = deactivate_person(person=bob, organization=lincoln, actor=alice)

    assert result.open_items == []


def test_person_active_elsewhere_keeps_the_account_but_loses_sessions(bob, lincoln, jefferson, alice):
    Membership.objects.create(user=bob, organization=jefferson, role=Role.STUDENT, grade=8)
    client = signed_in_client("bob")

    result = deactivate_person(person=bob, organization=lincoln, actor=alice)

    bob.refresh_from_db()
    assert bob.is_active
    assert not result.account_disabled
    assert Membership.objects.get(user=bob, organization=jefferson).is_active
    assert not Membership.objects.get(user=bob, organization=lincoln).is_active
    assert client.get(reverse("home")).status_code == 302  # signed out at once all the same


def test_deactivating_in_the_district_reaches_every_school_below(bob, riverside, lincoln, grace):
    deactivate_person(person=bob, organization=riverside, actor=grace)

    assert not Membership.objects.get(user=bob, organization=lincoln).is_active


def test_deactivating_in_a_sister_school_touches_nothing_here(bob, lincoln, jefferson, dave):
    result = deactivate_person(person=bob, organization=jefferson, actor=dave)

    bob.refresh_from_db()
    assert bob.is_active
    assert result.memberships_changed == 0
    assert Membership.objects.get(user=bob, organization=lincoln).is_active


def test_reactivation_turns_memberships_and_account_back_on_and_audits(bob, lincoln, alice):
    deactivate_person(person=bob, organization=lincoln, actor=alice)

    changed = reactivate_person(person=bob, organization=lincoln, actor=alice, reason="Came back")

    bob.refresh_from_db()
    assert changed == 1
    assert bob.is_active
    assert Membership.objects.get(user=bob, organization=lincoln).is_active
    assert AuditEntry.objects.filter(action="person.reactivated", target_id=str(bob.pk)).count() == 1
    assert signed_in_client("bob").get(reverse("home")).status_code == 200
