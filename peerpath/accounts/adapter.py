"""django-allauth hooks: audit every sign-in event and keep sign-ups closed unless configured."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from peerpath.accounts.queries import home_organization_id
from peerpath.core.audit import record_audit


def _login_name(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:200]


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Students and staff come from the school roster; open sign-up is for pilots only.
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", False))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            record_audit(
                action="login.locked",
                request=request,
                actor_label=_login_name(credentials),
                detail={"reason": "too many failed attempts for this username"},
            )
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        record_audit(action="login.failed", request=request, actor_label=_login_name(credentials))

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        record_audit(
            action="login.succeeded",
            actor=user,
            target=user,
            organization_id=home_organization_id(user),
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
