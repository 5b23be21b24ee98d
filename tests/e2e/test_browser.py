"""End-to-end checks in a real browser: sign-in with TOTP, language switch, audit of failures,
accessibility (axe-core) of every page, and the small-screen layout."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from peerpath.accounts.models import User
from peerpath.core.models import AuditEntry
from tests.e2e.conftest import current_totp_code
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()


def test_coordinator_signs_in_with_totp_and_switches_to_spanish(page: Page, alice: User, bob: User, carol):
    sign_in(page, "alice", PASSWORD)

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert_no_serious_violations(page)  # the MFA step is only reachable mid-sign-in: check it here
    page.fill("input[name=code]", current_totp_code(alice))
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Welcome, Alice")
    card = page.locator(".card", has_text="Lincoln High School")
    expect(card).to_be_visible()
    students = card.locator(".stats div", has=page.locator("dt", has_text="Students")).locator("dd")
    expect(students).to_have_text("2")  # bob and carol
    assert AuditEntry.objects.filter(action="login.succeeded", actor=alice).exists()

    page.select_option("select#language-select", "es")
    page.locator("form.language-form button[type=submit]").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    # The heading comes from the compiled catalogue (locale/es/LC_MESSAGES/django.mo); it must be translated.
    with translation.override("es"):
        spanish_welcome = gettext("Welcome, %(name)s") % {"name": "Alice"}
    assert spanish_welcome != "Welcome, Alice", (
        "the Spanish catalogue does not translate the dashboard heading"
    )
    expect(page.locator("h1")).to_have_text(spanish_welcome)
    expect(card.locator("dt").first).to_have_text("Estudiantes")
    alice.refresh_from_db()
    assert alice.preferred_language == "es"


def test_wrong_password_shows_error_and_is_audited(page: Page, bob: User, lincoln):
    sign_in(page, "bob", "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text("The username and/or password you specified are not correct.")).to_be_visible()
    failed = AuditEntry.objects.filter(action="login.failed")
    assert failed.count() == 1
    entry = failed.get()
    assert entry.actor_label == "bob"
    assert entry.target_id == str(bob.pk)
    assert entry.organization_id == lincoln.pk  # filed under bob's school, for its audit log
    assert not AuditEntry.objects.filter(action="login.succeeded").exists()


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    # axe really ran on this page (the strict CSP did not stop it): some rules passed.
    assert results.response["testEngine"]["name"] == "axe-core"
    assert results.response["passes"], f"axe checked nothing on {page.url}"
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] not in {"serious", "critical"}:
            continue
        lines = [f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
        for node in violation["nodes"]:
            summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines())
            lines.append(f"      {' '.join(map(str, node['target']))}: {summary}")
        problems.append("\n".join(lines))
    return problems


def assert_no_serious_violations(page: Page) -> None:
    problems = _serious_violations(page)
    assert not problems, f"axe found serious or critical violations on {page.url}:\n" + "\n".join(problems)


PHONE_WIDTH = 375

# The elements that stick out past the right edge of the viewport, widest first (for the failure message).
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        classes.filter(Boolean).map((c) => "." + c).join("");
      out.push([Math.round(box.right), name]);
    }
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 5).map(([right, name]) => `${name} (right edge ${right}px)`);
}"""


