import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from peerpath.accounts.models import Membership, Organization, User
from peerpath.core import policy
from peerpath.core.models import AuditEntry
from peerpath.core.roles import STAFF_ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_scope_organizations_staff_see_only_their_school(alice, dave, lincoln, jefferson):
    assert list(policy.scope(alice, Organization.objects.all(), "staff")) == [lincoln]
    assert list(policy.scope(dave, Organization.objects.all(), "staff")) == [jefferson]


def test_scope_district_admin_sees_every_school_below(grace, riverside, lincoln, jefferson):
    visible = set(policy.scope(grace, Organization.objects.all(), "audit"))
    assert visible == {riverside, lincoln, jefferson}


def test_scope_student_sees_own_school_but_not_staff_rows(bob, lincoln):
    assert list(policy.scope(bob, Organization.objects.all(), "view")) == [lincoln]
    assert list(policy.scope(bob, Organization.objects.all(), "staff")) == []


def test_scope_student_records_dave_sees_nothing_of_lincoln(alice, bob, carol, dave):
    assert set(policy.scope(alice, User.objects.all())) >= {bob, carol}
    lincoln_people = policy.scope(dave, User.objects.filter(pk__in=[alice.pk, bob.pk, carol.pk]))
    assert list(lincoln_people) == []


def test_scope_guardian_sees_own_child_only(erin, carol, bob):
    visible = set(policy.scope(erin, User.objects.filter(pk__in=[bob.pk, carol.pk])))
    assert visible == {carol}


def test_scope_multivalued_tenant_field_returns_each_row_once(alice, bob, lincoln):
    Membership.objects.create(user=bob, organization=lincoln, role="educator")
    rows = list(policy.scope(alice, User.objects.filter(pk=bob.pk)))
    assert rows == [bob]


def test_get_object_or_404_other_school_is_404_not_403(dave, lincoln):
    with pytest.raises(Http404):
        policy.get_object_or_404(dave, Organization, "staff", slug=lincoln.slug)


def test_can_answers_per_action(alice, frank, lincoln):
    assert policy.can(alice, "manage", lincoln) is True
    assert policy.can(frank, "manage", lincoln) is False
    assert policy.can(frank, "staff", lincoln) is True


def test_audit_entries_visible_to_admins_of_the_organization_only(grace, alice, lincoln, jefferson):
    lincoln_entry = AuditEntry.objects.create(action="x", organization_id=lincoln.pk)
    AuditEntry.objects.create(action="y", organization_id=None)
    assert list(policy.scope(grace, AuditEntry.objects.all())) == [lincoln_entry]
    assert list(policy.scope(alice, AuditEntry.objects.all())) == []


def test_anonymous_sees_nothing(lincoln):
    from django.contrib.auth.models import AnonymousUser

    assert list(policy.scope(AnonymousUser(), Organization.objects.all(), "view")) == []


def test_unregistered_action_is_a_configuration_error(alice):
    with pytest.raises(ImproperlyConfigured):
        policy.scope(alice, Organization.objects.all(), "delete")


def test_organization_ids_inactive_membership_grants_nothing(alice, lincoln):
    Membership.objects.filter(user=alice).update(is_active=False)
    fresh = User.objects.get(pk=alice.pk)
    assert policy.organization_ids(fresh, STAFF_ROLES) == []
