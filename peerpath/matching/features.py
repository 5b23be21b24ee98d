"""From a cohort's profiles to the engine's arrays, and back from engine ids to people.

`build_inputs` reads everything a round needs in a constant number of queries (profiles, the gate,
grades and schools, open and closed matches, preferences, guardians' preferences) and returns plain
`Side`s plus the constraints, requests, locks and priority mentees. The engine never imports Django;
this module is the only translation between the two.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peerpath.accounts.models import Membership
from peerpath.engine.inputs import Constraints, Pair, Side, Vocabulary, Weights
from peerpath.matching.eligibility import matchability
from peerpath.matching.models import Preference, Profile
from peerpath.mentorships.models import Match
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program
from peerpath.programs.vocabularies import SLOT_KEYS, SUBJECT_HARD, SUBJECT_STRONG
from peerpath.recruitment.models import Application, Consent

# Goals a mentee names, and the same list as strengths a mentor offers: one vocabulary so they meet.
GOAL_CHOICES = [
    ("study skills", _("Study skills")),
    ("time management", _("Time management")),
    ("college applications", _("College applications")),
    ("making friends", _("Making friends")),
    ("confidence", _("Confidence")),
    ("test anxiety", _("Test anxiety")),
    ("career ideas", _("Career ideas")),
    ("homework routine", _("Homework routine")),
    ("public speaking", _("Public speaking")),
    ("staying organised", _("Staying organised")),
    ("sports and school balance", _("Balancing sports and school")),
    ("new to the school", _("Settling in at a new school")),
]
GOAL_KEYS = [key for key, _label in GOAL_CHOICES]
# Opt-in background attributes: used only when both people opted in (explained on the profile page).
BACKGROUND_CHOICES = [
    ("first_generation", _("First in my family to go to college")),
    ("moved_recently", _("Moved here recently")),
    ("multilingual_home", _("More than one language at home")),
    ("student_athlete", _("Student athlete")),
    ("military_family", _("Military family")),
    ("lgbtq", _("LGBTQ+")),
]
BACKGROUND_KEYS = [key for key, _label in BACKGROUND_CHOICES]
OPEN_STATUSES = (Match.Status.PROPOSED, Match.Status.ACTIVE, Match.Status.PAUSED)
NEED_LEVELS = {SUBJECT_HARD}  # peer tutoring: a mentee asks for help with these
TEACH_LEVELS = {SUBJECT_STRONG}  # and a tutor offers these


def mentee_key(user_id: int, subject: str = "") -> str:
    return f"{user_id}:{subject}" if subject else str(user_id)


def parse_mentee_key(key: str) -> tuple[int, str]:
    user_id, _sep, subject = key.partition(":")
    return int(user_id), subject


@dataclass
class Person:
    participant: Participant
    profile: Profile
    grade: int | None
    school_id: int | None
    matchable: bool


@dataclass
class Inputs:
    mentees: Side
    mentors: Side
    vocabulary: Vocabulary
    weights: Weights
    constraints: Constraints
    requests: set[Pair] = field(default_factory=set)
    locked: list[Pair] = field(default_factory=list)
    priority: set[str] = field(default_factory=set)  # mentee keys returned to the pool
    people: dict[int, Person] = field(default_factory=dict)  # user id -> person (both roles)
    warnings: list[str] = field(default_factory=list)

    def subject_of(self, key: str) -> str:
        return parse_mentee_key(key)[1]


# Profiles ---------------------------------------------------------------------------------------------


def profile_from_application(application: Application | None) -> dict[str, Any]:
    """The profile fields an application already answered (goals that are not in the list go to "about")."""
    if application is None:
        return {}
    goals: list[str] = []
    other_goals: list[str] = []
    for goal in application.goals or []:
        key = str(goal).strip().lower()
        (goals if key in GOAL_KEYS else other_goals).append(key if key in GOAL_KEYS else str(goal))
    background_answers = application.background or {}
    background = []
    if background_answers.get("first_generation") is True:
        background.append("first_generation")
    home = [lang for lang in background_answers.get("home_languages") or [] if lang.lower() != "english"]
    if home or len(background_answers.get("home_languages") or []) > 1:
        background.append("multilingual_home")
    about = application.about
    if other_goals:
        about = "\n".join([about, *other_goals]).strip()
    return {
        "interests": [str(tag).lower() for tag in application.interests or []],
        "goals": goals,
        "subjects": list(application.subjects or []),
        "languages": list(application.languages or []),
        "availability": [slot for slot in application.availability or [] if slot in SLOT_KEYS],
        # Answering the optional, explained background questions is the opt-in.
        "background_opt_in": bool(background),
        "background": background,
        "about": about,
    }


def profiles_for(participants: Sequence[Participant]) -> dict[int, Profile]:
    """Every participant's profile (participant id -> profile), read only: a participant with no profile
    row yet gets an unsaved default built from their latest application (`pk` is None). Two queries
    whatever the number of people.

    Reads never create profiles (a GET must leave no trace). The rows are created by the matching services
    that write: `services.profiles.save_profile` (saving one) and `services.profiles.ensure_profiles`,
    which `run_round` calls before it reads the cohort. Enrollment cannot create them: recruitment and
    programs sit below matching in the layers and must not import it.
    """
    existing = {p.participant_id: p for p in Profile.objects.filter(participant__in=participants)}
    missing = [p for p in participants if p.pk not in existing]
    if missing:
        applications: dict[tuple[int, int, str], Application] = {}
        for application in Application.objects.filter(
            cohort_id__in={p.cohort_id for p in missing}, applicant_id__in={p.user_id for p in missing}
        ).order_by("created"):
            applications[(application.cohort_id, application.applicant_id, application.role)] = application
        for p in missing:
            existing[p.pk] = Profile(
                participant=p, **profile_from_application(applications.get((p.cohort_id, p.user_id, p.role)))
            )
    return existing


# Reading a cohort -------------------------------------------------------------------------------------


def _grades_and_schools(program: Program, user_ids: Iterable[int]) -> dict[int, tuple[int, int | None]]:
    """user id -> (school id, grade) from the memberships at the program's schools."""
    found: dict[int, tuple[int, int | None]] = {}
    for user_id, org_id, grade in (
        Membership.objects.filter(user_id__in=list(user_ids), organization_id__in=program.school_ids())
        .order_by("organization_id")
        .values_list("user_id", "organization_id", "grade")
    ):
        if user_id not in found or (found[user_id][1] is None and grade is not None):
            found[user_id] = (org_id, grade)
    return found


