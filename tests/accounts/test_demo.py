from peerpath.accounts.demo import GUARDIAN_FIRST_NAMES, demo_guardian
from peerpath.accounts.models import GuardianLink, Membership
from peerpath.core.roles import Role
from tests.factories import UserFactory, member


def test_demo_guardian_has_a_real_name_and_is_linked_once(lincoln):
    student = member(lincoln, Role.STUDENT, grade=9, first_name="Aarav", last_name="Patel")

    guardian = demo_guardian(student, lincoln)
    again = demo_guardian(student, lincoln)

    assert again == guardian
    assert guardian.username == f"guardian-{student.username}"
    assert guardian.first_name in GUARDIAN_FIRST_NAMES
    assert guardian.last_name == "Patel"
    assert guardian.check_password("peerpath-demo")
    assert GuardianLink.objects.get(guardian=guardian).student == student
    assert Membership.objects.filter(user=guardian, organization=lincoln, role=Role.GUARDIAN).count() == 1


def test_demo_guardian_renames_a_parent_of_guardian_from_an_older_demo(lincoln):
    student = member(lincoln, Role.STUDENT, grade=9, first_name="Aarav", last_name="Patel")
    old = UserFactory(username=f"guardian-{student.username}", first_name="Parent of", last_name="Aarav")

    guardian = demo_guardian(student, lincoln)

    assert guardian == old
    old.refresh_from_db()
    assert (old.first_name in GUARDIAN_FIRST_NAMES, old.last_name) == (True, "Patel")
