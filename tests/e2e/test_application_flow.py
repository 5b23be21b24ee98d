"""The recruitment path in a real browser: a student applies, alice interviews and approves,
the student sees "Approved"."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from peerpath.programs.models import Participant
from peerpath.recruitment.models import Application, Interview, RubricCriterion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_student_applies_alice_interviews_and_approves(
    page: Page, context: BrowserContext, login_as, alice, bob, cohort
):
    for order, name in enumerate(["Listening", "Reliability"]):
        RubricCriterion.objects.create(program=cohort.program, name=name, order=order)

    # bob applies as a mentor.
    login_as(bob)
    page.goto(f"/apply/{cohort.pk}/mentor/")
    page.get_by_label("Interests").fill("robotics, music")
    page.get_by_role("button", name="Send my application").click()
    application = Application.objects.get(applicant=bob, cohort=cohort)
    assert application.status == Application.Status.SUBMITTED
    expect(page.get_by_text("Submitted").first).to_be_visible()

    # alice schedules an interview with herself, scores it and approves.
    context.clear_cookies()
    login_as(alice)
    page.goto(f"/screening/applications/{application.pk}/")
    page.get_by_label("Interviewer").select_option(label=str(alice))
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    page.get_by_label("Date and time").fill(tomorrow.strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Schedule").click()
    interview = Interview.objects.get(application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.INTERVIEW

    page.goto(f"/interviews/{interview.pk}/")
    for legend in ["Listening", "Reliability"]:
        page.locator("fieldset", has=page.locator("legend", has_text=legend)).get_by_label("4").check()
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("body")).to_contain_text("4")
    interview.refresh_from_db()
    assert interview.completed_at is not None
    assert sorted(interview.scores.values_list("score", flat=True)) == [4, 4]

    page.goto(f"/applications/{application.pk}/")
    page.get_by_label("New status").select_option("approved")
    page.get_by_label("Reason given to the applicant").fill("Great interview. Welcome aboard!")
    page.get_by_role("button", name="Save status").click()
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert Participant.objects.filter(cohort=cohort, user=bob, role="mentor").exists()
    assert any("approved" in message.body for message in mail.outbox if bob.email in message.to)

    # bob sees the decision and the coordinator's note.
    context.clear_cookies()
    login_as(bob)
    page.goto("/applications/")
    expect(page.get_by_text(re.compile("Approved")).first).to_be_visible()
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("main")).to_contain_text("Great interview. Welcome aboard!")
    expect(page.locator("main")).not_to_contain_text("Reliability")  # no screening results for applicants