def _tags(rows: Sequence[Iterable[str]], vocabulary: dict[str, int]) -> sp.csr_array:
    indptr, indices = [0], []
    for row in rows:
        columns = sorted({vocabulary[tag] for tag in row if tag in vocabulary})
        indices.extend(columns)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.int64)
    return sp.csr_array((data, indices, indptr), shape=(len(rows), max(len(vocabulary), 1)))


def _mask(values: Iterable[str], bits: dict[str, int]) -> int:
    mask = 0
    for value in values:
        if value in bits and bits[value] < 64:
            mask |= 1 << bits[value]
    return mask


def _index(values: Iterable[str]) -> dict[str, int]:
    return {value: k for k, value in enumerate(sorted(set(values)))}


def _languages(profile: Profile) -> list[str]:
    return [str(lang).strip().capitalize() for lang in profile.languages or [] if str(lang).strip()]


def _subject_levels(profile: Profile, levels: set[str]) -> list[str]:
    return [s["subject"] for s in profile.subjects or [] if isinstance(s, dict) and s.get("level") in levels]


def _side(
    ids: list[str],
    people: list[Person],
    *,
    interests: dict[str, int],
    languages: dict[str, int],
    subjects: dict[str, int],
    subject_rows: list[list[str]],
    capacity: list[int] | None = None,
) -> Side:
    goals = {key: k for k, key in enumerate(GOAL_KEYS)}
    slots = {key: k for k, key in enumerate(SLOT_KEYS)}
    background = {key: k for k, key in enumerate(BACKGROUND_KEYS)}
    return Side(
        ids=ids,
        grade=np.array([p.grade if p.grade is not None else -100 for p in people], dtype=np.int64),
        school=np.array([p.school_id or 0 for p in people], dtype=np.int64),
        interests=_tags([[t.lower() for t in p.profile.interests or []] for p in people], interests),
        goals=_tags([p.profile.goals or [] for p in people], goals),
        subjects=_tags(subject_rows, subjects),
        languages=np.array([_mask(_languages(p.profile), languages) for p in people], dtype=np.uint64),
        availability=np.array(
            [_mask(p.profile.availability or [], slots) for p in people],
            dtype=np.uint64,
        ),
        background=np.array(
            [
                _mask(p.profile.background or [], background) if p.profile.background_opt_in else 0
                for p in people
            ],
            dtype=np.uint64,
        ),
        texts=[p.profile.about or None for p in people],
        capacity=np.array(capacity, dtype=np.int64) if capacity is not None else None,
        matchable=np.array([p.matchable for p in people], dtype=np.bool_),
    )


