"""Browser fixtures: Playwright (sync API) driving Debian's chromium against pytest-django's live_server.

Playwright's own browser download does not work on our machines, so we launch /usr/bin/chromium with
flags that keep it from reaching outside hosts (see /work/shared/ENVIRONMENT.md).
"""

import asyncio
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
from django.db import connections
from django.test import Client, override_settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from peerpath.accounts.models import User

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


class _PlaywrightLoop:
    """Playwright's sync API marks its event loop as running in the main thread from start to stop.

    Django's ORM then raises SynchronousOnlyOperation unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Setting that
    for the whole pytest session would leak into every other test (and into the subprocesses they start:
    `manage.py check --deploy` fails with async.E001), and under `-n 2` the other tests of the same worker
    would run beside a "running" loop. So the browser lives for the session, but its loop counts as running,
    and the ORM as async-unsafe-allowed, only while a browser test runs; between them the loop is idle.
    """

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None

    def pause(self) -> None:
        # While a loop runs, asgiref keeps Django's connections in a context-local store rather than the
        # thread-local one: close those, or they stay open and block dropping the test database.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        connections.close_all()
        self.loop = asyncio._get_running_loop() or self.loop
        asyncio._set_running_loop(None)
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def resume(self) -> None:
        # The Playwright loop is not ours to run: Django's ORM calls in the test are safe.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        asyncio._set_running_loop(self.loop)


@pytest.fixture(scope="session")
def _playwright_loop(django_db_setup) -> _PlaywrightLoop:
    # Depends on django_db_setup so that the test database is created and dropped outside the loop.
    return _PlaywrightLoop()


@pytest.fixture(scope="session")
def browser(_playwright_loop: _PlaywrightLoop) -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-services.sh (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _playwright_loop.pause()
        yield browser
        _playwright_loop.resume()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(autouse=True)
def _playwright_running(browser: Browser, _playwright_loop: _PlaywrightLoop) -> Iterator[None]:
    """Wake the browser's loop for this test; put it back to sleep before the database is flushed."""
    _playwright_loop.resume()
    yield
    _playwright_loop.pause()


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
