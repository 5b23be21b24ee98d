import datetime

import pytest
import time_machine
from django.urls import reverse

from peerpath.core.audit import record_audit
from peerpath.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_audit_log_admin_searches_by_person_and_action(client, grace, alice, bob, lincoln, jefferson):
    record_audit(action="student_record.viewed", actor=alice, target=bob, organization_id=lincoln.pk)
    record_audit(action="login.failed", actor_label="bob", organization_id=lincoln.pk)
    record_audit(action="login.failed", actor_label="someone", organization_id=jefferson.pk)
    client.force_login(grace)
    response = client.get(reverse("audit_log", args=[lincoln.slug]), {"q": "Bob"})
    actions = [entry.action for entry in response.context["page"].object_list]
    assert sorted(actions) == ["login.failed", "student_record.viewed"]
    response = client.get(reverse("audit_log", args=[lincoln.slug]), {"action": "login"})
    assert [entry.actor_label for entry in response.context["page"].object_list] == ["bob"]


def test_audit_log_district_includes_its_schools(client, grace, riverside, lincoln, jefferson):
    record_audit(action="a", organization_id=lincoln.pk)
    record_audit(action="b", organization_id=jefferson.pk)
    client.force_login(grace)
    response = client.get(reverse("audit_log", args=[riverside.slug]))
    assert {entry.action for entry in response.context["page"].object_list} == {"a", "b"}


def test_audit_log_filters_by_date(client, grace, lincoln):
    with time_machine.travel(datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC)):
        record_audit(action="old", organization_id=lincoln.pk)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC)):
        record_audit(action="new", organization_id=lincoln.pk)
    client.force_login(grace)
    response = client.get(reverse("audit_log", args=[lincoln.slug]), {"since": "2026-09-15"})
    assert [entry.action for entry in response.context["page"].object_list] == ["new"]


def test_audit_log_bad_date_range_shows_error_not_crash(client, grace, lincoln):
    client.force_login(grace)
    response = client.get(
        reverse("audit_log", args=[lincoln.slug]), {"since": "2026-10-01", "until": "2026-09-01"}
    )
    assert "The start date must be on or before the end date." in response.content.decode()
    response = client.get(reverse("audit_log", args=[lincoln.slug]), {"since": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_audit_log_coordinator_is_not_an_admin(client, alice, lincoln):
    client.force_login(alice)
    assert client.get(reverse("audit_log", args=[lincoln.slug])).status_code == 404


@pytest.mark.parametrize("rows", [1, 3])
def test_audit_log_queries_do_not_grow_with_rows(
    client, grace, alice, bob, lincoln, rows, django_assert_num_queries
):
    for _ in range(rows):
        record_audit(action="student_record.viewed", actor=alice, target=bob, organization_id=lincoln.pk)
    client.force_login(grace)
    client.get(reverse("audit_log", args=[lincoln.slug]))
    with django_assert_num_queries(12):
        response = client.get(reverse("audit_log", args=[lincoln.slug]))
    assert (
        response.context["page"].paginator.count
        == AuditEntry.objects.filter(organization_id=lincoln.pk).count()
    )
