"""A mentee's suggested mentors: the mentors of the cohort who pass every hard constraint for them under
the program's settings, best fit first, each with plain-words reasons. Scores stay inside this module:
what it returns has reasons and names only, nothing about other mentees."""

from dataclasses import dataclass, field

from peerpath.accounts.models import User
from peerpath.engine.scoring import explain_pairs, score_pairs
from peerpath.matching import reasons
from peerpath.matching.features import build_inputs, parse_mentee_key
from peerpath.matching.queries.settings import settings_of
from peerpath.matching.services import rounds as services
from peerpath.programs.models import Participant

SUGGESTIONS = 5


@dataclass(frozen=True)
class Suggestion:
    mentor: User
    reasons: list[str]


@dataclass(frozen=True)
class Suggestions:
    items: list[Suggestion] = field(default_factory=list)
    fitting_mentor_ids: frozenset[int] = frozenset()  # every mentor who passes the hard constraints
    in_pool: bool = False  # the mentee has a row in the next round (enrolled, not matched yet)


def suggested_mentors(participant: Participant, limit: int = SUGGESTIONS) -> Suggestions:
    """The top `limit` mentors for this mentee, ranked by fit alone: requests are left out of the
    ranking, so asking for a mentor does not reorder the list."""
    cohort = participant.cohort
    inputs = build_inputs(cohort, services.snapshot(settings_of(cohort.program)))
    rows = {i for i, key in enumerate(inputs.mentees.ids) if parse_mentee_key(key)[0] == participant.user_id}
    if not rows or not len(inputs.mentors):
        return Suggestions(in_pool=bool(rows))
    scored = score_pairs(inputs.mentees, inputs.mentors, inputs.weights, inputs.constraints)
    best: dict[int, tuple[int, int]] = {}  # mentor column -> (score, mentee row); in tutoring, best subject
    for row, column, score in zip(
        scored.rows.tolist(), scored.cols.tolist(), scored.score.tolist(), strict=True
    ):
        if row in rows and (column not in best or score > best[column][0]):
            best[column] = (score, row)
    mentor_ids = inputs.mentors.ids
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], int(mentor_ids[item[0]])))[:limit]
    breakdowns = explain_pairs(
        inputs.mentees, inputs.mentors, inputs.weights, [(row, column) for column, (_score, row) in ranked]
    )
    items = []
    for breakdown in breakdowns:
        details = services.breakdown_details(breakdown, inputs.vocabulary)
        person = inputs.people[int(mentor_ids[breakdown.mentor])]
        items.append(Suggestion(mentor=person.participant.user, reasons=reasons.reasons(details)))
    return Suggestions(
        items=items,
        fitting_mentor_ids=frozenset(int(mentor_ids[column]) for column in best),
        in_pool=True,
    )
