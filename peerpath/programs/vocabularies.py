"""Answers a participant gives about themselves, as keys shared by recruitment and matching.

The application form (recruitment) asks for them, matching profiles edit them and the engine's inputs
(`matching.features`) turn them into bits and tags: one home below both apps, so the two always use the
same keys. Stored values are the keys; labels are translated when shown.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The weekly availability grid: school days x periods. A slot key is "<day>-<period>", e.g. "mon-lunch".
DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
]
SLOTS = [
    ("before", _("Before school")),
    *[(str(n), format_lazy("{} {}", pgettext_lazy("school period", "Period"), n)) for n in range(1, 8)],
    ("lunch", _("Lunch")),
    ("after", _("After school")),
]
AVAILABILITY_CHOICES = [
    (f"{day}-{slot}", format_lazy("{}, {}", day_label, slot_label))
    for day, day_label in DAYS
    for slot, slot_label in SLOTS
]
SLOT_KEYS = [key for key, _label in AVAILABILITY_CHOICES]  # 50 weekly slots (one bit each in matching)

# How a student rates themselves in each of a program's subjects. In peer tutoring a mentee asks for help
# with the subjects they find hard and a tutor offers the ones they are strong in.
SUBJECT_HARD = "hard"
SUBJECT_OK = "ok"
SUBJECT_STRONG = "strong"
SUBJECT_LEVELS = [
    ("", _("Not for me")),
    (SUBJECT_HARD, _("I find it hard")),
    (SUBJECT_OK, _("I am doing fine")),
    (SUBJECT_STRONG, _("I am strong in it")),
]
