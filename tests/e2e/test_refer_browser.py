"""'Refer a student' in a real browser: typing in the search box narrows the long list of students."""

import pytest
from playwright.sync_api import Page, expect

from peerpath.core.roles import Role
from peerpath.programs.models import Participant
from tests.factories import member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_box_narrows_the_students_and_refers_the_one_left(
    page: Page, login_as, alice, cohort, lincoln
):
    for number in range(30):
        member(
            lincoln, Role.STUDENT, username=f"s{number}", first_name="Student", last_name=f"Number{number}"
        )
    zoe = member(lincoln, Role.STUDENT, username="zoe", first_name="Zoë", last_name="Ångström")
    login_as(alice)
    page.goto(f"/programs/{cohort.program_id}/refer/")

    search = page.get_by_label("Find a student by name")
    expect(search).to_be_visible()
    search.fill("zoe ang")  # accents do not matter
    expect(page.locator("#student-search-status")).to_have_text("1 student matches")
    expect(page.get_by_label("Student", exact=True)).to_have_value(str(zoe.pk))
    page.get_by_label("Why this student would benefit from a mentor").fill("New to the school.")
    page.get_by_role("button", name="Refer and enroll").click()

    expect(page.locator(".messages")).to_contain_text("is enrolled as a mentee")
    assert Participant.objects.filter(cohort=cohort, user=zoe, role="mentee").exists()
