"""The training matrix at a realistic size: 200 mentors × 10 modules. Run with -s to see the time."""

import datetime
import statistics
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.accounts.models import User
from peerpath.programs.models import Participant
from peerpath.training.models import Completion, Module, Requirement

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MENTORS = 200
MODULES = 10


def test_matrix_of_200_mentors_and_10_modules_runs_constant_queries(
    client, alice, program, cohort, lincoln, django_assert_num_queries
):
    now = timezone.now()
    modules = Module.objects.bulk_create(
        Module(organization=lincoln, title=f"Module {number:02d}", validity_days=365 if number % 3 else None)
        for number in range(MODULES)
    )
    Requirement.objects.bulk_create(
        Requirement(
            program=program, module=module, due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        )
        for n, module in enumerate(modules)
    )
    mentors = User.objects.bulk_create(
        User(
            username=f"mentor{number:03d}",
            email=f"mentor{number:03d}@example.org",
            last_name=f"M{number:03d}",
        )
        for number in range(MENTORS)
    )
    Participant.objects.bulk_create(Participant(cohort=cohort, user=user, role="mentor") for user in mentors)
    # Most mentors have done most modules, some long ago (expired refreshers).
    Completion.objects.bulk_create(
        Completion(
            module=module,
            user=user,
            completed_at=now - datetime.timedelta(days=(n * 37 + m * 11) % 500),
            expires_at=now + datetime.timedelta(days=365 - (n * 37 + m * 11) % 500)
            if module.validity_days
            else None,
            score=70 + (n + m) % 30,
        )
        for n, user in enumerate(mentors)
        for m, module in enumerate(modules)
        if (n + m) % 4
    )
    client.force_login(alice)
    url = reverse("training_matrix", args=[program.pk])
    client.get(url)  # warm the session caches

    # As in test_progress.py's N+1 guard, less the attendance query: no workshop is required here.
    with django_assert_num_queries(14):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["matrix"].rows) == MENTORS
    assert len(response.context["matrix"].columns) == MODULES
    assert response.content.decode().count('<th scope="row">') == MENTORS

    timings = []
    for _run in range(5):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    print(
        f"\ntraining matrix {MENTORS} mentors × {MODULES} modules: "
        f"median {statistics.median(timings) * 1000:.0f} ms over 5 renders "
        f"(min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms)"
    )
