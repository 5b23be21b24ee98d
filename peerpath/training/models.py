import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization
from peerpath.core.models import TimeStampedModel
from peerpath.programs.models import Event, ParticipantRole, Program


class Module(TimeStampedModel):
    """A training module of an organization, reusable by all its programs."""

    class Topic(models.TextChoices):
        LISTENING = "listening", _("Active listening")
        COMMUNICATION = "communication", _("Communication")
        GOALS = "goals", _("Goal setting")
        FEEDBACK = "feedback", _("Constructive feedback")
        CONFLICT = "conflict", _("Conflict resolution")
        CULTURE = "culture", _("Cultural competency")
        SAFETY = "safety", _("Confidentiality and escalation")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="training_modules")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, default=Topic.OTHER)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=20)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, help_text=_("The quiz score needed to complete the module.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty: as many as needed.")
    )
    validity_days = models.PositiveSmallIntegerField(
        _("valid for (days)"), null=True, blank=True, help_text=_("Refresher modules expire; empty: never.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Set for modules of the starter library, so that loading it again updates instead of duplicating.
    library_key = models.SlugField(max_length=80, blank=True)

    tenant_field = "organization"

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "library_key"],
                condition=~models.Q(library_key=""),
                name="module_library_key_unique",
            ),
            models.CheckConstraint(condition=models.Q(pass_mark__lte=100), name="module_pass_mark_percent"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(TimeStampedModel):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("text"), blank=True, help_text=_("Sanitised HTML."))
    link_url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="training/lessons/%Y/%m/", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    tenant_field = "module__organization"

    class Meta:
        ordering = ["module", "order", "id"]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(TimeStampedModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    scenario = models.TextField(
        _("scenario"),
        blank=True,
        help_text=_("Optional situation the question is about: 'A mentee tells you…'"),
    )
    prompt = models.CharField(_("question"), max_length=400)
    explanation = models.TextField(_("explanation shown after answering"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    tenant_field = "module__organization"

    class Meta:
        ordering = ["module", "order", "id"]

    def __str__(self) -> str:
        return self.prompt


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=400)
    is_correct = models.BooleanField(_("correct"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    tenant_field = "question__module__organization"

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Attempt(TimeStampedModel):
    """One submitted quiz. The submit token makes a double submit record one attempt."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    submit_token = models.UUIDField(default=uuid.uuid4, unique=True)
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))

    tenant_field = "module__organization"

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} · {self.module} · {self.score}%"


class CompletionQuerySet(models.QuerySet["Completion"]):
    def valid_on(self, day: datetime.date) -> "CompletionQuerySet":
        """The completions that count on `day` (see `Completion.is_valid_on`)."""
        start_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gte=start_of_day))


class Completion(TimeStampedModel):
    """The latest completion of a module by a person (a refresher replaces it)."""

    class Source(models.TextChoices):
        QUIZ = "quiz", _("Quiz passed")
        LESSONS = "lessons", _("Lessons read")
        WORKSHOP = "workshop", _("Workshop attended")
        MANUAL = "manual", _("Recorded by staff")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    completed_at = models.DateTimeField(_("completed"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    source = models.CharField(_("how"), max_length=10, choices=Source.choices, default=Source.QUIZ)

    objects = CompletionQuerySet.as_manager()

    tenant_field = "module__organization"

    class Meta:
        ordering = ["-completed_at"]
        constraints = [models.UniqueConstraint(fields=["module", "user"], name="completion_once_per_person")]

    def __str__(self) -> str:
        return f"{self.user} · {self.module}"

    def is_valid_on(self, day: datetime.date) -> bool:
        """A refresher's completion is valid through the local day of `expires_at` and expired from the
        next day: the rule of the matching gate and the progress matrix (docs/training.md)."""
        return self.expires_at is None or timezone.localdate(self.expires_at) >= day


class Requirement(TimeStampedModel):
    """What a program asks its mentors (or mentees) to complete before matching, and by when:
    a module, or a training workshop (an event of kind "training")."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="training_requirements")
    role = models.CharField(
        _("for"), max_length=8, choices=ParticipantRole.choices, default=ParticipantRole.MENTOR
    )
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.CASCADE, related_name="requirements"
    )
    workshop = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="requirements"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)

    tenant_field = "program__organization"

    class Meta:
        ordering = ["program", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(module__isnull=False, workshop__isnull=True))
                | (models.Q(module__isnull=True, workshop__isnull=False)),
                name="requirement_module_xor_workshop",
            ),
            models.UniqueConstraint(fields=["program", "role", "module"], name="requirement_module_once"),
            models.UniqueConstraint(fields=["program", "role", "workshop"], name="requirement_workshop_once"),
        ]

    def __str__(self) -> str:
        return str(self.module or self.workshop)


class WorkshopCredit(TimeStampedModel):
    """Attending this training workshop completes this module."""

    workshop = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="module_credits")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="workshop_credits")

    tenant_field = "workshop__program__organization"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workshop", "module"], name="workshop_credit_once")]

    def __str__(self) -> str:
        return f"{self.workshop} → {self.module}"


class RolePlayChecklist(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="roleplay_checklists"
    )
    title = models.CharField(_("title"), max_length=200)
    skills = models.JSONField(_("skills to observe"), default=list, help_text=_("One skill per line."))

    tenant_field = "organization"

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class RolePlayObservation(TimeStampedModel):
    checklist = models.ForeignKey(RolePlayChecklist, on_delete=models.CASCADE, related_name="observations")
    workshop = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roleplay_observations"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    observed = models.JSONField(_("skills observed"), default=list)
    comment = models.TextField(_("comment"), blank=True)

    tenant_field = "checklist__organization"

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.checklist}"


class Resource(TimeStampedModel):
    """A document or link for mentors and mentees: conversation starters, worksheets, study skills."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Mentors and mentees")
        MENTORS = "mentors", _("Mentors")
        MENTEES = "mentees", _("Mentees")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="resources")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="training/resources/%Y/%m/", blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)

    tenant_field = "organization"

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Certificate(TimeStampedModel):
    """A certificate of completed training, as issued: its modules and dates are a snapshot."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    modules = models.JSONField(default=list, help_text="[{title, completed_on}]")

    tenant_field = "organization"

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.created:%Y-%m-%d}"
