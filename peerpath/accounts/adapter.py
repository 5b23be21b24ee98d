"""django-allauth hooks: audit every sign-in event, lock out per account, limit failed sign-ins per
network address, keep sign-ups closed."""

import ipaddress
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.accounts.queries import home_organization, home_organization_id, user_by_login
from peerpath.core.audit import record_audit
from peerpath.core.middleware import SESSION_TIMEZONE_KEY


def _login_name(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:200]


def _address_failures_key(address: str) -> str:
    """One counter per IPv4 address or IPv6 /64 (one household or school network)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"login-failures:{address}"
    if isinstance(ip, ipaddress.IPv6Address):
        return f"login-failures:{ipaddress.IPv6Network(f'{ip}/64', strict=False)}"
    return f"login-failures:{ip}"


# A browser that has signed in to an account before keeps signing in to it while its network address is
# over the limit: a school's own students are not shut out by someone failing on purpose from inside it.
# The cookie holds one keyed hash per account (no ids), the last few accounts of a shared computer.
KNOWN_BROWSER_COOKIE = "peerpath_known"
KNOWN_BROWSER_ACCOUNTS = 20
KNOWN_BROWSER_MAX_AGE = 365 * 24 * 60 * 60


def _known_browser_token(user_pk: int) -> str:
    return salted_hmac("peerpath.accounts.known-browser", str(user_pk), algorithm="sha256").hexdigest()[:32]


def _known_browser_tokens(request: HttpRequest) -> list[str]:
    return request.COOKIES.get(KNOWN_BROWSER_COOKIE, "").split(".")[:KNOWN_BROWSER_ACCOUNTS]


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Students and staff come from the school roster; open sign-up is for pilots only.
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", False))

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """One lockout counter per account, whichever of its names (username or e-mail) is typed."""
        login = _login_name(credentials).lower()
        user = user_by_login(login)
        return f"user:{user.pk}" if user else f"login:{login}"

    def _audit_failure(
        self, action: str, request: HttpRequest, credentials: dict[str, Any], **detail: str
    ) -> None:
        user: User | None = user_by_login(_login_name(credentials))
        record_audit(
            action=action,
            request=request,
            target=user,
            actor_label=_login_name(credentials),
            organization_id=home_organization_id(user) if user else None,
            detail=detail,
        )

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Per address first: one guess at each of many accounts (password spraying) never trips the
        # per-account lockout. The limit counts failures only, so a class signing in together is not
        # slowed; it is set high because a whole school shares one address.
        key = _address_failures_key(self.get_client_ip(request))
        if cache.get(key, 0) >= settings.LOGIN_FAILURES_PER_ADDRESS and not self._known_browser(
            request, credentials
        ):
            self._audit_failure("login.address_limited", request, credentials, reason="too many failures")
            raise ValidationError(
                _(
                    "Too many failed sign-ins from your network. Try again in %(minutes)d minutes, "
                    "or ask a teacher if you cannot sign in."
                )
                % {"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
                code="too_many_failures_from_address",
            )
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            self._audit_failure("login.locked", request, credentials, reason="too many failed attempts")
            raise

    def _known_browser(self, request: HttpRequest, credentials: dict[str, Any]) -> bool:
        user = user_by_login(_login_name(credentials))
        return user is not None and _known_browser_token(user.pk) in _known_browser_tokens(request)

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        token = _known_browser_token(user.pk)
        tokens = [token, *(t for t in _known_browser_tokens(request) if t and t != token)]
        response.set_cookie(
            KNOWN_BROWSER_COOKIE,
            ".".join(tokens[:KNOWN_BROWSER_ACCOUNTS]),
            max_age=KNOWN_BROWSER_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        key = _address_failures_key(self.get_client_ip(request))
        # The window starts at the first failure and is not extended by later ones.
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        self._audit_failure("login.failed", request, credentials)

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        organization = home_organization(user)
        if organization is not None:
            request.session[SESSION_TIMEZONE_KEY] = organization.timezone
        record_audit(
            action="login.succeeded",
            actor=user,
            target=user,
            organization_id=organization.pk if organization else None,
            request=request,
        )

    def logout(self, request: HttpRequest) -> None:
        user = request.user
        if user.is_authenticated:
            record_audit(
                action="logout",
                actor=user,
                target=user,
                organization_id=home_organization_id(user),
                request=request,
            )
        super().logout(request)

    def respond_user_inactive(self, request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
        record_audit(
            action="login.inactive",
            target=user,
            actor_label=str(user),
            organization_id=home_organization_id(user),
            request=request,
        )
        return super().respond_user_inactive(request, user)
