"""`set_proposal_decision`: every change a coordinator makes to a round in review, each with its audit
row, and none once the round is published."""

import pytest

from peerpath.core.models import AuditEntry
from peerpath.matching.models import MatchRound, Proposal
from peerpath.matching.reasons import fit
from peerpath.matching.services import rounds as services
from tests.matching.people import add_mentee, add_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(cohort, lincoln):
    return {
        "ann": add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"]),
        "ben": add_mentor(cohort, lincoln, "ben", interests=["soccer", "music"]),
        "ria": add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"]),
        "sam": add_mentee(cohort, lincoln, "sam", interests=["soccer"]),
        "zoe": add_mentee(cohort, lincoln, "zoe", availability=["fri-after"]),
    }


@pytest.fixture
def round(cohort, alice, pool):
    return services.start_round(cohort=cohort, actor=alice)


def line(round, user):
    return round.proposals.get(mentee=user)


def audits(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_accept_reject_and_back_to_review_are_audited_with_the_proposals(round, alice, pool, lincoln):
    ria, sam, zoe = line(round, pool["ria"]), line(round, pool["sam"]), line(round, pool["zoe"])

    accepted = services.set_proposal_decision(
        round=round, action="accepted", proposal_ids=[ria.pk, sam.pk, zoe.pk], actor=alice
    )
    again = services.set_proposal_decision(round=round, action="accepted", proposal_ids=[ria.pk], actor=alice)
    back = services.set_proposal_decision(round=round, action="pending", proposal_ids=[sam.pk], actor=alice)

    assert (accepted, again, back) == (2, 0, 1)  # the unmatched line is skipped, a no-op is not counted
    assert line(round, pool["ria"]).decision == Proposal.Decision.ACCEPTED
    assert line(round, pool["sam"]).decision == Proposal.Decision.PENDING
    assert line(round, pool["zoe"]).decision == Proposal.Decision.PENDING
    entries = audits("match_round.decided")
    assert [e.detail for e in entries] == [  # nothing written for the no-op
        {"decision": "accepted", "proposals": sorted([ria.pk, sam.pk]), "count": 2},
        {"decision": "pending", "proposals": [sam.pk], "count": 1},
    ]
    assert {(e.actor, e.organization_id, e.target_id) for e in entries} == {
        (alice, lincoln.pk, str(round.pk))
    }


def test_lock_and_unlock_are_audited(round, alice, pool):
    sam = line(round, pool["sam"])

    services.set_proposal_decision(round=round, action="lock", proposal_ids=[sam.pk], actor=alice)
    assert line(round, pool["sam"]).locked is True
    services.set_proposal_decision(round=round, action="unlock", proposal_ids=[sam.pk], actor=alice)

    assert line(round, pool["sam"]).locked is False
    assert [e.detail for e in audits("match_round.locked")] == [{"proposals": [sam.pk], "count": 1}]
    assert [e.detail for e in audits("match_round.unlocked")] == [{"proposals": [sam.pk], "count": 1}]


def test_an_unmatched_line_cannot_be_locked(round, alice, pool):
    zoe = line(round, pool["zoe"])
    with pytest.raises(services.MatchingError, match="Only a proposed pair"):
        services.set_proposal_decision(round=round, action="lock", proposal_ids=[zoe.pk], actor=alice)
    assert not audits("match_round.locked")


def test_exclude_rejects_unlocks_and_is_audited(round, alice, pool):
    ria = line(round, pool["ria"])
    services.set_proposal_decision(round=round, action="lock", proposal_ids=[ria.pk], actor=alice)

    rejected = services.set_proposal_decision(
        round=round, action="exclude", person_id=pool["ann"].pk, actor=alice
    )

    assert rejected == 1
    ria.refresh_from_db()
    assert (ria.decision, ria.locked) == (Proposal.Decision.REJECTED, False)
    assert MatchRound.objects.get(pk=round.pk).config["excluded"] == [pool["ann"].pk]
    assert [e.detail for e in audits("match_round.excluded")] == [
        {"person": pool["ann"].pk, "proposals": [ria.pk], "count": 1}
    ]


def test_excluding_someone_outside_the_round_is_refused(round, alice, bob):
    with pytest.raises(services.MatchingError, match="not in this round"):
        services.set_proposal_decision(round=round, action="exclude", person_id=bob.pk, actor=alice)
    assert MatchRound.objects.get(pk=round.pk).config["excluded"] == []


def test_move_is_audited_with_the_change_in_score(round, alice, pool):
    ria, sam = line(round, pool["ria"]), line(round, pool["sam"])
    services.set_proposal_decision(round=round, action="rejected", proposal_ids=[ria.pk], actor=alice)
    ann = next(o for o in services.swap_options(sam) if o.mentor_id == pool["ann"].pk)

    services.set_proposal_decision(
        round=round, action="move", proposal_ids=[sam.pk], mentor_id=pool["ann"].pk, actor=alice
    )

    assert [e.detail for e in audits("match_round.swapped")] == [
        {
            "proposals": [sam.pk],
            "mentee": pool["sam"].pk,
            "from": pool["ben"].pk,
            "to": pool["ann"].pk,
            "fit_change": ann.fit - fit(sam.score, sam.contributions, round.config["weights"]),
            "count": 1,
        }
    ]


def test_an_unknown_action_changes_nothing(round, alice, pool):
    sam = line(round, pool["sam"])
    with pytest.raises(services.MatchingError, match="Unknown decision"):
        services.set_proposal_decision(round=round, action="maybe", proposal_ids=[sam.pk], actor=alice)
    assert line(round, pool["sam"]).decision == Proposal.Decision.PENDING


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("accepted", {}),
        ("rejected", {}),
        ("pending", {}),
        ("lock", {}),
        ("unlock", {}),
        ("exclude", {"person": "ria"}),
        ("move", {"mentor": "ann"}),
    ],
)
def test_a_published_round_is_final(round, alice, pool, action, extra):
    ria, sam = line(round, pool["ria"]), line(round, pool["sam"])
    services.set_proposal_decision(round=round, action="accepted", proposal_ids=[ria.pk], actor=alice)
    services.publish_round(round=round, actor=alice)
    before = list(Proposal.objects.order_by("pk").values_list("mentor_id", "decision", "locked"))
    audit_count = AuditEntry.objects.count()

    with pytest.raises(services.MatchingError, match="ready for review"):
        services.set_proposal_decision(
            round=round,
            action=action,
            proposal_ids=[sam.pk],
            person_id=pool[extra["person"]].pk if "person" in extra else None,
            mentor_id=pool[extra["mentor"]].pk if "mentor" in extra else None,
            actor=alice,
        )

    assert list(Proposal.objects.order_by("pk").values_list("mentor_id", "decision", "locked")) == before
    assert AuditEntry.objects.count() == audit_count
    assert MatchRound.objects.get(pk=round.pk).config["excluded"] == []


