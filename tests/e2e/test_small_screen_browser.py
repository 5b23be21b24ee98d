"""Phones: the weekly availability grid fits 375 px and is still ticked by its visible labels.

Every page the axe-core tests visit is also checked for sideways scrolling at 375 px
(tests/e2e/test_browser.py::assert_pages_pass_axe).
"""

import pytest
from playwright.sync_api import Page, expect

from peerpath.recruitment.models import Application
from tests.e2e.test_browser import PHONE_WIDTH, horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_availability_grid_fits_a_phone_and_saves_what_is_ticked(page: Page, login_as, bob, cohort):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    login_as(bob)
    page.goto(f"/apply/{cohort.pk}/mentor/")

    assert horizontal_overflow(page) == ""
    monday_lunch = page.get_by_role("checkbox", name="Monday, Lunch", exact=True)
    expect(monday_lunch).to_be_visible()
    # The visible word "Lunch" in Monday's block is the checkbox's label.
    page.locator("label[for=id_availability_mon_lunch]").click()
    expect(monday_lunch).to_be_checked()
    page.get_by_role("checkbox", name="Wednesday, After school", exact=True).check()
    page.get_by_label("Interests").fill("robotics")
    page.get_by_role("button", name="Send my application").click()

    application = Application.objects.get(applicant=bob, cohort=cohort)
    assert application.availability == ["mon-lunch", "wed-after"]


def test_availability_grid_stays_a_table_on_a_wide_screen(page: Page, login_as, bob, cohort):
    login_as(bob)
    page.goto(f"/apply/{cohort.pk}/mentor/")
    expect(page.locator("fieldset.availability thead th")).to_have_count(10)
    expect(page.locator("fieldset.availability thead")).to_be_visible()
    # The per-cell word is for phones only; on a wide screen the column header says it.
    box = page.locator("label[for=id_availability_mon_lunch]").bounding_box()
    assert box is not None
    assert box["width"] <= 1  # visually hidden, as before
