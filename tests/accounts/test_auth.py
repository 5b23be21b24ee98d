"""Sign-in, lockout, password reset, e-mail verification and MFA (django-allauth with our adapter)."""

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"login": username, "password": password})


@pytest.mark.smoke
def test_login_student_with_right_password_lands_on_dashboard(client, bob):
    response = login(client, "bob")
    assert response.status_code == 302
    assert response.url == reverse("home")
    entry = AuditEntry.objects.get(action="login.succeeded")
    assert entry.actor == bob


def test_login_by_email_works_too(client, bob):
    response = login(client, bob.email)
    assert response.url == reverse("home")


def test_login_wrong_password_clear_message_and_audit_row(client, bob, lincoln):
    response = login(client, "bob", "wrong-password")
    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in response.content.decode()
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.actor_label == "bob"
    assert entry.ip_address == "127.0.0.1"


def test_login_locks_the_username_after_five_failures(client, bob, settings):
    for _ in range(settings.LOGIN_ATTEMPTS_LIMIT):
        login(client, "bob", "wrong-password")
    response = login(client, "bob")  # even the right password is refused while locked
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.failed").count() == settings.LOGIN_ATTEMPTS_LIMIT
    assert AuditEntry.objects.get(action="login.locked").actor_label == "bob"


def test_login_lockout_is_per_username_not_per_school_ip(client, bob, carol, settings):
    for _ in range(settings.LOGIN_ATTEMPTS_LIMIT):
        login(client, "bob", "wrong-password")
    response = login(client, "carol")  # same IP address, other student
    assert response.url == reverse("home")


def test_login_lockout_expires(client, bob, settings):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_ATTEMPTS_LIMIT):
            login(client, "bob", "wrong-password")
    later = start + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        response = login(client, "bob")
    assert response.url == reverse("home")


def test_login_deactivated_account_says_so_and_audits(client, bob):
    bob.is_active = False
    bob.save()
    response = login(client, "bob")
    assert response.url == reverse("account_inactive")
    assert "This account is inactive." in client.get(response.url).content.decode()
    assert AuditEntry.objects.get(action="login.inactive").target_id == str(bob.pk)


def test_logout_writes_audit_row(client, bob):
    client.force_login(bob)
    client.post(reverse("account_logout"))
    assert AuditEntry.objects.get(action="logout").actor == bob
    assert "_auth_user_id" not in client.session


def request_reset_link(client, user) -> str:
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)


def test_password_reset_link_by_email_sets_new_password(client, bob):
    link = request_reset_link(client, bob)
    assert mail.outbox[0].to == [bob.email]
    form_url = client.get(link).url  # allauth moves the key out of the URL
    response = client.post(
        form_url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("a-new-long-passphrase")


def test_password_reset_expired_link_clear_message_and_audit_row(client, bob, settings):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        link = request_reset_link(client, bob)
    with time_machine.travel(
        start + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60), tick=False
    ):
        response = client.get(link)
    assert response.status_code == 200
    assert "The password reset link was invalid" in response.content.decode()
    assert AuditEntry.objects.filter(action="password_reset.bad_link").count() == 1
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


def test_password_reset_tampered_link_is_refused(client, bob):
    link = request_reset_link(client, bob)
    response = client.get(link[:-3] + "xx/")
    assert "The password reset link was invalid" in response.content.decode()
    assert AuditEntry.objects.filter(action="password_reset.bad_link").exists()


def test_unverified_email_must_be_verified_before_login(client, lincoln):
    student = member(lincoln, Role.STUDENT, username="newkid")
    EmailAddress.objects.filter(user=student).update(verified=False)
    response = login(client, "newkid")
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert mail.outbox[0].to == [student.email]
    assert "confirm" in mail.outbox[0].subject.lower()


def test_signup_is_closed_by_default(client, db):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode()


def test_staff_without_mfa_are_sent_to_set_it_up(client, lincoln):
    member(lincoln, Role.COORDINATOR, username="newcoordinator")
    login(client, "newcoordinator")
    response = client.get(reverse("home"))
    assert response.url == reverse("mfa_activate_totp")
    # allauth asks for the password again before MFA settings change, then shows the QR code.
    reauthenticate = client.get(response.url, follow=True)
    assert "Staff accounts must use two-factor authentication." in reauthenticate.content.decode()
    client.post(reauthenticate.request["PATH_INFO"] + "?next=" + response.url, {"password": PASSWORD})
    assert "Authenticator code" in client.get(response.url).content.decode()
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]


def test_staff_mfa_requirement_can_be_switched_off(client, lincoln, settings):
    settings.REQUIRE_STAFF_MFA = False
    coordinator = member(lincoln, Role.COORDINATOR, username="demo-coordinator")
    client.force_login(coordinator)
    assert "Lincoln High School" in client.get(reverse("home")).content.decode()


def test_students_are_not_asked_for_mfa(client, bob):
    client.force_login(bob)
    assert client.get(reverse("home")).status_code == 200


