"""What matching stores: profiles and preferences (its inputs), per-program settings, and rounds of
proposals for the coordinator to review. Matches themselves live in `mentorships`."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization
from peerpath.core.models import TimeStampedModel
from peerpath.engine.inputs import COMPONENTS, Weights
from peerpath.programs.models import Cohort, Participant, Program


class InterestTag(TimeStampedModel):
    """An organization's interest vocabulary: the tags profiles offer as checkboxes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="interest_tags")
    name = models.CharField(_("interest"), max_length=60)

    tenant_field = "organization"

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(Lower("name"), "organization", name="interest_tag_unique_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class Profile(TimeStampedModel):
    """What the engine reads about one participant. Created from the application, then editable by the
    participant and by the program's coordinators; `updated` is the "last updated" date shown."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="profile")
    interests = models.JSONField(_("interests"), default=list, blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)  # mentees: goals; mentors: strengths
    subjects = models.JSONField(_("subjects"), default=list, blank=True)  # [{"subject": s, "level": l}]
    languages = models.JSONField(_("languages"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    background_opt_in = models.BooleanField(_("use my background in matching"), default=False)
    background = models.JSONField(_("background"), default=list, blank=True)  # keys of BACKGROUND_CHOICES
    gender = models.CharField(_("gender (optional)"), max_length=40, blank=True)
    about = models.TextField(_("about me and what I want help with"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentees I can take"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Group mentoring only. Leave empty for the program's default."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenant_field = "participant__cohort__program__organization"

    def __str__(self) -> str:
        return f"Profile of {self.participant}"


class Preference(TimeStampedModel):
    """A mentee's wish about one mentor: a request (a bonus in the next round, never first come first
    served) or an avoid (a hard constraint)."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Requested")
        AVOID = "avoid", _("Avoid")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="preferences")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenant_field = "cohort__program__organization"

    class Meta:
        ordering = ["cohort", "mentee", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "mentee", "mentor"], name="preference_once_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} {self.kind} {self.mentor}"


_ENGINE_WEIGHTS = Weights()  # the engine's defaults, also the settings' defaults


class MatchSettings(TimeStampedModel):
    """A program's weights (0-5 on sliders) and hard constraints, each on or off with its parameter."""

    class Mode(models.TextChoices):
        MAX_TOTAL = "max_total", _("Best total fit")
        MAX_MATCHED = "max_matched", _("Everyone gets a mentor first")
        MAX_MIN = "max_min", _("Fairest: raise the weakest match")
        STABLE = "stable", _("Stable (no pair would rather swap)")

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="match_settings")
    mode = models.CharField(
        _("goal of the round"), max_length=12, choices=Mode.choices, default=Mode.MAX_TOTAL
    )
    # One field per engine component (`engine.inputs.COMPONENTS`), defaulting to the engine's weight.
    weight_interests = models.FloatField(_("shared interests"), default=_ENGINE_WEIGHTS.interests)
    weight_goals = models.FloatField(_("goals the mentor can help with"), default=_ENGINE_WEIGHTS.goals)
    weight_subjects = models.FloatField(_("subjects"), default=_ENGINE_WEIGHTS.subjects)
    weight_availability = models.FloatField(_("shared free time"), default=_ENGINE_WEIGHTS.availability)
    weight_language = models.FloatField(_("shared language"), default=_ENGINE_WEIGHTS.language)
    weight_background = models.FloatField(_("shared background (opt-in)"), default=_ENGINE_WEIGHTS.background)
    weight_semantic = models.FloatField(_('similar "about me" texts'), default=_ENGINE_WEIGHTS.semantic)
    weight_request = models.FloatField(_("mentee asked for this mentor"), default=_ENGINE_WEIGHTS.request)
    weight_priority = models.FloatField(
        _("mentee returned to the pool (rematch)"), default=_ENGINE_WEIGHTS.priority
    )
    allow_requests = models.BooleanField(
        _("mentees may see suggestions and request a mentor"),
        default=True,
        help_text=_("Requests count as a bonus in the next round; they are never first come, first served."),
    )
    require_matchable = models.BooleanField(_("only people cleared to be matched"), default=True)
    same_school = models.BooleanField(_("same school (or a partner school)"), default=True)
    grade_gap_on = models.BooleanField(_("mentor in a higher grade"), default=False)
    min_grade_gap = models.PositiveSmallIntegerField(_("at least this many grades above"), default=1)
    shared_slots_on = models.BooleanField(_("shared free periods"), default=True)
    min_shared_slots = models.PositiveSmallIntegerField(
        _("at least this many"), default=1, validators=[MaxValueValidator(55)]
    )
    shared_language = models.BooleanField(_("a shared language"), default=True)
    respect_guardian = models.BooleanField(_("respect guardians' preferences"), default=True)
    respect_avoid = models.BooleanField(_('respect "avoid" lists'), default=True)
    never_rematch = models.BooleanField(_("never rematch a closed pair"), default=True)

    tenant_field = "program__organization"

    WEIGHT_FIELDS = COMPONENTS  # the engine's list: a field weight_<name> for each

    @classmethod
    def default_for(cls, program: Program) -> "MatchSettings":
        """Unsaved settings with the defaults that suit the program's model."""
        settings = cls(program=program)
        if program.model == Program.Model.CROSS_AGE:
            settings.grade_gap_on = True
            settings.min_grade_gap = program.min_grade_gap or 2
        if program.model == Program.Model.PEER_TUTORING:
            settings.weight_subjects = 2.0
            settings.weight_interests = 0.5
        return settings

    def weights(self) -> dict[str, float]:
        return {name: getattr(self, f"weight_{name}") for name in self.WEIGHT_FIELDS}

    def constraints(self) -> dict[str, object]:
        return {
            "require_matchable": self.require_matchable,
            "same_school": self.same_school,
            "min_grade_gap": self.min_grade_gap if self.grade_gap_on else None,
            "min_shared_slots": self.min_shared_slots if self.shared_slots_on else None,
            "shared_language": self.shared_language,
            "respect_guardian": self.respect_guardian,
            "respect_avoid": self.respect_avoid,
            "never_rematch": self.never_rematch,
        }

    def __str__(self) -> str:
        return f"Matching settings of {self.program}"


