"""Browser fixtures: Playwright (sync API) driving Debian's chromium against pytest-django's live_server.

Playwright's own browser download does not work on our machines, so we launch /usr/bin/chromium with
flags that keep it from reaching outside hosts (see /work/shared/ENVIRONMENT.md).
"""

import os
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.test import Client, override_settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from peerpath.accounts.models import User

# Playwright's sync API runs an event loop in the main thread; Django's ORM refuses to run while one is
# running unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session", autouse=True)
def _live_server_settings() -> Iterator[None]:
    """Settings read once, when the live server builds its middleware (before function-scoped fixtures).

    SecurityMiddleware reads SECURE_SSL_REDIRECT in __init__; the server speaks plain HTTP.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def current_totp_code(user: User) -> str:
    """The code an authenticator app would show `user` right now (the secret is stored via the adapter).

    allauth accepts only the current 30-second step (TOTP_TOLERANCE 0), so when the step is about to end we
    wait for the next one rather than race the clock.
    """
    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 3:
        time.sleep(remaining + 0.1)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counters = list(yield_hotp_counters_from_time())
    # The middle counter is the current time step; the others are the tolerance window.
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


@pytest.fixture
def login_as(context: BrowserContext, live_server) -> Callable[[User], None]:
    """Sign a user in by copying a session cookie into the browser (skips the login form and MFA)."""

    def _login(user: User) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "domain": urlsplit(live_server.url).hostname,
                    "path": "/",
                    "httpOnly": True,
                    "secure": False,
                    "sameSite": "Lax",
                }
            ]
        )

    return _login
