"""Match rounds end to end through the services: settings snapshot, run, review, publish."""

import pytest
from django.core import mail

from peerpath.matching.models import MatchRound, Preference, Proposal
from peerpath.matching.reasons import fit, reasons
from peerpath.matching.services import rounds as services
from peerpath.mentorships.models import Match
from peerpath.mentorships.services import set_match_status
from peerpath.programs.models import Participant
from tests.matching.people import add_mentee, add_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(cohort, lincoln):
    """Two mentors and three mentees: the robotics fans belong together; zoe fits nobody's timetable."""
    ann = add_mentor(
        cohort, lincoln, "ann", interests=["robotics", "chess"], languages=["English", "Spanish"]
    )
    ben = add_mentor(cohort, lincoln, "ben", interests=["soccer", "music"])
    ria = add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"], languages=["Spanish"])
    sam = add_mentee(cohort, lincoln, "sam", interests=["soccer"])
    zoe = add_mentee(cohort, lincoln, "zoe", availability=["fri-after"])
    return {"ann": ann, "ben": ben, "ria": ria, "sam": sam, "zoe": zoe}


def pairs(round):
    return {(p.mentee.username, p.mentor.username if p.mentor else None) for p in round.proposals.all()}


def test_round_proposes_the_best_pairs_and_explains_the_unmatched(cohort, alice, pool):
    round = services.start_round(cohort=cohort, actor=alice)

    assert round.status == MatchRound.Status.DRAFT
    assert pairs(round) == {("ria", "ann"), ("sam", "ben"), ("zoe", None)}
    ria = round.proposals.get(mentee=pool["ria"])
    assert ria.contributions["interests"] == ["chess", "robotics"]
    assert ria.contributions["languages"] == ["Spanish"]
    assert ria.score > round.proposals.get(mentee=pool["sam"]).score
    zoe = round.proposals.get(mentee=pool["zoe"])
    assert zoe.unmatched_reason == "shared_slots"
    assert zoe.unmatched_message == (
        "No mentor fits. Most were ruled out because: too few shared free periods (2 of 2)."
    )
    assert round.total == sum(p.score for p in round.proposals.all())
    assert round.optimal is True
    assert (round.mentee_count, round.mentor_count) == (3, 2)


def test_an_unpublished_round_changes_nothing_and_publishing_creates_proposed_matches(
    cohort, alice, pool, django_capture_on_commit_callbacks
):
    round = services.start_round(cohort=cohort, actor=alice)
    assert Match.objects.count() == 0
    ria = round.proposals.get(mentee=pool["ria"])
    sam = round.proposals.get(mentee=pool["sam"])
    services.set_proposal_decision(round=round, proposal_ids=[ria.pk], action="accepted", actor=alice)
    services.set_proposal_decision(round=round, proposal_ids=[sam.pk], action="rejected", actor=alice)

    with django_capture_on_commit_callbacks(execute=True):
        published = services.publish_round(round=round, actor=alice)

    assert published == 1
    match = Match.objects.get()
    assert (match.mentor, match.mentee, match.status) == (pool["ann"], pool["ria"], Match.Status.PROPOSED)
    round.refresh_from_db()
    assert round.status == MatchRound.Status.PUBLISHED
    assert round.proposals.get(pk=ria.pk).match == match
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pool["ann"].email, pool["ria"].email])
    with pytest.raises(services.MatchingError):
        services.set_proposal_decision(round=round, proposal_ids=[sam.pk], action="accepted", actor=alice)


def test_publishing_needs_an_accepted_proposal(cohort, alice, pool):
    round = services.start_round(cohort=cohort, actor=alice)
    with pytest.raises(services.MatchingError, match="Accept at least one"):
        services.publish_round(round=round, actor=alice)
    assert MatchRound.objects.get(pk=round.pk).status == MatchRound.Status.DRAFT


def test_swap_shows_the_cost_and_moves_the_mentee(cohort, alice, pool):
    round = services.start_round(cohort=cohort, actor=alice)
    sam = round.proposals.get(mentee=pool["sam"])
    ria = round.proposals.get(mentee=pool["ria"])
    services.set_proposal_decision(
        round=round, proposal_ids=[ria.pk], action="rejected", actor=alice
    )  # frees ann

    options = services.swap_options(sam)
    ann = next(o for o in options if o.mentor_id == pool["ann"].pk)
    assert ann.delta == ann.fit - fit(sam.score, sam.contributions, round.config["weights"])
    assert ann.places_left == 1

    services.set_proposal_decision(
        round=round, action="move", proposal_ids=[sam.pk], mentor_id=pool["ann"].pk, actor=alice
    )
    sam.refresh_from_db()
    assert (sam.mentor, sam.score) == (pool["ann"], ann.score)


