"""The event page in a real browser: an RSVP through htmx updates the counts above the answer box."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from peerpath.programs.models import Event

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_rsvp_updates_going_and_spots_left_in_place(page: Page, login_as, bob, program):
    starts_at = timezone.now() + datetime.timedelta(days=3)
    event = Event.objects.create(
        program=program,
        title="Mentor training night",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        capacity=2,
    )
    login_as(bob)
    page.goto(f"/events/{event.pk}/")
    counts = page.locator("#event-counts dd")
    expect(counts).to_have_text(["0", "2"])

    page.get_by_role("button", name="I'm going").click()

    expect(page.get_by_role("button", name="I can no longer come")).to_be_visible()
    expect(counts).to_have_text(["1", "1"])  # Going, spots left
    expect(page.get_by_text("You are going")).to_have_count(1)
