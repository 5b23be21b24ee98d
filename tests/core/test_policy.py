import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from peerpath.accounts.models import Membership, Organization, User
from peerpath.core import policy
from peerpath.core.models import AuditEntry
from peerpath.core.roles import STAFF_ROLES, Role
from peerpath.mentorships.models import Match
from peerpath.programs.models import Program
from tests.factories import OrganizationFactory

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


def test_organization_ids_reach_every_level_below(grace, riverside, lincoln):
    annex = OrganizationFactory(slug="lincoln-annex", name="Lincoln Annex", parent=lincoln)
    portable = OrganizationFactory(slug="lincoln-portable", name="Lincoln Portable", parent=annex)
    ids = policy.organization_ids(grace, [Role.ADMIN])
    assert set(ids) == {riverside.pk, lincoln.pk, annex.pk, portable.pk}
    assert ids == sorted(ids)


def test_with_descendants_of_nothing_is_nothing(lincoln):
    assert policy.with_descendants(set()) == set()


def test_organization_ids_answer_once_per_user_from_the_cache(alice, lincoln, django_assert_num_queries):
    fresh = User.objects.get(pk=alice.pk)
    with django_assert_num_queries(2):  # the memberships, then the organizations below
        assert policy.organization_ids(fresh, [Role.COORDINATOR]) == [lincoln.pk]
    with django_assert_num_queries(0):
        assert policy.organization_ids(fresh, [Role.COORDINATOR]) == [lincoln.pk]
        # Other roles that select the same memberships reuse the answer.
        assert policy.organization_ids(fresh, STAFF_ROLES) == [lincoln.pk]
        assert policy.organization_ids(fresh, [Role.ADMIN]) == []


def test_roles_in_lists_direct_and_inherited_roles(grace, alice, bob, lincoln, riverside):
    Membership.objects.create(user=alice, organization=riverside, role=Role.EDUCATOR)
    assert policy.roles_in(grace, lincoln) == {Role.ADMIN}
    assert policy.roles_in(User.objects.get(pk=alice.pk), lincoln) == {Role.COORDINATOR, Role.EDUCATOR}
    assert policy.roles_in(bob, riverside) == set()


def test_is_staff_student_is_not_staff(alice, bob, frank):
    assert policy.is_staff(alice) is True
    assert policy.is_staff(frank) is True
    assert policy.is_staff(bob) is False


def test_is_multivalued_only_for_paths_through_a_to_many_relation():
    assert policy._is_multivalued(User, "memberships__organization") is True
    assert policy._is_multivalued(Match, "cohort__program__organization") is False
    assert policy._is_multivalued(Organization, "pk") is False
    assert policy._is_multivalued(Organization, "name") is False
    assert policy._is_multivalued(Organization, "parent__name") is False
    assert policy._is_multivalued(Organization, "no_such_field") is False
    assert policy._is_multivalued(Organization, "children__name") is True


def test_scope_rule_without_own_rows_across_to_many_returns_each_row_once(alice, bob, lincoln, monkeypatch):
    # A rule with no "own rows" over a to-many tenant path (a user's memberships) must not repeat rows.
    monkeypatch.setitem(policy._RULES, ("accounts.user", "list"), policy.Rule(roles=frozenset(STAFF_ROLES)))
    Membership.objects.create(user=bob, organization=lincoln, role=Role.EDUCATOR)
    assert list(policy.scope(alice, User.objects.filter(pk=bob.pk), "list")) == [bob]


def test_scope_rule_without_own_rows_filters_by_organization(alice, dave, program):
    assert list(policy.scope(alice, Program.objects.all(), "manage")) == [program]
    assert list(policy.scope(dave, Program.objects.all(), "manage")) == []


def test_register_keys_rules_by_lower_case_label_and_action(monkeypatch):
    monkeypatch.setattr(policy, "_RULES", {})
    policy.register("Accounts.Organization", "inspect", roles=[Role.ADMIN], own=None)
    assert policy._RULES == {("accounts.organization", "inspect"): policy.Rule(roles=frozenset({Role.ADMIN}))}


def test_get_object_or_404_accepts_a_queryset_and_a_missing_row_is_404(alice, lincoln):
    assert policy.get_object_or_404(alice, Organization.objects.all(), "staff", pk=lincoln.pk) == lincoln
    assert policy.get_object_or_404(alice, Organization, slug=lincoln.slug) == lincoln
    with pytest.raises(Http404):
        policy.get_object_or_404(alice, Organization, "staff", pk=0)


def test_can_is_false_for_anonymous(lincoln):
    from django.contrib.auth.models import AnonymousUser

    assert policy.can(AnonymousUser(), "view", lincoln) is False
    assert policy.organization_ids(AnonymousUser(), STAFF_ROLES) == []