def test_swap_to_a_full_mentor_is_refused(cohort, alice, pool):
    round = services.start_round(cohort=cohort, actor=alice)
    sam = round.proposals.get(mentee=pool["sam"])
    with pytest.raises(services.MatchingError, match="no place left"):
        services.set_proposal_decision(
            round=round, action="move", proposal_ids=[sam.pk], mentor_id=pool["ann"].pk, actor=alice
        )
    sam.refresh_from_db()
    assert sam.mentor == pool["ben"]


def test_locks_and_exclusions_carry_into_a_rerun(cohort, alice, pool):
    round = services.start_round(cohort=cohort, actor=alice)
    sam = round.proposals.get(mentee=pool["sam"])
    services.set_proposal_decision(round=round, action="lock", proposal_ids=[sam.pk], actor=alice)
    services.set_proposal_decision(round=round, action="exclude", person_id=pool["ria"].pk, actor=alice)

    second = services.start_round(cohort=cohort, actor=alice, previous=round)

    assert second.number == round.number + 1
    assert second.previous == round
    assert pairs(second) == {("sam", "ben"), ("zoe", None)}
    assert second.proposals.get(mentee=pool["sam"]).locked is True


def test_avoid_is_a_hard_constraint_and_a_request_is_a_bonus(cohort, alice, pool):
    Preference.objects.create(cohort=cohort, mentee=pool["ria"], mentor=pool["ann"], kind="avoid")
    Preference.objects.create(cohort=cohort, mentee=pool["sam"], mentor=pool["ann"], kind="request")

    round = services.start_round(cohort=cohort, actor=alice)

    assert ("ria", "ann") not in pairs(round)
    sam = round.proposals.get(mentee=pool["sam"])
    assert sam.mentor == pool["ann"]
    assert sam.requested is True


def test_a_closed_pair_is_never_proposed_again_and_the_mentee_has_priority(cohort, alice, pool):
    old = Match.objects.create(cohort=cohort, mentor=pool["ann"], mentee=pool["ria"])
    set_match_status(match=old, status="closed", actor=alice)

    round = services.start_round(cohort=cohort, actor=alice)

    ria = round.proposals.get(mentee=pool["ria"])
    assert ria.mentor != pool["ann"]
    assert ria.priority is True


def test_open_matches_take_mentees_out_of_the_pool(cohort, alice, pool):
    Match.objects.create(cohort=cohort, mentor=pool["ann"], mentee=pool["ria"])
    round = services.start_round(cohort=cohort, actor=alice)
    assert "ria" not in {p.mentee.username for p in round.proposals.all()}
    assert pool["ann"].pk not in {p.mentor_id for p in round.proposals.all()}  # ann's one place is taken


def test_a_failed_round_says_why(cohort, alice, pool, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("weights must be finite")

    monkeypatch.setattr(services, "engine_match", broken)
    round = services.start_round(cohort=cohort, actor=alice)
    assert round.status == MatchRound.Status.FAILED
    assert round.message == "weights must be finite"
    assert Proposal.objects.filter(round=round).count() == 0


def test_a_mentee_returned_to_the_pool_is_matched_ahead_of_an_equal_one(cohort, alice, lincoln):
    """One mentor, two mentees who fit equally well: the one whose match closed gets the mentor."""
    add_mentor(cohort, lincoln, "solo")
    first = add_mentee(cohort, lincoln, "first")
    waiting = add_mentee(cohort, lincoln, "waiting")
    old_mentor = add_mentor(cohort, lincoln, "gone")
    old = Match.objects.create(cohort=cohort, mentor=old_mentor, mentee=waiting)
    set_match_status(match=old, status="closed", actor=alice)
    Participant.objects.filter(user=old_mentor).update(status="withdrawn")

    round = services.start_round(cohort=cohort, actor=alice)

    chosen = round.proposals.get(mentor__isnull=False)
    assert chosen.mentee == waiting
    assert chosen.priority is True
    assert chosen.contributions["contributions"]["priority"] == 1000
    assert round.proposals.get(mentee=first).mentor is None
    assert "the mentee is waiting for a new mentor" in reasons(chosen.contributions, limit=10)


def test_a_run_reports_progress_to_the_round(cohort, alice, pool):
    round = services.create_round(cohort=cohort, actor=alice)
    seen = []
    services.run_round(round.pk, progress=seen.append)
    round.refresh_from_db()
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    assert (round.status, round.progress) == ("draft", 1.0)
