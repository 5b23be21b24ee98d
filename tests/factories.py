import datetime
import io
import zipfile

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from peerpath.accounts.models import GuardianLink, Membership, Organization, User
from peerpath.core.roles import Role
from peerpath.mentorships.models import Match
from peerpath.programs.models import Cohort, Participant, Program
from peerpath.recruitment.models import Application, BackgroundCheck, Consent
from peerpath.training.models import Completion, Module, QuizChoice, QuizQuestion, Requirement

PASSWORD = "correct-horse-battery"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    kind = Organization.Kind.SCHOOL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and self.email:
            EmailAddress.objects.get_or_create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.STUDENT


class GuardianLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardianLink

    guardian = factory.SubFactory(UserFactory)
    student = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


def born_years_ago(years: int, today: datetime.date | None = None) -> datetime.date:
    today = today or datetime.date.today()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


def member(organization: Organization, role: str, grade: int | None = None, **user_fields: object) -> User:
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization, role=role, grade=grade)
    return user


def give_totp(user: User) -> str:
    """Set up TOTP MFA for `user` and return the secret (to compute codes in browser tests)."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


# Programs and recruitment ------------------------------------------------------------------------


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    description = "Older students help younger ones settle in."
    is_published = True


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=150))
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    application_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    cohort = factory.SubFactory(CohortFactory)
    applicant = factory.SubFactory(UserFactory)
    role = "mentor"
    answers = factory.LazyFunction(dict)
    interests = factory.LazyFunction(lambda: ["robotics", "music"])


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = "mentee"


class BackgroundCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BackgroundCheck

    organization = factory.SubFactory(OrganizationFactory)
    person = factory.SubFactory(UserFactory)
    kind = BackgroundCheck.Kind.CRIMINAL_RECORD
    result = BackgroundCheck.Result.CLEAR
    checked_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=355))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    program = factory.SubFactory(ProgramFactory)
    student = factory.SubFactory(UserFactory)
    guardian = factory.SubFactory(UserFactory)
    status = Consent.Status.GIVEN
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


# Training and matches ----------------------------------------------------------------------------


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "How to listen so that your mentee talks."
    pass_mark = 80


def quiz_question(
    module: Module, *, right: str = "Ask an open question", wrong: str = "Change the subject"
) -> QuizQuestion:
    """A one-answer question with one right and one wrong choice."""
    question = QuizQuestion.objects.create(
        module=module,
        scenario="Your mentee says they had a bad week.",
        prompt="What do you do first?",
        explanation="Open questions invite the mentee to say more.",
    )
    QuizChoice.objects.create(question=question, text=right, is_correct=True, order=0)
    QuizChoice.objects.create(question=question, text=wrong, is_correct=False, order=1)
    return question


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    module = factory.SubFactory(ModuleFactory)
    user = factory.SubFactory(UserFactory)
    completed_at = factory.LazyFunction(timezone.now)
    score = 100


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    program = factory.SubFactory(ProgramFactory)
    module = factory.SubFactory(ModuleFactory)
    role = "mentor"


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    cohort = factory.SubFactory(CohortFactory)
    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    status = Match.Status.ACTIVE
    started_at = factory.LazyFunction(timezone.now)


def office_file(*parts: str) -> bytes:
    """A ZIP archive holding these parts (an Office Open XML file when they are the right ones)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()
