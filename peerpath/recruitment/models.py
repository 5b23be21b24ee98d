import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peerpath.accounts.models import Organization
from peerpath.core.models import TimeStampedModel
from peerpath.programs.models import Cohort, ParticipantRole, Program


class Question(TimeStampedModel):
    """One question of a program's mentor or mentee application form."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("One choice")
        MULTI_CHOICE = "multi_choice", _("Several choices")
        SCALE = "scale", _("Scale 1–5")
        YES_NO = "yes_no", _("Yes or no")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    role = models.CharField(_("form"), max_length=8, choices=ParticipantRole.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SHORT_TEXT)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["program", "role", "order", "id"]

    def __str__(self) -> str:
        return self.label


class Application(TimeStampedModel):
    """A student's application to be a mentor or a mentee in one cohort.

    The status changes only in `recruitment.services.set_application_status`.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Screening")
        INTERVIEW = "interview", _("Interview")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WAITLISTED = "waitlisted", _("Waitlisted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        NOMINATION = "nomination", _("Nomination")
        INFO_SESSION = "info_session", _("Info session")
        FLYER = "flyer", _("Flyer or link")
        COUNSELOR = "counselor", _("Counselor referral")
        OTHER = "other", _("Other")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    role = models.CharField(_("applying as"), max_length=8, choices=ParticipantRole.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    source = models.CharField(
        _("heard about it through"), max_length=12, choices=Source.choices, default=Source.OTHER
    )
    nomination = models.ForeignKey(
        "Nomination", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    answers = models.JSONField(default=dict, blank=True)
    # Profile fields that matching reads.
    interests = models.JSONField(_("interests"), default=list, blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    background = models.JSONField(_("background (optional)"), default=dict, blank=True)
    about = models.TextField(_("about me"), blank=True)
    decision_reason = models.TextField(_("reason given to the applicant"), blank=True)
    submit_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "cohort__program__organization"

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant", "role"], name="application_once_per_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.get_role_display()} · {self.cohort}"


class Nomination(TimeStampedModel):
    """Staff, educators or students suggest a student: as a mentor (nomination) or mentee (referral)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations"
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        _("as"), max_length=8, choices=ParticipantRole.choices, default=ParticipantRole.MENTOR
    )
    reason = models.TextField(_("why"))
    invited_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.nominee} ← {self.nominated_by}"


class RubricCriterion(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rubric")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("what a 5 looks like"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["program", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Interview(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interviews"
    )
    scheduled_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "application__cohort__program__organization"

    class Meta:
        ordering = ["scheduled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "interviewer"], name="interview_once_per_interviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.applicant} · {self.interviewer}"


class InterviewScore(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    tenant_field = "interview__application__cohort__program__organization"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class Reference(TimeStampedModel):
    """A reference requested by e-mail; answered through a one-time signed link."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RECEIVED = "received", _("Received")
        EXPIRED = "expired", _("Expired")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="references")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    relationship = models.CharField(_("relationship to the applicant"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    recommends = models.BooleanField(null=True)
    response = models.TextField(_("response"), blank=True)

    tenant_field = "application__cohort__program__organization"

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.name} for {self.application.applicant}"


class BackgroundCheck(TimeStampedModel):
    """The outcome of a check (never the document itself)."""

    class Kind(models.TextChoices):
        CRIMINAL_RECORD = "criminal_record", _("Criminal record check")
        CHILD_PROTECTION = "child_protection", _("Child protection register")
        SCHOOL_CLEARANCE = "school_clearance", _("School clearance")

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLEAR = "clear", pgettext_lazy("background check result", "Clear")
        FLAGGED = "flagged", _("Flagged")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="background_checks")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="background_checks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.PENDING)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    tenant_field = "organization"

    class Meta:
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.get_result_display()}"


class Consent(TimeStampedModel):
    """A guardian's consent for a minor to take part in a program, asked through a signed link."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="consents")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents_given"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    covers = models.TextField(_("what the consent covers"), blank=True)
    preferences = models.JSONField(_("preferences for matching"), default=dict, blank=True)
    orientation_acknowledged = models.BooleanField(_("orientation read"), default=False)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "student", "guardian"], name="consent_once_per_guardian"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.program} · {self.get_status_display()}"
