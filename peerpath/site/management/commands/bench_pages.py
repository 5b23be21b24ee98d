"""Time every page of the demo as the person who usually opens it (the web part of ``make bench``).

Each persona starts at the dashboard and follows the links of the pages it sees (GET only, same site,
breadth first), so new pages are found without a hand-kept list. Each distinct page (URL pattern) is
then requested ``--repeat`` times through Django's test client: the figures are server time (routing,
views, queries, templates; no network), with the median, the 95th percentile and the number of queries.
Run it on PostgreSQL with the demo loaded (``make bench`` does).
"""

import statistics
import time
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from peerpath.accounts.models import User

# The usual persona of each part of the demo (README's demo logins); None is an anonymous visitor.
PERSONAS = ["alice", "frank", "ivan", "grace", "bob", "carol", "erin", "lincoln016", None]
# Pages that change state or leave the site even on GET.
SKIPPED_NAMES = {"account_logout", "set_language"}
SKIPPED_PREFIXES = ("/accounts/", "/static/", "/media/", "/api/v1/schema")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


@dataclass
class PageTiming:
    persona: str
    name: str
    path: str
    status: int
    median_ms: float
    p95_ms: float
    queries: int


def _local_path(href: str) -> str | None:
    href = urldefrag(href)[0]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.url_name


def _client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def discover(client: Client, limit: int, per_name: int) -> dict[str, list[str]]:
    """Up to ``per_name`` paths per URL name this persona reaches from the dashboard and programs page."""
    found: dict[str, list[str]] = {}
    queue = deque(["/", "/programs/"])
    seen = set(queue)
    visited = 0
    while queue and visited < limit:
        path = queue.popleft()
        visited += 1
        name = _url_name(path)
        if name is None or name in SKIPPED_NAMES:
            continue
        response = client.get(path)
        if response.status_code != 200:
            continue
        found.setdefault(name, [])
        if len(found[name]) < per_name:
            found[name].append(path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode("utf-8", "replace"))
        for href in parser.hrefs:
            target = _local_path(href)
            if target and target not in seen and "page=" not in target:
                target_name = _url_name(target)
                if (
                    target_name
                    and len(found.get(target_name, [])) < per_name
                    and target_name not in SKIPPED_NAMES
                ):
                    seen.add(target)
                    queue.append(target)
    return found


def time_page(client: Client, path: str, repeat: int) -> tuple[int, list[float], int]:
    client.get(path)  # warm caches and templates, as a running server has them
    timings = []
    queries = 0
    status = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        queries, status = len(captured), response.status_code
    return status, timings, queries


class Command(BaseCommand):
    help = "Time every page of the demo as its usual persona: median and p95 server time, queries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=15, help="timed requests per page (default 15)")
        parser.add_argument(
            "--limit", type=int, default=400, help="pages to visit per persona while crawling"
        )
        parser.add_argument(
            "--per-page", type=int, default=3, help="instances timed per page (the worst counts)"
        )
        parser.add_argument("--goal-ms", type=float, default=100.0, help="median to flag pages above")

    def handle(self, *args: object, **options: Any) -> None:
        repeat, limit, goal = int(options["repeat"]), int(options["limit"]), float(options["goal_ms"])
        per_page = int(options["per_page"])
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        timed: dict[str, PageTiming] = {}
        for persona in PERSONAS:
            client = _client_for(persona)
            for name, paths in discover(client, limit, per_page).items():
                if name in timed:
                    continue  # each page as the first (most usual) persona who reaches it
                for path in paths:  # several instances of the page; the slowest is reported
                    status, timings, queries = time_page(client, path, repeat)
                    timing = PageTiming(
                        persona=persona or "anonymous",
                        name=name,
                        path=path,
                        status=status,
                        median_ms=statistics.median(timings),
                        p95_ms=statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0],
                        queries=queries,
                    )
                    if name not in timed or timing.median_ms > timed[name].median_ms:
                        timed[name] = timing
        rows = sorted(timed.values(), key=lambda row: row.median_ms, reverse=True)
        self.stdout.write(f"{'page':<34} {'persona':<11} {'median':>8} {'p95':>8} {'queries':>7}  path")
        for row in rows:
            flag = "  <- over goal" if row.median_ms > goal else ""
            self.stdout.write(
                f"{row.name:<34} {row.persona:<11} {row.median_ms:>6.1f}ms {row.p95_ms:>6.1f}ms "
                f"{row.queries:>7}  {row.path}{flag}"
            )
        over = [row for row in rows if row.median_ms > goal]
        self.stdout.write(
            f"{len(rows)} pages on {connection.vendor}, {repeat} requests each; "
            f"{len(over)} over a median of {goal:.0f} ms."
        )