def test_a_stale_round_object_cannot_change_a_published_round(round, alice, pool):
    """The status is read under a row lock, not from the caller's (possibly stale) object."""
    ria = line(round, pool["ria"])
    services.set_proposal_decision(round=round, action="accepted", proposal_ids=[ria.pk], actor=alice)
    stale = MatchRound.objects.get(pk=round.pk)
    services.publish_round(round=round, actor=alice)

    with pytest.raises(services.MatchingError):
        services.set_proposal_decision(round=stale, action="rejected", proposal_ids=[ria.pk], actor=alice)
    assert line(round, pool["ria"]).decision == Proposal.Decision.ACCEPTED


# Changing a mentor in a small program, where every mentor is full ---------------------------------------


@pytest.fixture
def full(cohort, lincoln):
    """Two mentors, three mentees, all compatible: both mentors are full and tom is left over."""
    return {
        "ann": add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"]),
        "ben": add_mentor(cohort, lincoln, "ben", interests=["soccer", "music"]),
        "ria": add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"]),
        "sam": add_mentee(cohort, lincoln, "sam", interests=["soccer", "music"]),
        "tom": add_mentee(cohort, lincoln, "tom", interests=["soccer"]),
    }


def option(options, kind, mentor, other=None):
    return next(
        o
        for o in options
        if o.kind == kind and o.mentor_id == mentor.pk and (other is None or o.other.mentee == other)
    )


