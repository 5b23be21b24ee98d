"""HTML input for a program's matching settings: the goal of a round, the weights (sliders from 0 to 5) and
each hard constraint with its parameter."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.matching.models import MatchSettings

WEIGHT_MAX = 5
# 0.25, not 0.5: the default background weight is 0.25, which a 0.5 slider would silently round to 0.5.
WEIGHT_STEP = 0.25
# Hard constraints, in the order the page lists them: (switch, parameter or None).
CONSTRAINT_FIELDS: list[tuple[str, str | None]] = [
    ("require_matchable", None),
    ("same_school", None),
    ("grade_gap_on", "min_grade_gap"),
    ("shared_slots_on", "min_shared_slots"),
    ("shared_language", None),
    ("respect_guardian", None),
    ("respect_avoid", None),
    ("never_rematch", None),
]
SETTINGS_FIELDS = (
    "mode",
    *(f"weight_{name}" for name in MatchSettings.WEIGHT_FIELDS),
    "allow_requests",
    *(name for pair in CONSTRAINT_FIELDS for name in pair if name),
)


class RangeInput(forms.NumberInput):
    input_type = "range"


def _label(name: str) -> str:
    return str(MatchSettings._meta.get_field(name).verbose_name).capitalize()  # type: ignore[union-attr]


class MatchSettingsForm(forms.Form):
    mode = forms.ChoiceField(label=_("Goal of the round"), choices=MatchSettings.Mode.choices)
    allow_requests = forms.BooleanField(
        label=_("Mentees may see suggestions and request a mentor"),
        required=False,
        help_text=_("Requests count as a bonus in the next round; they are never first come, first served."),
    )
    min_grade_gap = forms.IntegerField(label=_("At least this many grades above"), min_value=1, max_value=12)
    min_shared_slots = forms.IntegerField(
        label=_("At least this many shared free periods"), min_value=1, max_value=55
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MatchSettings.WEIGHT_FIELDS:
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=_label(f"weight_{name}"),
                min_value=0,
                max_value=WEIGHT_MAX,
                step_size=WEIGHT_STEP,
                widget=RangeInput(attrs={"class": "weight"}),
            )
        for switch, _parameter in CONSTRAINT_FIELDS:
            self.fields[switch] = forms.BooleanField(label=_label(switch), required=False)
        self.order_fields(SETTINGS_FIELDS)

    @classmethod
    def for_settings(cls, settings: MatchSettings, **kwargs: Any) -> "MatchSettingsForm":
        return cls(initial={name: getattr(settings, name) for name in SETTINGS_FIELDS}, **kwargs)

    weight_max = WEIGHT_MAX
    weight_step = WEIGHT_STEP

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{name}"] for name in MatchSettings.WEIGHT_FIELDS]

    def constraint_rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        return [
            (self[switch], self[parameter] if parameter else None) for switch, parameter in CONSTRAINT_FIELDS
        ]
