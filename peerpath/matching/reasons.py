"""Plain-words reasons for a pair, in the reader's language, from what the pair has in common.

The engine returns indexes and numbers; `services.breakdown_details` turns them into names and weighted
points once, when a round is stored; this module words them when a page is rendered, biggest
contribution first, so the same proposal reads in English or Spanish.
"""

from typing import Any

from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from peerpath.engine.inputs import SCORE_SCALE
from peerpath.matching.features import BACKGROUND_CHOICES, GOAL_CHOICES

COMPONENT_LABELS = {
    "interests": gettext_lazy("Shared interests"),
    "goals": gettext_lazy("Goals the mentor can help with"),
    "subjects": gettext_lazy("Subjects"),
    "availability": gettext_lazy("Shared free time"),
    "language": gettext_lazy("Shared language"),
    "background": gettext_lazy("Shared background"),
    "semantic": gettext_lazy('Similar "about me"'),
    "request": gettext_lazy("Requested by the mentee"),
    "priority": gettext_lazy("Returned to the pool"),
}
_GOAL_LABELS = {str(key): label for key, label in GOAL_CHOICES}
_BACKGROUND_LABELS = {key: label for key, label in BACKGROUND_CHOICES}


def _join(names: list[Any]) -> str:
    names = [str(name) for name in names]
    if len(names) <= 1:
        return "".join(names)
    return format_lazy("{} {} {}", ", ".join(names[:-1]), _("and"), names[-1])  # type: ignore[return-value]


def _phrase(component: str, details: dict[str, Any]) -> str | None:
    match component:
        case "interests" if details.get("interests"):
            return _("both like %(things)s") % {"things": _join(details["interests"])}
        case "goals" if details.get("goals"):
            goals = [_GOAL_LABELS.get(goal, goal) for goal in details["goals"]]
            return _("can help with %(goals)s") % {"goals": _join([str(g).lower() for g in goals])}
        case "subjects" if details.get("subjects"):
            return _("strong in %(subjects)s") % {"subjects": _join(details["subjects"])}
        case "availability" if details.get("slots"):
            count = details["slots"]
            return ngettext("%(count)s shared free period", "%(count)s shared free periods", count) % {
                "count": count
            }
        case "language" if details.get("languages"):
            return _("both speak %(languages)s") % {"languages": _join(details["languages"])}
        case "background" if details.get("background"):
            background = [_BACKGROUND_LABELS.get(b, b) for b in details["background"]]
            return _("share a background: %(what)s") % {"what": _join([str(b).lower() for b in background])}
        case "semantic" if details.get("semantic", 0) >= 0.3:
            return _("wrote similar things about themselves")
        case "request" if details.get("requested"):
            return _("the mentee asked for this mentor")
        case "priority" if details.get("contributions", {}).get("priority"):
            return _("the mentee is waiting for a new mentor")
    return None


def reasons(details: dict[str, Any], limit: int = 3) -> list[str]:
    """The top reasons, biggest weighted contribution first."""
    contributions: dict[str, int] = details.get("contributions", {})
    ranked = sorted(contributions, key=lambda name: (-contributions[name], name))
    phrases = [_phrase(name, details) for name in ranked if contributions[name] > 0]
    return [phrase for phrase in phrases if phrase][:limit]


# The fit a coordinator reads -------------------------------------------------------------------------
#
# The engine scores a pair as SCORE_SCALE x the weighted sum of its components, each in [0, 1]: an integer
# with no visible scale (1538 of what?). Pages show the "fit" instead: the share, 0 to 100, of the most a
# pair could score under the round's weights, leaving out the two bonuses (a request, a rematch), which
# are shown as tags. The engine and the stored proposals keep their integers.

BONUS_COMPONENTS = ("request", "priority")


def fit_scale(weights: dict[str, float]) -> float:
    """The engine score of a perfect pair under `weights` (bonuses left out)."""
    return SCORE_SCALE * sum(
        float(value) for name, value in weights.items() if name not in BONUS_COMPONENTS and value > 0
    )


def bonus_points(details: dict[str, Any]) -> int:
    contributions: dict[str, int] = details.get("contributions", {})
    return sum(int(contributions.get(name, 0)) for name in BONUS_COMPONENTS)


def fit(score: int, details: dict[str, Any], weights: dict[str, float]) -> int:
    """A pair's fit, 0-100: its score without bonuses, as a share of a perfect pair's."""
    scale = fit_scale(weights)
    if scale <= 0:
        return 0
    return max(0, min(100, round(100 * (score - bonus_points(details)) / scale)))


def breakdown(details: dict[str, Any], weights: dict[str, float] | None = None) -> list[tuple[str, str, int]]:
    """(component label, points shown, points) for every component that contributed, biggest first.

    With the round's `weights`, the points shown are fit points (they add up to the fit; bonuses are
    marked as such); without, the engine's own points."""
    contributions: dict[str, int] = details.get("contributions", {})
    scale = fit_scale(weights) if weights else 0.0
    rows = []
    for name, points in sorted(contributions.items(), key=lambda item: (-item[1], item[0])):
        if points <= 0:
            continue
        if name in BONUS_COMPONENTS and scale:
            shown = _("bonus")
        elif scale:
            shown = "+" + number_format(round(100 * points / scale))
        else:
            shown = number_format(points)
        rows.append((str(COMPONENT_LABELS.get(name, name)), shown, points))
    return rows


# Why a mentee has no proposed mentor: the engine's constraint names, worded here.
CONSTRAINT_REASONS = {
    "matchable": gettext_lazy("not cleared to be matched (see the participant's open steps)"),
    "mentor_full": gettext_lazy("the mentors who fit have no places left"),
    "same_school": gettext_lazy("no mentor at the same or a partner school"),
    "grade_gap": gettext_lazy("no mentor enough grades above"),
    "shared_slots": gettext_lazy("too few shared free periods"),
    "shared_language": gettext_lazy("no shared language"),
    "avoid": gettext_lazy("on the mentee's avoid list"),
    "never_rematch": gettext_lazy("matched before and closed"),
    "forbidden": gettext_lazy("ruled out by a guardian's preference or the subject"),
}


def unmatched_message(code: str, details: dict[str, Any] | None = None) -> str:
    """Why a mentee is not matched, from the code a round stored."""
    if code == "better_used_elsewhere":
        return _("Every mentor who fits was a better fit for someone else.")
    if code == "bumped":
        return _("Their mentor was given to another mentee in review. Choose another mentor.")
    if code in CONSTRAINT_REASONS:
        details = details or {}
        if details.get("mentors"):
            return _("No mentor fits. Most were ruled out because: %(why)s (%(count)s of %(total)s).") % {
                "why": CONSTRAINT_REASONS[code],
                "count": details.get("excluded", 0),
                "total": details["mentors"],
            }
        return _("No mentor fits. Most were ruled out because: %(why)s.") % {"why": CONSTRAINT_REASONS[code]}
    return _("No mentor fits.")