def mentor_places(program: Program, profile: Profile | None) -> int:
    """How many mentees a mentor takes: one, or in group mentoring and peer tutoring the mentor's own
    number (on the profile) or else the program's group size."""
    if program.model in (Program.Model.GROUP, Program.Model.PEER_TUTORING):
        return (profile.capacity if profile else None) or program.mentor_capacity or 1
    return 1


def build_inputs(cohort: Cohort, config: dict[str, Any], today: datetime.date | None = None) -> Inputs:
    """Everything one round of `cohort` needs, under the settings snapshot `config`."""
    program = cohort.program
    excluded = {int(x) for x in config.get("excluded", [])}
    participants = [
        p
        for p in Participant.objects.filter(cohort=cohort, status=Participant.Status.ENROLLED)
        .select_related("user", "cohort__program")
        .order_by("user_id")
        if p.user_id not in excluded
    ]
    profiles = profiles_for(participants)
    gates = matchability(participants, today)
    places = _grades_and_schools(program, {p.user_id for p in participants})
    people_by_role: dict[str, list[Person]] = defaultdict(list)
    for p in participants:
        school_id, grade = places.get(p.user_id, (None, None))
        person = Person(p, profiles[p.pk], grade, school_id, gates[p.pk].is_matchable)
        people_by_role[p.role].append(person)
    mentor_people = people_by_role[ParticipantRole.MENTOR]
    mentee_people = people_by_role[ParticipantRole.MENTEE]

    # Open matches use up places (and, outside tutoring, take the mentee out of the pool); closed ones
    # give the rematch priority and the never-rematch pairs (across all cohorts of the program).
    open_load: dict[int, int] = defaultdict(int)
    open_mentee: set[tuple[int, str]] = set()
    closed_pairs: set[tuple[int, int]] = set()
    closed_mentees: set[int] = set()
    for mentor_id, mentee_id, subject, status, cohort_id in Match.objects.filter(
        cohort__program=program
    ).values_list("mentor_id", "mentee_id", "subject", "status", "cohort_id"):
        if status == Match.Status.CLOSED:
            closed_pairs.add((mentee_id, mentor_id))
            if cohort_id == cohort.pk:
                closed_mentees.add(mentee_id)
        elif cohort_id == cohort.pk:
            open_load[mentor_id] += 1
            open_mentee.add((mentee_id, subject))

    tutoring = program.model == Program.Model.PEER_TUTORING
    subject_names = sorted(
        set(program.subjects or [])
        | {s for p in mentor_people for s in _subject_levels(p.profile, TEACH_LEVELS)}
        | {s for p in mentee_people for s in _subject_levels(p.profile, NEED_LEVELS)}
    )
    subjects = {name: k for k, name in enumerate(subject_names)}
    # Mentee rows: one per person, or in peer tutoring one per subject they need help with.
    rows: list[tuple[str, Person, str]] = []
    for person in mentee_people:
        user_id = person.participant.user_id
        if tutoring:
            for subject in _subject_levels(person.profile, NEED_LEVELS):
                if (user_id, subject) not in open_mentee:
                    rows.append((mentee_key(user_id, subject), person, subject))
        elif not any(mentee == user_id for mentee, _subject in open_mentee):
            rows.append((mentee_key(user_id), person, ""))

    warnings: list[str] = []
    if tutoring and mentee_people and not rows:
        count = len(mentee_people)
        warnings.append(
            ngettext(
                "No mentee needs a subject: in peer tutoring a mentee is matched once per subject marked "
                "“hard” on their profile, and the cohort's mentee has none. Ask them to fill in their "
                "subjects.",
                "No mentee needs a subject: in peer tutoring a mentee is matched once per subject marked "
                "“hard” on their profile, and none of the %(count)s mentees has one. Ask them to fill in "
                "their subjects.",
                count,
            )
            % {"count": count}
        )
    if (
        tutoring
        and mentor_people
        and not any(_subject_levels(p.profile, TEACH_LEVELS) for p in mentor_people)
    ):
        count = len(mentor_people)
        warnings.append(
            ngettext(
                "No tutor offers a subject: a tutor teaches the subjects marked “strong” on their profile, "
                "and the cohort's tutor has none.",
                "No tutor offers a subject: a tutor teaches the subjects marked “strong” on their profile, "
                "and none of the %(count)s tutors has one.",
                count,
            )
            % {"count": count}
        )
    interests = _index(t.lower() for p in mentor_people + mentee_people for t in p.profile.interests or [])
    languages = _index(lang for p in mentor_people + mentee_people for lang in _languages(p.profile))
    mentees = _side(
        [key for key, _p, _s in rows],
        [person for _k, person, _s in rows],
        interests=interests,
        languages=languages,
        subjects=subjects,
        subject_rows=[
            [subject] if tutoring else _subject_levels(person.profile, NEED_LEVELS)
            for _k, person, subject in rows
        ],
    )
    mentors = _side(
        [str(p.participant.user_id) for p in mentor_people],
        mentor_people,
        interests=interests,
        languages=languages,
        subjects=subjects,
        subject_rows=[_subject_levels(p.profile, TEACH_LEVELS) for p in mentor_people],
        capacity=[
            max(0, mentor_places(program, p.profile) - open_load[p.participant.user_id])
            for p in mentor_people
        ],
    )

    inputs = Inputs(
        mentees=mentees,
        mentors=mentors,
        vocabulary=Vocabulary(
            interests=list(interests),
            goals=GOAL_KEYS,  # keys: reasons are worded in the reader's language later
            subjects=subject_names,
            languages=list(languages),
            background=BACKGROUND_KEYS,
        ),
        weights=Weights(**{k: float(v) for k, v in config.get("weights", {}).items()}),
        constraints=Constraints(),
        people={p.participant.user_id: p for p in mentor_people + mentee_people},
        warnings=warnings,
    )
    c = config.get("constraints", {})
    forbidden: set[Pair] = set()
    mentor_ids = [str(p.participant.user_id) for p in mentor_people]
    if tutoring:  # a tutor must offer the subject
        teaches = {
            str(p.participant.user_id): set(_subject_levels(p.profile, TEACH_LEVELS)) for p in mentor_people
        }
        for key, _person, subject in rows:
            forbidden.update((key, m) for m in mentor_ids if subject not in teaches[m])
    keys_of: dict[int, list[str]] = defaultdict(list)
    for key, person, _subject in rows:
        keys_of[person.participant.user_id].append(key)
    # Cross-age: one person may be a mentor and a mentee in the same cohort, never their own mentor.
    forbidden.update(
        (key, str(user_id))
        for user_id in keys_of.keys() & set(map(int, mentor_ids))
        for key in keys_of[user_id]
    )
    if c.get("respect_guardian", True):
        forbidden |= _guardian_forbidden(program, mentee_people, mentor_people, keys_of, inputs.warnings)
    avoid: set[Pair] = set()
    requests: set[Pair] = set()
    for mentee_id, mentor_id, kind in Preference.objects.filter(cohort=cohort).values_list(
        "mentee_id", "mentor_id", "kind"
    ):
        pairs = {(key, str(mentor_id)) for key in keys_of.get(mentee_id, [])}
        (avoid if kind == Preference.Kind.AVOID else requests).update(pairs)
    never = {(key, str(mentor)) for mentee, mentor in closed_pairs for key in keys_of.get(mentee, [])}
    partner_pairs = frozenset(
        (a, b)
        for a in program.school_ids()
        for b in program.school_ids()
        if a != b and program.organization_id in (a, b)
    )
    inputs.constraints = Constraints(
        require_matchable=bool(c.get("require_matchable", True)),
        same_school=bool(c.get("same_school", True)),
        allowed_school_pairs=partner_pairs,
        min_grade_gap=c.get("min_grade_gap"),
        min_shared_slots=c.get("min_shared_slots", 1),
        shared_language=bool(c.get("shared_language", True)),
        avoid=frozenset(avoid) if c.get("respect_avoid", True) else frozenset(),
        never_rematch=frozenset(never) if c.get("never_rematch", True) else frozenset(),
        forbidden=frozenset(forbidden),
    )
    inputs.requests = requests
    known_keys = set(mentees.ids)
    inputs.locked = [
        (mentee_key(int(mentee), subject), str(mentor))
        for mentee, mentor, subject in config.get("locked", [])
        if mentee_key(int(mentee), subject) in known_keys and str(mentor) in set(mentor_ids)
    ]
    inputs.priority = {key for user_id in closed_mentees for key in keys_of.get(user_id, [])}
    inputs.mentees.priority = np.array([key in inputs.priority for key in mentees.ids], dtype=np.bool_)
    return inputs


