import zoneinfo
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peerpath.core import policy

Handler = Callable[[HttpRequest], HttpResponse]


SESSION_TIMEZONE_KEY = "peerpath_timezone"


class UserPreferencesMiddleware:
    """A signed-in person's saved language wins over the browser's, and times show in the time zone
    of their school (stored in the session at sign-in, so this costs no query)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "preferred_language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        zone_name = request.session.get(SESSION_TIMEZONE_KEY) if hasattr(request, "session") else None
        if zone_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


# Paths a staff member without MFA may still reach: the sign-in and MFA pages themselves.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/language/", "/healthz")


class StaffMFAMiddleware:
    """Staff (admins, coordinators, educators) must set up TOTP before anything else."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up_mfa(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Staff accounts must set up two-factor authentication."}, status=403
                )
            messages.info(
                request, _("Staff accounts must use two-factor authentication. Set it up to continue.")
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_mfa(self, request: HttpRequest) -> bool:
        if not settings.REQUIRE_STAFF_MFA or not request.user.is_authenticated:
            return False
        if request.path.startswith(MFA_EXEMPT_PREFIXES):
            return False
        if not policy.is_staff(request.user):
            return False
        return not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
