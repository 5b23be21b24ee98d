import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization
from peerpath.core.models import TimeStampedModel


class ParticipantRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class ProgramQuerySet(models.QuerySet["Program"]):
    def published(self) -> "ProgramQuerySet":
        return self.filter(is_published=True)


class Program(TimeStampedModel):
    """A peer mentoring program run by a school, a district, or several schools together."""

    class Model(models.TextChoices):
        ONE_ON_ONE = "one_on_one", _("One-on-one")
        GROUP = "group", _("Group")
        CROSS_AGE = "cross_age", _("Cross-age")
        PEER_TUTORING = "peer_tutoring", _("Peer tutoring")

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="programs")
    partner_schools = models.ManyToManyField(
        Organization, blank=True, related_name="partner_programs", verbose_name=_("partner schools")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    model = models.CharField(_("model"), max_length=20, choices=Model.choices, default=Model.ONE_ON_ONE)
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentees per mentor"), default=1, help_text=_("More than 1 for group mentoring.")
    )
    min_grade_gap = models.PositiveSmallIntegerField(
        _("grades between mentor and mentee"),
        default=0,
        help_text=_("Cross-age programs: mentor at least this many grades above."),
    )
    subjects = models.JSONField(
        _("subjects"), default=list, blank=True, help_text=_("Peer tutoring: subjects offered.")
    )
    min_grade = models.PositiveSmallIntegerField(_("lowest grade"), null=True, blank=True)
    max_grade = models.PositiveSmallIntegerField(_("highest grade"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    meeting_cadence = models.CharField(
        _("meetings"), max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    session_minutes = models.PositiveSmallIntegerField(_("minutes per meeting"), default=45)
    commitment_weeks = models.PositiveSmallIntegerField(_("length in weeks"), default=12)
    benefits = models.TextField(_("what participants gain"), blank=True)
    challenges = models.TextField(_("what it asks of participants"), blank=True)
    offers_certificate = models.BooleanField(_("certificate of participation"), default=False)
    service_hours = models.PositiveSmallIntegerField(_("service hours credited"), default=0)
    other_incentives = models.CharField(_("other incentives"), max_length=200, blank=True)
    is_published = models.BooleanField(_("public page visible"), default=False)

    objects = ProgramQuerySet.as_manager()

    tenant_field = "organization"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="program_slug_unique_per_org"),
            models.CheckConstraint(
                condition=models.Q(mentor_capacity__gte=1), name="program_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def school_ids(self) -> list[int]:
        """The school that runs the program and its partner schools: where its students come from."""
        return [self.organization_id, *self.partner_schools.values_list("pk", flat=True)]

    def current_cohort(self) -> "Cohort | None":
        return self.cohorts.order_by("-starts_on", "-id").first()


class Objective(TimeStampedModel):
    """A measurable goal: "80% of mentees attend 6+ sessions"."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="objectives")
    description = models.CharField(_("objective"), max_length=300)
    target_value = models.DecimalField(_("target"), max_digits=8, decimal_places=2, null=True, blank=True)
    unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("For example: %, sessions, hours.")
    )
    order = models.PositiveSmallIntegerField(default=0)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["program", "order", "id"]

    def __str__(self) -> str:
        return self.description


class ProgramStaff(TimeStampedModel):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        SUPERVISOR = "supervisor", _("Supervising educator")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_staff")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.COORDINATOR)

    tenant_field = "program__organization"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="program_staff_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Supporter(TimeStampedModel):
    """A funder or partner organization: what keeps the program running year after year."""

    class Kind(models.TextChoices):
        FUNDER = "funder", _("Funder")
        PARTNER = "partner", _("Partner")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="supporters")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PARTNER)
    name = models.CharField(_("name"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    contribution = models.CharField(_("contribution"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Cohort(TimeStampedModel):
    """One run of a program (a term or a school year); participants and data stay attached to it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=100, help_text=_("For example: 2026–27 or Fall 2026."))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    application_deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["program", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cohort_name_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="cohort_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.name}"

    def accepts_applications(self, at: datetime.datetime | None = None) -> bool:
        now = at or timezone.now()
        opened = self.applications_open_at is None or self.applications_open_at <= now
        return opened and (self.application_deadline is None or now <= self.application_deadline)


class Phase(TimeStampedModel):
    class Kind(models.TextChoices):
        RECRUITMENT = "recruitment", _("Recruitment")
        TRAINING = "training", _("Training")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active mentoring")
        CLOSURE = "closure", _("Closure")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=12, choices=Kind.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    tenant_field = "cohort__program__organization"

    class Meta:
        ordering = ["cohort", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind"], name="phase_once_per_cohort"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Participant(TimeStampedModel):
    """A person taking part in one cohort as a mentor or a mentee (the same person may be both,
    in different programs: cross-age)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        APPLICATION = "application", _("Application")
        SELF_SIGNUP = "self_signup", _("Signed up")
        REFERRAL = "referral", _("Referral")
        BULK = "bulk", _("Bulk import")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=8, choices=ParticipantRole.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ENROLLED)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.APPLICATION)

    tenant_field = "cohort__program__organization"

    class Meta:
        ordering = ["cohort", "role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["cohort", "user", "role"], name="participant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.cohort}"


class Event(TimeStampedModel):
    class Kind(models.TextChoices):
        INFO_SESSION = "info_session", _("Info session")
        WORKSHOP = "workshop", _("Workshop")
        TRAINING = "training", _("Training")
        SOCIAL = "social", _("Social")
        STUDY_GROUP = "study_group", _("Study group")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="events")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INFO_SESSION)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    # A cancelled event stays, with its RSVPs and attendance: history is never deleted.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RSVP(TimeStampedModel):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.GOING)

    tenant_field = "event__program__organization"

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="rsvp_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.event} · {self.status}"


class Attendance(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    tenant_field = "event__program__organization"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.event} · {'present' if self.present else 'absent'}"
