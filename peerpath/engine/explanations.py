"""What a pair has in common, by name: for the site's reasons and for plain-words explanations.

`tag_names` and `bit_indexes` turn a `Breakdown`'s indexes and bit masks into names
(`matching.services.rounds` stores them; `matching.reasons` words them in the reader's language).
`explain` is the engine's own English wording, used by the engine's tests and by callers without Django.
"""

from collections.abc import Iterable, Sequence

from peerpath.engine.inputs import COMPONENTS, Vocabulary
from peerpath.engine.scoring import Breakdown


def tag_names(indexes: Iterable[int], names: Sequence[str]) -> list[str]:
    """The names of tag indexes (`#k` for an index the vocabulary does not name)."""
    return [names[k] if 0 <= k < len(names) else f"#{k}" for k in indexes]


def bit_indexes(mask: int) -> list[int]:
    """The set bits of a 64-bit mask, ascending."""
    return [k for k in range(64) if mask >> k & 1]


def explain(breakdown: Breakdown, vocabulary: Vocabulary, limit: int = 4) -> list[str]:
    """Plain-words reasons for a pair, biggest weighted contribution first (zero components left out)."""
    b = breakdown
    phrases: dict[str, str] = {}
    if b.requested:
        phrases["request"] = "the mentee asked for this mentor"
    if b.components.get("priority", 0.0) > 0:
        phrases["priority"] = "the mentee is waiting for a new mentor"
    if b.shared_interests:
        phrases["interests"] = "both like " + ", ".join(tag_names(b.shared_interests, vocabulary.interests))
    if b.shared_goals:
        phrases["goals"] = "can help with " + ", ".join(tag_names(b.shared_goals, vocabulary.goals))
    if b.shared_subjects:
        phrases["subjects"] = "strong in " + ", ".join(tag_names(b.shared_subjects, vocabulary.subjects))
    if b.shared_slots:
        plural = "period" if b.shared_slots == 1 else "periods"
        phrases["availability"] = f"{b.shared_slots} shared free {plural}"
    if b.shared_languages:
        phrases["language"] = "both speak " + ", ".join(
            tag_names(bit_indexes(b.shared_languages), vocabulary.languages)
        )
    if b.shared_background:
        phrases["background"] = "share background: " + ", ".join(
            tag_names(bit_indexes(b.shared_background), vocabulary.background)
        )
    if b.components.get("semantic", 0.0) >= 0.3:
        phrases["semantic"] = "their self-descriptions are alike"
    ranked = sorted(phrases, key=lambda name: (-b.contributions.get(name, 0.0), COMPONENTS.index(name)))
    return [phrases[name] for name in ranked if b.contributions.get(name, 0.0) > 0][:limit]