def horizontal_overflow(page: Page, width: int = PHONE_WIDTH) -> str:
    """How the current page scrolls sideways at `width` px ("" when it fits); the viewport is put back."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 740})
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width <= width:
            return ""
        return f"scrollWidth {scroll_width}px > {width}px: " + "; ".join(page.evaluate(_OVERFLOWING))
    finally:
        if before:
            page.set_viewport_size(before)


def assert_pages_pass_axe(page: Page, login_as, pages) -> None:
    """Visit each (user, path) signed in as that user (None: anonymous), run axe-core on it, and check
    that it does not scroll sideways on a 375 px phone."""
    report = []
    overflow = []
    for user, path in pages:
        page.context.clear_cookies()
        if user is not None:
            login_as(user)
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, f"{path} as {user}: HTTP {response.status}"
        if user is not None:
            # Really signed in as this person, not bounced to the login or MFA setup page.
            assert page.url.endswith(path), f"{path} as {user} ended at {page.url}"
        problems = _serious_violations(page)
        if problems:
            report.append(f"{path} as {user or 'anonymous'}:\n" + "\n".join(problems))
        sideways = horizontal_overflow(page)
        if sideways:
            overflow.append(f"{path} as {user or 'anonymous'}: {sideways}")
    assert not report, "axe found serious or critical violations:\n" + "\n\n".join(report)
    assert not overflow, f"pages scroll sideways at {PHONE_WIDTH}px:\n" + "\n".join(overflow)


def test_every_page_passes_axe(page: Page, login_as, alice, bob, erin, grace):
    pages = [
        (None, "/accounts/login/"),
        (None, "/accounts/password/reset/"),
        (alice, "/"),
        (bob, "/"),
        (erin, "/"),
        (alice, "/org/lincoln-high/"),
        (alice, "/org/lincoln-high/people/"),
        (alice, f"/org/lincoln-high/people/{bob.pk}/"),
        (grace, "/orgs/"),
        (grace, "/org/riverside/audit/"),
        (alice, "/accounts/email/"),
        (alice, "/accounts/2fa/"),
        (alice, "/accounts/password/change/"),
    ]
    assert_pages_pass_axe(page, login_as, pages)


def test_stylesheet_is_served(page: Page):
    with page.expect_response(re.compile(r"/static/css/peerpath\.css$")) as stylesheet:
        page.goto("/accounts/login/")
    assert stylesheet.value.status == 200
    assert stylesheet.value.header_value("content-type").startswith("text/css")
    # .skip-link is positioned off-screen by peerpath.css; unstyled it would sit at the top left.
    position = page.locator(".skip-link").evaluate("el => getComputedStyle(el).position")
    assert position == "absolute"


def test_dashboard_fits_a_phone_and_skip_link_shows_on_focus(page: Page, login_as, alice: User, bob: User):
    page.set_viewport_size({"width": 375, "height": 740})
    login_as(alice)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Welcome, Alice")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"the dashboard scrolls sideways at 375px: scrollWidth={scroll_width}"

    skip_link = page.locator("a.skip-link")
    expect(skip_link).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()


def test_program_and_recruitment_pages_pass_axe(
    page: Page, login_as, alice, bob, carol, erin, program, cohort
):
    import datetime

    from django.utils import timezone

    from peerpath.programs.models import Event
    from peerpath.recruitment.models import Consent, Interview, Reference, RubricCriterion
    from peerpath.recruitment.services.consent import make_consent_token
    from peerpath.recruitment.services.screening import reference_token
    from tests.factories import ApplicationFactory, ParticipantFactory

    RubricCriterion.objects.create(program=program, name="Listening")
    application = ApplicationFactory(cohort=cohort, applicant=bob, role="mentor")
    interview = Interview.objects.create(
        application=application, interviewer=alice, scheduled_at=timezone.now()
    )
    reference = Reference.objects.create(
        application=application,
        name="Ms. Lee",
        email="lee@example.org",
        expires_at=timezone.now() + datetime.timedelta(days=9),
    )
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    consent = Consent.objects.create(
        program=program, student=carol, guardian=erin, expires_at=timezone.now() + datetime.timedelta(days=9)
    )
    start = timezone.now() + datetime.timedelta(days=3)
    event = Event.objects.create(
        program=program, title="Info session", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    p = program.pk
    pages = [
        *[
            (alice, path)
            for path in [
                "/programs/",
                "/programs/new/",
                f"/programs/{p}/",
                f"/programs/{p}/edit/",
                f"/programs/{p}/review/",
                f"/programs/{p}/rubric/",
                f"/programs/{p}/attention/",
                f"/programs/{p}/nominations/",
                f"/programs/{p}/funnel/",
                f"/programs/{p}/form/mentor/",
                f"/programs/{p}/events/",
                f"/events/{event.pk}/",
                f"/events/{event.pk}/attendance/",
                f"/programs/{p}/participants/",
                f"/programs/{p}/consent/",
                f"/programs/{p}/enroll/csv/",
                f"/programs/{p}/refer/",
                f"/screening/applications/{application.pk}/",
                f"/interviews/{interview.pk}/",
                f"/applications/{application.pk}/",
            ]
        ],
        (bob, "/programs/"),
        (bob, f"/p/lincoln-high/{program.slug}/"),
        (None, f"/p/lincoln-high/{program.slug}/"),
        (bob, "/applications/"),
        (bob, f"/applications/{application.pk}/"),
        (bob, f"/programs/{p}/nominate/"),
        (carol, f"/apply/{cohort.pk}/mentee/"),
        (carol, f"/programs/{p}/join/"),
        (erin, "/consents/"),
        (erin, f"/consents/{consent.pk}/"),
        (None, f"/consent/{make_consent_token(consent)}/"),
        (None, f"/r/{reference_token(reference)}/"),
    ]
    assert_pages_pass_axe(page, login_as, pages)


def test_training_pages_pass_axe(page: Page, login_as, alice, bob, program, cohort, lincoln):
    import datetime
    import uuid

    from django.utils import timezone

    from peerpath.programs.models import Event
    from peerpath.training.models import Lesson, RolePlayChecklist
    from peerpath.training.services.certificates import issue_certificate, verification_code
    from peerpath.training.services.modules import submit_quiz
    from tests.factories import ModuleFactory, ParticipantFactory, RequirementFactory, quiz_question

    module = ModuleFactory(organization=lincoln, title="Active listening")
    Lesson.objects.create(module=module, title="Why listening matters", body_html="<p>Listen first.</p>")
    question = quiz_question(module)
    RequirementFactory(program=program, module=module)
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    right = question.choices.get(is_correct=True)
    attempt = submit_quiz(
        module=module, user=bob, answers={str(question.pk): [right.pk]}, submit_token=uuid.uuid4()
    )
    certificate = issue_certificate(user=bob, organization=lincoln)
    RolePlayChecklist.objects.create(
        organization=lincoln, title="Listening skills", skills=["Asks open questions"]
    )
    start = timezone.now() + datetime.timedelta(days=2)
    workshop = Event.objects.create(
        program=program,
        kind="training",
        title="Training night",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    p = program.pk
    assert_pages_pass_axe(
        page,
        login_as,
        [
            *[
                (alice, path)
                for path in [
                    "/training/",
                    "/training/modules/new/",
                    f"/training/modules/{module.pk}/edit/",
                    f"/training/modules/{module.pk}/lessons/new/",
                    f"/training/modules/{module.pk}/quiz/edit/",
                    f"/programs/{p}/training/",
                    f"/programs/{p}/training/requirements/",
                    f"/org/{lincoln.slug}/roleplay-checklists/",
                    f"/events/{workshop.pk}/roleplay/",
                    "/resources/",
                    "/resources/new/",
                ]
            ],
            (bob, "/training/"),
            (bob, f"/training/modules/{module.pk}/"),
            (bob, f"/training/attempts/{attempt.pk}/"),
            (bob, "/training/my/"),
            (bob, "/training/certificate/"),
            (bob, "/resources/"),
            (None, f"/verify/{verification_code(certificate)}/"),
        ],
    )


def test_quiz_taking_in_the_browser_grades_on_the_server(page: Page, login_as, bob, lincoln):
    from peerpath.training.models import Attempt, Completion
    from tests.factories import ModuleFactory, quiz_question

    module = ModuleFactory(organization=lincoln, title="Confidentiality", validity_days=365)
    quiz_question(module, right="Tell the coordinator today", wrong="Keep the secret")
    login_as(bob)
    page.goto(f"/training/modules/{module.pk}/quiz/")
    assert "correct" not in page.content().lower()  # no answer key before submitting
    page.get_by_label("Tell the coordinator today").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("100")
    expect(page.locator("main")).to_contain_text("Open questions invite the mentee to say more.")
    attempt = Attempt.objects.get(user=bob, module=module)
    assert (attempt.score, attempt.passed) == (100, True)
    assert Completion.objects.get(user=bob, module=module).expires_at is not None