def _guardian_forbidden(
    program: Program,
    mentees: list[Person],
    mentors: list[Person],
    keys_of: dict[int, list[str]],
    warnings: list[str],
) -> set[Pair]:
    """Pairs a guardian's preferences rule out: a mentor language, a same-gender mentor."""
    forbidden: set[Pair] = set()
    minors = {p.participant.user_id: p for p in mentees}
    for student_id, preferences in Consent.objects.filter(
        Q(program=program), student_id__in=list(minors), status=Consent.Status.GIVEN
    ).values_list("student_id", "preferences"):
        preferences = preferences or {}
        mentee = minors[student_id]
        language = str(preferences.get("mentor_language") or "").strip().capitalize()
        for mentor in mentors:
            mentor_id = str(mentor.participant.user_id)
            if language and language not in _languages(mentor.profile):
                forbidden.update((key, mentor_id) for key in keys_of.get(student_id, []))
            if preferences.get("same_gender_mentor"):
                own = mentee.profile.gender.strip().lower()
                theirs = mentor.profile.gender.strip().lower()
                if not own or own != theirs:
                    forbidden.update((key, mentor_id) for key in keys_of.get(student_id, []))
        if preferences.get("same_gender_mentor") and not mentee.profile.gender.strip():
            warnings.append(
                str(
                    _(
                        "%(name)s's guardian asked for a same-gender mentor, but the profile gives no "
                        "gender: no mentor can be proposed until it does."
                    )
                    % {"name": mentee.participant.user.get_full_name() or mentee.participant.user.username}
                )
            )
    return forbidden
