"""Matching in a real browser: alice runs a round, reads the reasons and the chart, accepts a pair,
swaps a mentee, and publishes; every round page passes axe-core."""

import pytest
from playwright.sync_api import Page, expect

from peerpath.matching.models import MatchRound
from peerpath.matching.services import rounds as services
from peerpath.mentorships.models import Match
from tests.e2e.test_browser import assert_pages_pass_axe
from tests.matching.people import add_mentee, add_mentor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pool(cohort, lincoln):
    both = ["English", "Spanish"]
    return {
        "ann": add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"], languages=both),
        "ben": add_mentor(cohort, lincoln, "ben", interests=["soccer", "music"]),
        "ria": add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"], languages=["Spanish"]),
        "sam": add_mentee(cohort, lincoln, "sam", interests=["soccer"]),
    }


def test_alice_runs_reviews_and_publishes_a_round(page: Page, login_as, alice, program, cohort, pool):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    login_as(alice)
    page.goto(f"/programs/{program.pk}/")
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run the round").click()

    round = MatchRound.objects.get()
    main = page.locator("main")
    expect(main).to_contain_text("both like chess and robotics")
    expect(main).to_contain_text("2 / 2")
    # Chart.js drew the distribution (the canvas gets a size from the chart).
    page.wait_for_function("() => typeof Chart !== 'undefined' && !!Chart.getChart('score-chart')")

    assert errors == []
    ria = round.proposals.get(mentee=pool["ria"])
    page.get_by_label(f"Select {pool['ria'].get_full_name()}").check()
    page.get_by_role("button", name="Accept selected").click()
    expect(main).to_contain_text("1 proposal marked accepted.")

    page.get_by_role("link", name="Publish…").click()
    expect(main).to_contain_text("1 accepted pair becomes a proposed match")
    page.get_by_role("button", name="Publish").click()
    expect(main).to_contain_text("Published: 1 match proposed")
    match = Match.objects.get()
    assert (match.mentee, match.mentor, match.status) == (pool["ria"], pool["ann"], "proposed")
    assert round.proposals.get(pk=ria.pk).match == match


def test_round_pages_pass_axe(page: Page, login_as, alice, program, cohort, pool):
    first = services.start_round(cohort=cohort, actor=alice)
    second = services.start_round(cohort=cohort, actor=alice, previous=first)
    proposal = second.proposals.exclude(mentor=None).first()
    match = Match.objects.create(cohort=cohort, mentor=pool["ben"], mentee=pool["sam"], status="active")
    assert_pages_pass_axe(
        page,
        login_as,
        [
            (alice, f"/programs/{program.pk}/matching/"),
            (alice, f"/matching/rounds/{second.pk}/"),
            (alice, f"/matching/proposals/{proposal.pk}/swap/"),
            (alice, f"/matching/rounds/{second.pk}/publish/"),
            (alice, f"/matching/rounds/{second.pk}/blockers/"),
            (alice, f"/programs/{program.pk}/matching/compare/?a={first.pk}&b={second.pk}"),
            (alice, f"/programs/{program.pk}/matches/"),
            (alice, f"/matches/{match.pk}/return-to-pool/"),
        ],
    )


def test_alice_exchanges_two_mentees_and_matches_a_leftover_mentee_by_hand(
    page: Page, login_as, alice, program, cohort, lincoln
):
    """A small program where every mentor is full: the swap page still offers a way forward."""
    people = {
        "ann": add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"]),
        "ben": add_mentor(cohort, lincoln, "ben", interests=["soccer", "music"]),
        "ria": add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"]),
        "sam": add_mentee(cohort, lincoln, "sam", interests=["soccer", "music"]),
        "tom": add_mentee(cohort, lincoln, "tom", interests=["soccer"]),
    }
    round = services.start_round(cohort=cohort, actor=alice)
    ria, sam, tom = (round.proposals.get(mentee=people[n]) for n in ("ria", "sam", "tom"))
    name = {key: user.get_full_name() for key, user in people.items()}
    login_as(alice)
    main = page.locator("main")

    # Exchange: ria (with ann) trades mentors with sam (with ben).
    page.goto(f"/matching/rounds/{round.pk}/")
    page.get_by_role("link", name=f"Swap mentor {name['ria']}").click()
    expect(main).to_contain_text(f"exchange with {name['sam']}, who goes to {name['ann']}")
    page.get_by_label(f"{name['ben']} · {name['sam']}").check()
    page.get_by_role("button", name="Make the change").click()
    expect(main).to_contain_text("The changed pairs are waiting for your review.")
    ria.refresh_from_db()
    sam.refresh_from_db()
    assert (ria.mentor, sam.mentor) == (people["ben"], people["ann"])

    # By hand: tom, not matched, takes ben; ria goes back to "not matched", as the page says.
    page.get_by_role("link", name=f"Choose a mentor {name['tom']}").click()
    expect(main).to_contain_text(f"{name['ria']} loses this mentor")
    page.get_by_label(f"{name['ben']} · {name['ria']}").check()
    page.get_by_role("button", name="Make the change").click()
    expect(main).to_contain_text("The changed pairs are waiting for your review.")
    tom.refresh_from_db()
    ria.refresh_from_db()
    assert (tom.mentor, ria.mentor) == (people["ben"], None)
    expect(main).to_contain_text("Their mentor was given to another mentee in review.")


def test_the_round_page_fits_a_phone_with_the_why_on_screen(
    page: Page, login_as, alice, program, cohort, pool
):
    round = services.start_round(cohort=cohort, actor=alice)
    proposal = round.proposals.get(mentee=pool["ria"])
    page.set_viewport_size({"width": 375, "height": 740})
    login_as(alice)
    for url in (f"/matching/rounds/{round.pk}/", f"/matching/proposals/{proposal.pk}/swap/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} scrolls sideways at 375px: scrollWidth={width}"
    page.goto(f"/matching/rounds/{round.pk}/")
    why = page.locator("table.proposals td[data-label='Why']").first
    expect(why).to_contain_text("both like chess and robotics")
    box = why.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375
    table_box = page.locator("table.proposals").bounding_box()
    assert table_box is not None
    assert table_box["x"] + table_box["width"] <= 375  # no sideways scrolling inside the table either


def test_the_blockers_load_into_the_review_page(page: Page, login_as, alice, program, cohort, lincoln, pool):
    add_mentee(cohort, lincoln, "zoe", availability=["fri-after"])  # no shared free period with anyone
    round = services.start_round(cohort=cohort, actor=alice)
    login_as(alice)

    page.goto(f"/matching/rounds/{round.pk}/")

    blockers = page.locator("#blockers table")
    expect(blockers).to_contain_text("Too few shared free periods")
    expect(blockers).to_contain_text("1 of the 1 mentees no mentor fits would have one")
