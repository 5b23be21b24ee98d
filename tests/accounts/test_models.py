import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from peerpath.accounts.models import Membership, Organization, User, age_on
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (datetime.date(2010, 5, 20), datetime.date(2026, 5, 19), 15),
        (datetime.date(2010, 5, 20), datetime.date(2026, 5, 20), 16),
        (datetime.date(2008, 2, 29), datetime.date(2026, 2, 28), 17),
        (datetime.date(2008, 2, 29), datetime.date(2026, 3, 1), 18),
    ],
)
def test_age_on_counts_birthdays(born, on, age):
    assert age_on(born, on) == age


@time_machine.travel(datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.UTC))
def test_minor_and_under_13_rules():
    assert User(date_of_birth=datetime.date(2014, 1, 1)).is_under_13 is True
    assert User(date_of_birth=datetime.date(2013, 11, 22)).is_under_13 is False
    assert User(date_of_birth=datetime.date(2008, 11, 23)).is_minor is True
    assert User(date_of_birth=datetime.date(2008, 11, 22)).is_minor is False
    # Unknown age: treated as a minor, but not as under 13.
    assert (User().is_minor, User().is_under_13) == (True, False)


@pytest.mark.django_db
def test_membership_one_role_once_per_organization(bob, lincoln):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=bob, organization=lincoln, role="student")


@pytest.mark.django_db
def test_email_is_unique_ignoring_case(db):
    UserFactory(username="a", email="Same@Example.org")
    with pytest.raises(IntegrityError):
        UserFactory(username="b", email="same@example.org")


@pytest.mark.django_db
def test_organization_rejects_unknown_time_zone(db):
    with pytest.raises(ValidationError, match="Unknown time zone"):
        Organization(name="X", slug="x", timezone="Mars/Olympus").full_clean()
