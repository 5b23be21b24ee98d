"""Expire unanswered references past their date and remind referees once after five days.

Run daily from cron. Idempotent: a reference is reminded once (reminded_at) and expired once.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from peerpath.recruitment.services.screening import send_reference_reminders


def default_base_url() -> str:
    site_url: str = getattr(settings, "SITE_URL", "")
    return site_url or f"https://{settings.ALLOWED_HOSTS[0]}"


class Command(BaseCommand):
    help = "Remind referees who have not answered after five days, and expire references past their date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )
        parser.add_argument(
            "--base-url", default="", help="Where the links in the e-mails point (default: SITE_URL)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_reference_reminders(
            base_url=options["base_url"] or default_base_url(), dry_run=options["dry_run"]
        )
        reminded, expired = summary.reminded, summary.expired
        if options["dry_run"]:
            self.stdout.write(f"Dry run: would remind {reminded} reference(s) and mark {expired} expired.")
        else:
            self.stdout.write(f"Reminded {reminded} reference(s); marked {expired} expired.")