@time_machine.travel("2026-11-02 10:00:05+00:00", tick=False)  # not at a 30 s TOTP step boundary
def test_staff_login_asks_for_totp_code_then_signs_in(client, alice):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    response = login(client, "alice")
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code." in wrong.content.decode()
    secret = (
        Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP).wrap().instance.data["secret"]
    )
    from allauth.mfa.utils import decrypt

    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(decrypt(secret), counter))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_login_lockout_counts_per_account_whichever_name_is_typed(client, bob, settings):
    for _ in range(settings.LOGIN_ATTEMPTS_LIMIT):
        login(client, "bob", "wrong-password")
    response = login(client, bob.email)
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_failed_login_of_a_known_account_is_filed_under_its_school(client, bob, lincoln):
    login(client, "BOB", "wrong-password")
    entry = AuditEntry.objects.get(action="login.failed")
    assert (entry.organization_id, entry.target_id) == (lincoln.pk, str(bob.pk))


def test_a_whole_class_can_sign_in_from_one_school_address(client, lincoln):
    students = [member(lincoln, Role.STUDENT, username=f"class-{n}") for n in range(35)]
    for student in students:
        response = login(client, student.username)
        assert response.status_code == 302, student.username
        client.post(reverse("account_logout"))
    assert AuditEntry.objects.filter(action="login.succeeded").count() == 35


def test_login_shows_times_in_the_school_time_zone(client, bob, lincoln):
    lincoln.timezone = "America/Chicago"
    lincoln.save()
    login(client, "bob")
    assert client.session["peerpath_timezone"] == "America/Chicago"


def test_account_pages_link_to_password_and_mfa_settings(client, bob):
    client.force_login(bob)
    content = client.get(reverse("account_email")).content.decode()
    assert f'href="{reverse("account_change_password")}"' in content
    assert f'href="{reverse("mfa_index")}"' in content


SPRAYER = "203.0.113.7"
ADDRESS_LIMITED = "Too many failed sign-ins from your network."


def test_spraying_one_guess_at_many_accounts_from_one_address_is_refused(client, lincoln, settings):
    students = [member(lincoln, Role.STUDENT, username=f"sprayed-{n}") for n in range(60)]

    responses = [
        client.post(LOGIN, {"login": student.username, "password": "Summer2026!"}, REMOTE_ADDR=SPRAYER)
        for student in students
    ]

    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    assert limit < len(students)
    assert not any(ADDRESS_LIMITED in r.content.decode() for r in responses[:limit])
    assert all(ADDRESS_LIMITED in r.content.decode() for r in responses[limit:])
    assert AuditEntry.objects.filter(action="login.failed").count() == limit
    assert AuditEntry.objects.filter(action="login.address_limited").count() == len(students) - limit
    # Even the right password is refused from that address while the window lasts.
    response = client.post(LOGIN, {"login": students[0].username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER)
    assert ADDRESS_LIMITED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected, nor are the sprayed accounts (one failure each).
    response = client.post(
        LOGIN, {"login": students[0].username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.url == reverse("home")


def test_the_address_limit_ends_with_its_window(client, lincoln, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    students = [member(lincoln, Role.STUDENT, username=f"late-{n}") for n in range(4)]
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for student in students[:3]:
            client.post(LOGIN, {"login": student.username, "password": "wrong"}, REMOTE_ADDR=SPRAYER)
        refused = client.post(
            LOGIN, {"login": students[3].username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
        )
    later = start + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        response = client.post(
            LOGIN, {"login": students[3].username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
        )
    assert ADDRESS_LIMITED in refused.content.decode()
    assert response.url == reverse("home")


def test_a_class_with_a_typo_each_signs_in_from_one_address(client, lincoln):
    students = [member(lincoln, Role.STUDENT, username=f"typo-{n}") for n in range(35)]
    for student in students:
        client.post(LOGIN, {"login": student.username, "password": "wrong"}, REMOTE_ADDR=SPRAYER)
        response = client.post(LOGIN, {"login": student.username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER)
        assert response.status_code == 302, student.username
        client.post(reverse("account_logout"))
    assert AuditEntry.objects.filter(action="login.succeeded").count() == 35


def test_a_browser_that_signed_in_before_still_signs_in_while_its_address_is_limited(
    client, lincoln, settings
):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    student = member(lincoln, Role.STUDENT, username="regular")
    client.post(LOGIN, {"login": student.username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER)
    client.post(reverse("account_logout"))
    sprayer = Client()
    for n in range(3):
        sprayer.post(LOGIN, {"login": f"nobody-{n}", "password": "wrong"}, REMOTE_ADDR=SPRAYER)

    known = client.post(LOGIN, {"login": student.username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER)
    stranger = sprayer.post(LOGIN, {"login": student.username, "password": PASSWORD}, REMOTE_ADDR=SPRAYER)

    assert known.url == reverse("home")
    assert ADDRESS_LIMITED in stranger.content.decode()
    # The cookie names no account: only keyed hashes.
    assert str(student.pk) not in client.cookies["peerpath_known"].value.split(".")
    assert client.cookies["peerpath_known"]["httponly"]
