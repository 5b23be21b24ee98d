import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from peerpath.accounts.models import GuardianLink, Membership, Organization, User
from peerpath.core.roles import Role

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
