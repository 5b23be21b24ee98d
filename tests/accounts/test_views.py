import pytest
from django.urls import reverse

from peerpath.accounts.models import Membership
from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def lincoln_urls(lincoln, person):
    """Every page that shows Lincoln's data, with a Lincoln object in it."""
    return [
        reverse("organization_detail", args=[lincoln.slug]),
        reverse("people", args=[lincoln.slug]),
        reverse("person_detail", args=[lincoln.slug, person.pk]),
        reverse("audit_log", args=[lincoln.slug]),
    ]


@pytest.mark.smoke
def test_every_lincoln_page_is_404_for_dave(client, dave, lincoln, bob):
    client.force_login(dave)
    for url in lincoln_urls(lincoln, bob):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Lincoln" not in response.content


def test_every_page_sends_anonymous_to_login(client, lincoln, bob):
    urls = [reverse("home"), reverse("organization_list"), *lincoln_urls(lincoln, bob)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
        assert f"next={url}" in response.url.replace("%2F", "/")


@pytest.mark.smoke
def test_home_coordinator_sees_school_counts(client, alice, bob, carol, erin):
    client.force_login(alice)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert "Lincoln High School" in content
    card = response.context["staff_organizations"][0]
    assert (card.student_count, card.staff_count, card.guardian_count) == (2, 1, 1)


def test_home_student_sees_next_step(client, bob):
    client.force_login(bob)
    content = client.get(reverse("home")).content.decode()
    assert "You are not in a mentoring program at Lincoln High School yet." in content
    assert "Your schools" not in content


def test_home_guardian_sees_their_child_only(client, erin, carol, bob):
    client.force_login(erin)
    content = client.get(reverse("home")).content.decode()
    assert "Carol Jimenez" in content
    assert "Bob Nguyen" not in content


def test_home_person_without_school_is_told_what_to_do(client, db):
    from tests.factories import UserFactory

    loner = UserFactory()
    client.force_login(loner)
    assert "Your account is not part of any school" in client.get(reverse("home")).content.decode()


def test_navigation_shows_audit_only_to_admins(client, alice, grace):
    client.force_login(alice)
    assert "Audit log" not in client.get(reverse("home")).content.decode()
    client.force_login(grace)
    assert "Audit log" in client.get(reverse("home")).content.decode()


def test_organization_detail_lists_child_schools_for_district_admin(
    client, grace, riverside, lincoln, jefferson
):
    client.force_login(grace)
    response = client.get(reverse("organization_detail", args=[riverside.slug]))
    assert [child.name for child in response.context["children"]] == [
        "Jefferson Middle School",
        "Lincoln High School",
    ]


def test_organization_list_shows_only_own_schools(client, dave, lincoln, jefferson):
    client.force_login(dave)
    response = client.get(reverse("organization_list"))
    assert [org.slug for org in response.context["organizations"]] == ["jefferson-middle"]


def test_student_cannot_open_staff_pages(client, bob, lincoln):
    client.force_login(bob)
    assert client.get(reverse("people", args=[lincoln.slug])).status_code == 404
    assert client.get(reverse("person_detail", args=[lincoln.slug, bob.pk])).status_code == 404


@pytest.mark.smoke
def test_people_search_filters_by_name_and_role(client, alice, bob, carol, lincoln):
    client.force_login(alice)
    response = client.get(reverse("people", args=[lincoln.slug]), {"q": "jimenez"})
    assert [m.user.username for m in response.context["page"].object_list] == ["carol"]
    response = client.get(reverse("people", args=[lincoln.slug]), {"role": Role.COORDINATOR})
    assert [m.user.username for m in response.context["page"].object_list] == ["alice"]


def test_people_htmx_request_renders_only_the_results(client, alice, bob, lincoln):
    client.force_login(alice)
    response = client.get(
        reverse("people", args=[lincoln.slug]), {"q": "bob"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert "Bob Nguyen" in content
    assert "<html" not in content


def test_people_list_paginates(client, alice, lincoln):
    for number in range(30):
        member(lincoln, Role.STUDENT, username=f"student{number:02d}", last_name=f"Zz{number:02d}")
    client.force_login(alice)
    first = client.get(reverse("people", args=[lincoln.slug]))
    second = client.get(reverse("people", args=[lincoln.slug]), {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 6
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("extra", [1, 3])
def test_people_list_queries_do_not_grow_with_rows(client, alice, lincoln, django_assert_num_queries, extra):
    for number in range(extra):
        member(lincoln, Role.STUDENT, username=f"n1-{number}")
    client.force_login(alice)
    client.get(reverse("people", args=[lincoln.slug]))  # warm the session and content-type caches
    with django_assert_num_queries(9):
        response = client.get(reverse("people", args=[lincoln.slug]))
    assert response.context["page"].paginator.count == extra + 1


@pytest.mark.parametrize("extra", [1, 3])
def test_home_queries_do_not_grow_with_schools(client, grace, riverside, django_assert_num_queries, extra):
    from tests.factories import OrganizationFactory

    for number in range(extra):
        OrganizationFactory(slug=f"extra-{number}", parent=riverside)
    client.force_login(grace)
    client.get(reverse("home"))
    with django_assert_num_queries(10):
        response = client.get(reverse("home"))
    assert len(response.context["staff_organizations"]) == extra + 1


@pytest.mark.smoke
def test_person_detail_staff_read_of_student_writes_audit_row(client, alice, carol, erin, lincoln):
    client.force_login(alice)
    response = client.get(reverse("person_detail", args=[lincoln.slug, carol.pk]))
    assert "Erin Jimenez" in response.content.decode()  # the guardian is shown to staff
    entry = AuditEntry.objects.get(action="student_record.viewed")
    assert (entry.actor, entry.target_id, entry.organization_id) == (alice, str(carol.pk), lincoln.pk)


def test_person_detail_staff_record_is_not_a_student_read(client, alice, frank, lincoln):
    client.force_login(alice)
    client.get(reverse("person_detail", args=[lincoln.slug, frank.pk]))
    assert not AuditEntry.objects.filter(action="student_record.viewed").exists()


def test_person_detail_hides_memberships_in_other_schools(client, alice, bob, lincoln, jefferson):
    Membership.objects.create(user=bob, organization=jefferson, role=Role.EDUCATOR)
    client.force_login(alice)
    response = client.get(reverse("person_detail", args=[lincoln.slug, bob.pk]))
    assert [m.organization for m in response.context["memberships"]] == [lincoln]


def test_person_detail_person_of_another_school_is_404(client, alice, dave, lincoln):
    client.force_login(alice)
    assert client.get(reverse("person_detail", args=[lincoln.slug, dave.pk])).status_code == 404
