import datetime
import shutil
import subprocess
import zoneinfo

import pytest
from django.core import signing
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.training.models import Certificate
from peerpath.training.services.certificates import (
    PDF_BASE_URL,
    StaticOnlyURLFetcher,
    certificate_from_code,
    issue_certificate,
    static_file_for,
    verification_code,
)
from peerpath.training.views.certificates import certificate_context
from tests.factories import CompletionFactory, ModuleFactory

pytestmark = pytest.mark.django_db

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture
def trained_bob(bob, lincoln):
    listening = ModuleFactory(organization=lincoln, title="Active listening")
    CompletionFactory(module=listening, user=bob, completed_at=timezone.now() - datetime.timedelta(days=3))
    return bob


@pytest.fixture
def certificate(trained_bob, lincoln):
    return Certificate.objects.create(
        organization=lincoln,
        user=trained_bob,
        modules=[{"title": "Active listening", "completed_on": "2026-09-14"}],
    )


def test_certificate_issue_snapshots_current_completions(client, trained_bob, lincoln, jefferson):
    expired = ModuleFactory(organization=lincoln, title="Confidentiality")
    CompletionFactory(
        module=expired, user=trained_bob, expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    CompletionFactory(module=ModuleFactory(organization=jefferson, title="Other school"), user=trained_bob)
    client.force_login(trained_bob)
    response = client.post(reverse("certificate_issue"))
    certificate = Certificate.objects.get(user=trained_bob)
    assert response.url == reverse("certificate_pdf", args=[certificate.pk])
    assert certificate.organization == lincoln
    assert [module["title"] for module in certificate.modules] == ["Active listening"]
    assert (
        certificate.modules[0]["completed_on"]
        == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    )
    assert AuditEntry.objects.filter(action="certificate.issued", target_id=str(certificate.pk)).exists()


def test_certificate_issue_refused_without_completions(client, bob):
    client.force_login(bob)
    response = client.post(reverse("certificate_issue"), follow=True)
    assert not Certificate.objects.exists()
    assert "nothing to certify yet" in response.content.decode()


def test_certificate_issue_page_lists_completions_and_certificates(client, certificate):
    client.force_login(certificate.user)
    content = client.get(reverse("certificate_issue")).content.decode()
    assert "Active listening" in content
    assert reverse("certificate_pdf", args=[certificate.pk]) in content


def test_certificate_pdf_renders_for_the_owner(client, certificate):
    client.force_login(certificate.user)
    response = client.get(reverse("certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(  # noqa: S603 (a fixed command on our own PDF)
            [pdftotext, "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Lincoln High School" in text
        assert "Bob Nguyen" in text
        assert "Active listening" in text


def test_certificate_html_names_the_person_school_modules_and_verify_url(certificate):
    request = RequestFactory().get("/")
    html = render_to_string(
        "training/certificates/certificate.html", certificate_context(request, certificate)
    )
    assert "Lincoln High School" in html
    assert "Bob Nguyen" in html
    assert "Active listening" in html
    assert reverse("certificate_verify", args=[verification_code(certificate)]) in html


def test_certificate_pdf_for_staff_of_the_school_is_audited(client, alice, certificate):
    client.force_login(alice)
    response = client.get(reverse("certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="student_record.viewed", actor=alice).exists()


def test_certificate_pdf_is_404_for_dave_and_other_students(client, dave, carol, certificate):
    for person in (dave, carol):
        client.force_login(person)
        assert client.get(reverse("certificate_pdf", args=[certificate.pk])).status_code == 404


def test_certificate_pages_need_login(client, certificate):
    for url in (reverse("certificate_issue"), reverse("certificate_pdf", args=[certificate.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    client.post(reverse("certificate_issue"))
    assert Certificate.objects.count() == 1


def test_certificate_verify_is_public(client, certificate):
    code = signing.dumps(certificate.pk, salt="peerpath.certificate")
    response = client.get(reverse("certificate_verify", args=[code]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bob Nguyen" in content
    assert "Lincoln High School" in content
    assert "Active listening" in content


# Built inside the test: a timestamped code in the test id would differ between xdist workers.
@pytest.mark.parametrize(
    "make_code",
    [lambda: "tampered", lambda: signing.dumps(1, salt="another.salt")],
    ids=["garbage", "other-salt"],
)
def test_certificate_verify_refuses_a_tampered_code(client, certificate, make_code):
    code = make_code()
    response = client.get(reverse("certificate_verify", args=[code]))
    assert response.status_code == 404
    assert "This certificate could not be verified" in response.content.decode()
    assert "Bob Nguyen" not in response.content.decode()


def test_certificate_verify_with_edited_code_does_not_verify(client, certificate):
    code = verification_code(certificate)
    response = client.get(
        reverse("certificate_verify", args=[code[:-2] + ("AA" if code[-2:] != "AA" else "BB")])
    )
    assert "This certificate could not be verified" in response.content.decode()


def test_pdf_url_fetcher_serves_our_static_files_only():
    fetcher = StaticOnlyURLFetcher()
    response = fetcher.fetch(f"{PDF_BASE_URL}static/training/certificate.css")
    assert b"@page" in response.read()
    for url in [
        "https://example.com/static/training/certificate.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        f"{PDF_BASE_URL}static/../../etc/passwd",
        f"{PDF_BASE_URL}media/secret.pdf",
    ]:
        assert static_file_for(url) is None
        with pytest.raises(ValueError, match="Refused"):
            fetcher.fetch(url)


# Verification at the service level: only a code we signed names a certificate.


def test_certificate_from_code_valid_code_names_the_certificate(certificate):
    assert certificate_from_code(verification_code(certificate)) == certificate


def test_certificate_from_code_tampered_signature_is_refused(certificate):
    value, signature = verification_code(certificate).rsplit(":", 1)
    tampered = signature[:-1] + ("A" if signature[-1] != "A" else "B")

    assert certificate_from_code(f"{value}:{tampered}") is None


def test_certificate_from_code_signed_other_id_is_refused(certificate):
    value, signature = verification_code(certificate).rsplit(":", 1)
    other_value = signing.dumps(certificate.pk + 1, salt="peerpath.certificate").rsplit(":", 1)[0]

    assert certificate_from_code(f"{other_value}:{signature}") is None


@pytest.mark.parametrize("make_code", [lambda pk: str(pk), lambda pk: f"{pk}:", lambda pk: f"{pk}:x"])
def test_certificate_from_code_bare_numeric_id_is_refused(certificate, make_code):
    assert certificate_from_code(make_code(certificate.pk)) is None


def test_certificate_verify_by_bare_numeric_id_is_404(client, certificate):
    response = client.get(reverse("certificate_verify", args=[str(certificate.pk)]))

    assert response.status_code == 404
    assert "Bob Nguyen" not in response.content.decode()


def test_issue_certificate_lists_a_refresher_on_the_day_it_expires(trained_bob, lincoln):
    now = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=LOS_ANGELES)
    refresher = ModuleFactory(organization=lincoln, title="Confidentiality", validity_days=30)
    CompletionFactory(
        module=refresher,
        user=trained_bob,
        completed_at=now - datetime.timedelta(days=30, hours=2),
        expires_at=now - datetime.timedelta(hours=2),
    )

    on_the_day = issue_certificate(user=trained_bob, organization=lincoln, now=now)
    next_day = issue_certificate(user=trained_bob, organization=lincoln, now=now + datetime.timedelta(days=1))

    assert "Confidentiality" in [module["title"] for module in on_the_day.modules]
    assert "Confidentiality" not in [module["title"] for module in next_day.modules]


def test_certificate_from_code_reads_the_certificate_its_person_and_school_in_one_query(
    certificate, django_assert_num_queries
):
    code = verification_code(certificate)
    expected = (certificate.user.username, certificate.organization.slug)
    with django_assert_num_queries(1):
        found = certificate_from_code(code)
        assert (found.user.username, found.organization.slug) == expected
