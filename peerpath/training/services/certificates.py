"""Issuing certificates of completed training, and rendering them to PDF.

A certificate is a snapshot: the modules and dates it lists are those current when it was issued, so
that a later refresher or an expiry does not change a document someone already printed.
"""

import datetime
import mimetypes
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from peerpath.accounts.models import Organization, User
from peerpath.core.audit import record_audit
from peerpath.core.roles import Role
from peerpath.training.models import Certificate, Completion

VERIFY_SALT = "peerpath.certificate"
# The base URL the PDF's relative links resolve against; only this host and our static path are served.
PDF_BASE_URL = "https://peerpath.invalid/"


class NothingToCertify(Exception):
    """The message is shown to the user as it is."""


def certificate_organization(user: User) -> Organization | None:
    """The school where `user` is a student (the first active student membership)."""
    membership = (
        user.memberships.filter(role=Role.STUDENT, is_active=True)
        .select_related("organization")
        .order_by("organization__name", "pk")
        .first()
    )
    return membership.organization if membership else None


def issue_certificate(
    *,
    user: User,
    organization: Organization | None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Certificate:
    """A certificate of `user`'s current, unexpired completions of `organization`'s modules."""
    now = now or timezone.now()
    if organization is None:
        raise NothingToCertify(_("Certificates are issued by your school, and you are not a student of one."))
    completions = (
        Completion.objects.filter(user=user, module__organization=organization)
        .valid_on(timezone.localdate(now))
        .select_related("module")
        .order_by("completed_at", "module__title")
    )
    modules = [
        {
            "title": completion.module.title,
            "completed_on": timezone.localdate(completion.completed_at).isoformat(),
        }
        for completion in completions
    ]
    if not modules:
        raise NothingToCertify(
            _("There is nothing to certify yet: complete a training module first, then ask again.")
        )
    certificate = Certificate.objects.create(organization=organization, user=user, modules=modules)
    record_audit(
        action="certificate.issued",
        actor=user,
        target=certificate,
        organization_id=organization.pk,
        detail={"modules": len(modules)},
        request=request,
    )
    return certificate


def verification_code(certificate: Certificate) -> str:
    return signing.dumps(certificate.pk, salt=VERIFY_SALT)


def certificate_from_code(code: str) -> Certificate | None:
    """The certificate a verification code names, or None for a tampered or unknown code."""
    try:
        pk = signing.loads(code, salt=VERIFY_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Certificate.objects.select_related("organization", "user").filter(pk=pk).first()


def modules_with_dates(certificate: Certificate) -> list[dict[str, Any]]:
    """The snapshot's modules with their dates parsed, for templates to format."""
    rows = []
    for item in certificate.modules:
        try:
            completed_on: datetime.date | None = datetime.date.fromisoformat(item.get("completed_on", ""))
        except (TypeError, ValueError):
            completed_on = None
        rows.append({"title": item.get("title", ""), "completed_on": completed_on})
    return rows


class StaticOnlyURLFetcher(URLFetcher):
    """Serves our own static files to WeasyPrint and refuses every other URL (no network, no disk)."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = static_file_for(url)
        if path is None:
            raise ValueError(f"Refused to fetch {url!r}: only our own static files may be used.")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def static_file_for(url: str) -> str | None:
    """The file of one of our static URLs (resolved through the staticfiles finders), or None."""
    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(static_prefix):
        return None
    relative = posixpath.normpath(path.removeprefix(static_prefix))
    if relative.startswith(("..", "/")) or relative == ".":
        return None
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return found if isinstance(found, str) else None


def render_pdf(html: str) -> bytes:
    pdf = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf()
    if pdf is None:  # only when a target file is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
