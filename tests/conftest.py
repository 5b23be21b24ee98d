"""Personas (CONVENTIONS.md): one line to use in any test.

alice coordinator at Lincoln High, bob a student (future mentor) at Lincoln, carol a minor student at
Lincoln, erin carol's guardian, frank an educator at Lincoln, dave a coordinator at Jefferson Middle who
must see nothing of Lincoln, grace the district administrator over both schools.
Staff personas have TOTP set up, since staff must use MFA.
"""

import pytest

from peerpath.accounts.models import Organization, User
from peerpath.core.roles import Role
from tests.factories import GuardianLinkFactory, OrganizationFactory, born_years_ago, give_totp, member


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def riverside(db) -> Organization:
    return OrganizationFactory(slug="riverside", name="Riverside Unified", kind=Organization.Kind.DISTRICT)


@pytest.fixture
def lincoln(riverside) -> Organization:
    return OrganizationFactory(slug="lincoln-high", name="Lincoln High School", parent=riverside)


@pytest.fixture
def jefferson(riverside) -> Organization:
    return OrganizationFactory(slug="jefferson-middle", name="Jefferson Middle School", parent=riverside)


@pytest.fixture
def alice(lincoln) -> User:
    user = member(lincoln, Role.COORDINATOR, username="alice", first_name="Alice", last_name="Moreno")
    give_totp(user)
    return user


@pytest.fixture
def bob(lincoln) -> User:
    return member(
        lincoln,
        Role.STUDENT,
        grade=11,
        username="bob",
        first_name="Bob",
        last_name="Nguyen",
        date_of_birth=born_years_ago(16),
    )


@pytest.fixture
def carol(lincoln) -> User:
    return member(
        lincoln,
        Role.STUDENT,
        grade=9,
        username="carol",
        first_name="Carol",
        last_name="Jimenez",
        date_of_birth=born_years_ago(14),
    )


@pytest.fixture
def erin(lincoln, carol) -> User:
    user = member(lincoln, Role.GUARDIAN, username="erin", first_name="Erin", last_name="Jimenez")
    GuardianLinkFactory(guardian=user, student=carol, organization=lincoln)
    return user


@pytest.fixture
def frank(lincoln) -> User:
    user = member(lincoln, Role.EDUCATOR, username="frank", first_name="Frank", last_name="Delgado")
    give_totp(user)
    return user


@pytest.fixture
def dave(jefferson) -> User:
    user = member(jefferson, Role.COORDINATOR, username="dave", first_name="Dave", last_name="Kowalski")
    give_totp(user)
    return user


@pytest.fixture
def grace(riverside) -> User:
    user = member(riverside, Role.ADMIN, username="grace", first_name="Grace", last_name="Okafor")
    give_totp(user)
    return user


@pytest.fixture
def program(lincoln, alice):
    """Lincoln's published one-on-one program, with alice as its coordinator."""
    from peerpath.programs.models import ProgramStaff
    from tests.factories import ProgramFactory

    program = ProgramFactory(organization=lincoln, name="Lincoln Peer Mentors", slug="peer-mentors")
    ProgramStaff.objects.create(program=program, user=alice, role=ProgramStaff.Role.COORDINATOR)
    return program


@pytest.fixture
def cohort(program):
    """The program's current cohort, open for applications for another 30 days."""
    from tests.factories import CohortFactory

    return CohortFactory(program=program, name="2026-27")


@pytest.fixture
def jefferson_program(jefferson, dave):
    from peerpath.programs.models import ProgramStaff
    from tests.factories import CohortFactory, ProgramFactory

    program = ProgramFactory(organization=jefferson, name="Jefferson Buddies", slug="buddies")
    ProgramStaff.objects.create(program=program, user=dave, role=ProgramStaff.Role.COORDINATOR)
    CohortFactory(program=program, name="2026-27")
    return program