class MatchRound(TimeStampedModel):
    """One run of the engine for a cohort. Its status changes only in `set_round_status`.

    `config` is a snapshot of everything the run used (weights, constraints, mode, locked pairs,
    excluded people), so a round can be re-run or compared later whatever the settings are now.
    Nothing outside the round changes until it is published.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DRAFT = "draft", _("Ready for review")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_rounds")
    number = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    config = models.JSONField(default=dict)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total = models.BigIntegerField(null=True, blank=True)
    optimal = models.BooleanField(null=True)
    mentee_count = models.PositiveIntegerField(default=0)
    mentor_count = models.PositiveIntegerField(default=0)
    feasible_pairs = models.PositiveBigIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)

    tenant_field = "cohort__program__organization"

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["cohort", "number"], name="match_round_number")]

    def __str__(self) -> str:
        return f"Round {self.number} · {self.cohort}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.PUBLISHED, self.Status.FAILED}

    @property
    def mode_label(self) -> str:
        mode = self.config.get("mode", MatchSettings.Mode.MAX_TOTAL)
        return str(MatchSettings.Mode(mode).label) if mode in MatchSettings.Mode.values else str(mode)


class Proposal(models.Model):
    """One line of a round: a proposed pair with its score and reasons, or (mentor empty) a mentee the
    round could not match, with the reason."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=100, blank=True)  # peer tutoring
    score = models.IntegerField(default=0)  # 0-1000 per unit of weight, as the engine scores
    contributions = models.JSONField(default=dict, blank=True)  # component -> weighted points
    reasons = models.JSONField(default=list, blank=True)  # plain words, biggest contribution first
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    locked = models.BooleanField(default=False)
    priority = models.BooleanField(default=False)  # a mentee returned to the pool
    requested = models.BooleanField(default=False)
    unmatched_reason = models.CharField(max_length=300, blank=True)  # a code: see reasons.unmatched_message
    match = models.ForeignKey(
        "mentorships.Match", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenant_field = "round__cohort__program__organization"

    class Meta:
        ordering = ["round", "-score", "mentee_id"]
        indexes = [models.Index(fields=["round", "mentor"])]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor or '—'} ({self.score})"

    @property
    def is_unmatched(self) -> bool:
        return self.mentor_id is None

    @property
    def unmatched_message(self) -> str:
        from peerpath.matching.reasons import unmatched_message

        return unmatched_message(self.unmatched_reason, self.contributions) if self.is_unmatched else ""
