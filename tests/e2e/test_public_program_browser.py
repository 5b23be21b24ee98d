"""The public program page in a real browser, as an anonymous visitor (a parent, a prospective student)."""

import pytest
from playwright.sync_api import Page, expect

from peerpath.programs.models import Program

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_anonymous_visitor_reads_the_program_and_is_asked_to_sign_in_to_apply(page: Page, cohort):
    Program.objects.filter(pk=cohort.program_id).update(benefits="Leadership experience")
    page.goto("/p/lincoln-high/peer-mentors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lincoln Peer Mentors")
    expect(page.get_by_text("Leadership experience")).to_be_visible()
    expect(page.get_by_role("link", name="Apply as mentor")).to_have_count(0)

    page.get_by_role("link", name="Sign in to apply").click()
    expect(page).to_have_url("/accounts/login/?next=/p/lincoln-high/peer-mentors/")


def test_anonymous_visitor_gets_404_for_an_unpublished_program(page: Page, program):
    Program.objects.filter(pk=program.pk).update(is_published=False)
    response = page.goto("/p/lincoln-high/peer-mentors/")
    assert response is not None
    assert response.status == 404
