"""The review table in a real browser: bulk status changes keep the selection and offer only legal moves."""

import pytest
from playwright.sync_api import Page, expect

from peerpath.recruitment.models import Application
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_choosing_the_bulk_status_keeps_the_ticks(page: Page, login_as, alice, cohort):
    first, second, third = (ApplicationFactory(cohort=cohort, status="screening") for _ in range(3))
    login_as(alice)
    page.goto(f"/programs/{cohort.program_id}/review/")
    page.locator(f"#select-{first.pk}").check()
    page.locator(f"#select-{second.pk}").check()

    page.get_by_label("Move selected to").select_option("declined")
    # Give a (wrongly triggered) filter request time to come back and replace the table.
    page.wait_for_timeout(800)

    expect(page.locator(f"#select-{first.pk}")).to_be_checked()
    expect(page.locator(f"#select-{second.pk}")).to_be_checked()
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator(".messages")).to_contain_text("2 moved to declined")
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "declined", second.pk: "declined", third.pk: "screening"}


def test_the_filter_selects_still_reload_the_table(page: Page, login_as, alice, cohort):
    ApplicationFactory(cohort=cohort, status="screening")
    declined = ApplicationFactory(cohort=cohort, status="declined")
    login_as(alice)
    page.goto(f"/programs/{cohort.program_id}/review/")
    expect(page.locator("table.review tbody tr")).to_have_count(2)

    page.locator("#id_status").select_option("declined")

    expect(page.locator("table.review tbody tr")).to_have_count(1)
    expect(page.locator(f"#select-{declined.pk}")).to_be_visible()


def test_bulk_list_narrows_to_the_moves_every_ticked_row_allows(page: Page, login_as, alice, cohort):
    submitted = ApplicationFactory(cohort=cohort, status="submitted")
    waitlisted = ApplicationFactory(cohort=cohort, status="waitlisted")
    approved = ApplicationFactory(cohort=cohort, status="approved")
    login_as(alice)
    page.goto(f"/programs/{cohort.program_id}/review/")
    approve = page.locator("#bulk-status option[value=approved]")
    expect(approve).to_be_enabled()

    page.locator(f"#select-{waitlisted.pk}").check()
    expect(approve).to_be_enabled()
    page.locator(f"#select-{submitted.pk}").check()
    expect(approve).to_be_disabled()
    expect(page.locator("#bulk-status option[value=declined]")).to_be_enabled()

    page.locator(f"#select-{approved.pk}").check()  # approved may only be withdrawn; submitted may too
    expect(page.locator("#bulk-status")).to_have_value("withdrawn")
    page.locator(f"#select-{waitlisted.pk}").uncheck()
    page.locator(f"#select-{submitted.pk}").uncheck()
    expect(approve).to_be_disabled()
    expect(page.get_by_role("button", name="Apply to selected")).to_be_enabled()