def test_two_mentees_exchange_mentors_and_both_fits_change(cohort, alice, full):
    round = services.start_round(cohort=cohort, actor=alice)
    weights = round.config["weights"]
    ria, sam = line(round, full["ria"]), line(round, full["sam"])
    assert (ria.mentor, sam.mentor) == (full["ann"], full["ben"])
    fits_before = fit(ria.score, ria.contributions, weights) + fit(sam.score, sam.contributions, weights)
    options = services.swap_options(ria)
    exchange = option(options, "exchange", full["ben"], full["sam"])
    assert not [o for o in options if o.kind == "move"]  # both mentors are full

    changed = services.set_proposal_decision(
        round=round, action="exchange", proposal_ids=[ria.pk, sam.pk], actor=alice
    )

    assert changed == 2
    ria.refresh_from_db()
    sam.refresh_from_db()
    assert (ria.mentor, sam.mentor) == (full["ben"], full["ann"])
    assert (ria.score, sam.score) == (exchange.score, exchange.other_score)
    fits_after = fit(ria.score, ria.contributions, weights) + fit(sam.score, sam.contributions, weights)
    assert exchange.delta == fits_after - fits_before < 0  # the page shows what the exchange costs
    entry = audits("match_round.exchanged")[0]
    assert entry.detail["mentee"] == full["ria"].pk
    assert entry.detail["other_mentee"] == full["sam"].pk
    assert entry.detail["proposals"] == [ria.pk, sam.pk]


def test_an_unmatched_mentee_bumps_a_full_mentors_mentee_with_the_consequence_shown(cohort, alice, full):
    round = services.start_round(cohort=cohort, actor=alice)
    tom = line(round, full["tom"])
    assert tom.mentor is None
    sam = line(round, full["sam"])
    bump = option(services.swap_options(tom), "bump", full["ben"], full["sam"])
    weights = round.config["weights"]
    assert bump.delta == bump.fit - fit(sam.score, sam.contributions, weights)  # sam's fit is lost

    services.set_proposal_decision(round=round, action="bump", proposal_ids=[tom.pk, sam.pk], actor=alice)

    tom.refresh_from_db()
    sam.refresh_from_db()
    assert (tom.mentor, tom.score, tom.unmatched_reason) == (full["ben"], bump.score, "")
    assert (sam.mentor, sam.score, sam.unmatched_reason) == (None, 0, "bumped")
    assert "given to another mentee" in sam.unmatched_message
    assert audits("match_round.bumped")[0].detail["other_mentee"] == full["sam"].pk


def test_an_unmatched_mentee_is_matched_by_hand_to_a_mentor_with_a_place(cohort, alice, full):
    round = services.start_round(cohort=cohort, actor=alice)
    tom, sam = line(round, full["tom"]), line(round, full["sam"])
    services.set_proposal_decision(round=round, action="rejected", proposal_ids=[sam.pk], actor=alice)
    move = option(services.swap_options(tom), "move", full["ben"])
    assert move.places_left == 1
    assert move.delta == move.fit > 0
    assert move.reasons

    services.set_proposal_decision(
        round=round, action="move", proposal_ids=[tom.pk], mentor_id=full["ben"].pk, actor=alice
    )

    tom.refresh_from_db()
    assert (tom.mentor, tom.decision) == (full["ben"], "pending")


def test_a_locked_pair_is_never_bumped_or_exchanged(cohort, alice, full):
    round = services.start_round(cohort=cohort, actor=alice)
    tom, sam, ria = line(round, full["tom"]), line(round, full["sam"]), line(round, full["ria"])
    services.set_proposal_decision(round=round, action="lock", proposal_ids=[sam.pk], actor=alice)

    assert {o.other.mentee for o in services.swap_options(tom)} == {full["ria"]}
    with pytest.raises(services.MatchingError):
        services.set_proposal_decision(round=round, action="bump", proposal_ids=[tom.pk, sam.pk], actor=alice)
    with pytest.raises(services.MatchingError):
        services.set_proposal_decision(
            round=round, action="exchange", proposal_ids=[ria.pk, sam.pk], actor=alice
        )
    assert line(round, full["sam"]).mentor == full["ben"]


def test_moving_to_a_full_mentor_says_what_to_do_instead(cohort, alice, full):
    round = services.start_round(cohort=cohort, actor=alice)
    ria = line(round, full["ria"])
    with pytest.raises(services.MatchingError, match="no place left"):
        services.set_proposal_decision(
            round=round, action="move", proposal_ids=[ria.pk], mentor_id=full["ben"].pk, actor=alice
        )
