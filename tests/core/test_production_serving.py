"""The production path end to end: collectstatic with production settings, then gunicorn with DEBUG=0.

No Django test database here: the server runs in other processes on a migrated SQLite file in a temporary
folder, with the demo loaded (a published program to read), exactly as a deployment would run it.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from peerpath.accounts.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """Just enough of a browser: cookies (Secure ones too, since the proxy speaks HTTPS), no redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, Message]:
        host = urllib.parse.urlsplit(self.base).netloc
        headers = {
            # What the reverse proxy in front of gunicorn sends (SECURE_PROXY_SSL_HEADER).
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Origin"] = f"https://{host}"
            headers["Referer"] = f"https://{host}{path}"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 (local)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", "replace"), response.headers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "STATICFILES_"))},
        "DJANGO_SETTINGS_MODULE": "peerpath.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "REQUIRE_STAFF_MFA": "1",
        # Only to load the demo quickly; the server hashes with whatever the settings say.
        "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
    }
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_demo")
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "peerpath.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, f"gunicorn exited:\n{server.stdout.read()}"  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.3)
        yield base, tmp
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_collectstatic_writes_the_manifest(production_server):
    _, tmp = production_server

    assert (tmp / "static" / "staticfiles.json").is_file()


def test_production_serves_login_program_page_and_static_file(production_server):
    base, _ = production_server
    browser = Browser(base)

    status, login_page, _ = browser.request("/accounts/login/")
    assert status == 200, login_page[:2000]
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', login_page)
    assert stylesheet, "the login page links no stylesheet"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
    assert token

    status, body, headers = browser.request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token.group(1), "login": "bob", "password": DEMO_PASSWORD},
    )
    assert status == 302, body[:2000]

    status, program_page, _ = browser.request("/p/lincoln-high/peer-mentors/")
    assert status == 200, program_page[:2000]
    assert "Lincoln Peer Mentors" in program_page

    status, css, headers = browser.request(stylesheet.group(1))
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert css.strip()
    # The hashed name from the manifest, cached for a long time by whitenoise.
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1))
