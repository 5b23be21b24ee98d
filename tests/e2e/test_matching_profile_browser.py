"""Matching profiles, suggestions and settings in a real browser: the slider shows its value, the live
preview updates without saving, and every page passes axe-core."""

import pytest
from playwright.sync_api import Page, expect

from peerpath.matching.models import InterestTag, MatchRound, MatchSettings
from tests.e2e.test_browser import assert_pages_pass_axe
from tests.matching.people import add_mentee, add_mentor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pool(cohort, lincoln):
    InterestTag.objects.create(organization=lincoln, name="Robotics")
    return {
        "ann": add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"]),
        "ben": add_mentor(cohort, lincoln, "ben", interests=["soccer"]),
        "ria": add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"]),
        "sam": add_mentee(cohort, lincoln, "sam", interests=["soccer"]),
    }


def test_the_settings_preview_follows_the_sliders_without_saving(page: Page, login_as, alice, program, pool):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    login_as(alice)
    page.goto(f"/programs/{program.pk}/matching/settings/")

    # Playwright cannot fill a range input; move it as a keyboard or mouse would, with an input event.
    page.locator("#id_weight_interests").evaluate(
        "el => { el.value = '4.5'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )

    expect(page.locator("#id_weight_interests_value")).to_have_text("4.5")
    expect(page.locator("#preview")).to_contain_text("Mentees matched")
    expect(page.locator("#preview")).to_contain_text("both like chess and robotics")
    assert not MatchSettings.objects.filter(program=program).exists()  # nothing saved, not even defaults
    assert MatchRound.objects.count() == 0
    assert errors == []


def test_matching_profile_pages_pass_axe(page: Page, login_as, alice, program, cohort, lincoln, pool):
    ria = pool["ria"].participations.get()
    ann = pool["ann"].participations.get()
    tag = InterestTag.objects.get()
    assert_pages_pass_axe(
        page,
        login_as,
        [
            (pool["ria"], f"/matching/profiles/{ria.pk}/"),
            (pool["ria"], f"/matching/profiles/{ria.pk}/suggestions/"),
            (pool["ann"], f"/matching/profiles/{ann.pk}/"),
            (alice, f"/matching/profiles/{ria.pk}/"),
            (alice, f"/org/{lincoln.slug}/interests/"),
            (alice, f"/matching/interests/{tag.pk}/rename/"),
            (alice, f"/matching/interests/{tag.pk}/delete/"),
            (alice, f"/programs/{program.pk}/matching/settings/"),
        ],
    )
