"""django-allauth hooks: audit every sign-in event, lock out per account, keep sign-ups closed."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from peerpath.accounts.models import User
from peerpath.accounts.queries import home_organization, home_organization_id, user_by_login
from peerpath.core.audit import record_audit
from peerpath.core.middleware import SESSION_TIMEZONE_KEY


def _login_name(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:200]


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
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            self._audit_failure("login.locked", request, credentials, reason="too many failed attempts")
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
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
