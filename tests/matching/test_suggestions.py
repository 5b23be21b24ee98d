"""A mentee's suggested mentors: reasons in plain words, never scores, nothing about other mentees; up to
three requests, which become Preference(kind=request)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerpath.engine.scoring import explain_pairs
from peerpath.matching.features import build_inputs
from peerpath.matching.models import Preference
from peerpath.matching.services import rounds as services
from peerpath.mentorships.models import Match
from tests.matching.people import add_mentee, add_mentor

pytestmark = pytest.mark.django_db


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def pool(cohort, lincoln):
    """ria likes robotics like ann; ben fits less; cyd's timetable fits nobody; sam is another mentee."""
    return {
        "ann": named(add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"]), "Annika", "Arbor"),
        "ben": named(add_mentor(cohort, lincoln, "ben", interests=["soccer"]), "Benedikt", "Birch"),
        "cyd": named(add_mentor(cohort, lincoln, "cyd", availability=["fri-after"]), "Cydonia", "Cedar"),
        "ria": named(add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"]), "Ria", "Rowan"),
        "sam": named(add_mentee(cohort, lincoln, "sam", interests=["soccer"]), "Samwise", "Sequoia"),
    }


def participant(user):
    return user.participations.get()


def suggestions_url(user):
    return reverse("matching_suggestions", args=[participant(user).pk])


def request_url(user):
    return reverse("matching_request", args=[participant(user).pk])


def score_of(cohort, mentee, mentor):
    inputs = build_inputs(cohort, services.snapshot(services.settings_for(cohort.program)))
    i, j = inputs.mentees.ids.index(str(mentee.pk)), inputs.mentors.ids.index(str(mentor.pk))
    return explain_pairs(inputs.mentees, inputs.mentors, inputs.weights, [(i, j)])[0].score


# Authorization -------------------------------------------------------------------------------------


def test_dave_gets_404_and_changes_nothing(client, dave, jefferson_program, pool):
    client.force_login(dave)
    ria = pool["ria"]
    response = client.get(suggestions_url(ria))
    assert response.status_code == 404
    assert b"Annika" not in response.content
    assert client.post(request_url(ria), {"mentor": pool["ann"].pk}).status_code == 404
    assert not Preference.objects.exists()


def test_anonymous_goes_to_login(client, pool):
    assert client.get(suggestions_url(pool["ria"])).url.startswith(reverse("account_login"))
    response = client.post(request_url(pool["ria"]), {"mentor": pool["ann"].pk})
    assert response.url.startswith(reverse("account_login"))
    assert not Preference.objects.exists()


def test_only_the_mentee_sees_their_suggestions(client, pool, alice):
    for person in [pool["sam"], pool["ann"], alice]:  # another mentee, a mentor, even the coordinator
        client.force_login(person)
        assert client.get(suggestions_url(pool["ria"])).status_code == 404
        assert client.post(request_url(pool["ria"]), {"mentor": pool["ann"].pk}).status_code == 404
    client.force_login(pool["ann"])
    assert client.get(suggestions_url(pool["ann"])).status_code == 404  # mentors get no suggestions
    assert not Preference.objects.exists()


# The page ------------------------------------------------------------------------------------------


def test_suggestions_show_reasons_but_never_scores_or_other_mentees(client, cohort, pool):
    score = score_of(cohort, pool["ria"], pool["ann"])
    client.force_login(pool["ria"])

    response = client.get(suggestions_url(pool["ria"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Annika Arbor" in html
    assert "both like chess and robotics" in html
    assert html.index("Annika Arbor") < html.index("Benedikt Birch")  # best fit first
    assert "Cydonia" not in html  # no shared free period: fails a hard constraint
    assert "Samwise" not in html  # nothing about other mentees
    assert "Sequoia" not in html
    assert not re.search(rf"\b{score}\b", html)
    assert "never first come, first served" in html


def test_a_request_becomes_a_preference(client, pool):
    client.force_login(pool["ria"])

    response = client.post(request_url(pool["ria"]), {"mentor": pool["ann"].pk})

    preference = Preference.objects.get()
    assert (preference.mentee, preference.mentor, preference.kind) == (pool["ria"], pool["ann"], "request")
    assert preference.created_by == pool["ria"]
    page = client.get(response.url).content.decode()
    assert "You asked for Annika Arbor" in page
    assert "You asked for this mentor." in page


def test_requests_are_limited_to_three(client, cohort, lincoln, pool):
    extra = [add_mentor(cohort, lincoln, f"m{n}", interests=["robotics"]) for n in range(2)]
    client.force_login(pool["ria"])
    for mentor in [pool["ann"], pool["ben"], extra[0]]:
        client.post(request_url(pool["ria"]), {"mentor": mentor.pk})
    assert Preference.objects.filter(kind="request").count() == 3

    response = client.post(request_url(pool["ria"]), {"mentor": extra[1].pk})

    assert response.status_code == 400
    assert "You can ask for at most 3 mentors. Withdraw a request first." in response.content.decode()
    assert Preference.objects.filter(kind="request").count() == 3
    assert "the most you can" in client.get(suggestions_url(pool["ria"])).content.decode()


def test_a_mentor_who_does_not_fit_cannot_be_requested(client, pool):
    client.force_login(pool["ria"])

    response = client.post(request_url(pool["ria"]), {"mentor": pool["cyd"].pk})

    assert response.status_code == 400
    assert "not among the mentors who fit you" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_request_can_be_withdrawn(client, cohort, pool):
    preference = Preference.objects.create(
        cohort=cohort, mentee=pool["ria"], mentor=pool["ann"], kind="request", created_by=pool["ria"]
    )
    client.force_login(pool["ria"])

    response = client.post(
        reverse("matching_preference_delete", args=[preference.pk]), {"next": "suggestions"}
    )

    assert response.url == suggestions_url(pool["ria"])
    assert not Preference.objects.exists()


def test_no_suggestions_when_requests_are_off(client, program, pool):
    settings = services.settings_for(program)
    settings.allow_requests = False
    settings.save()
    client.force_login(pool["ria"])

    html = client.get(suggestions_url(pool["ria"])).content.decode()

    assert "the program team makes the matches" in html
    assert "Annika" not in html
    assert client.post(request_url(pool["ria"]), {"mentor": pool["ann"].pk}).status_code == 404
    assert not Preference.objects.exists()


def test_a_mentee_with_a_match_sees_the_match(client, cohort, pool):
    Match.objects.create(cohort=cohort, mentor=pool["ben"], mentee=pool["ria"], status="active")
    client.force_login(pool["ria"])

    html = client.get(suggestions_url(pool["ria"])).content.decode()

    assert "Your mentor is Benedikt Birch (Active)." in html
    assert "Annika" not in html


def test_suggestions_query_count_does_not_grow(client, cohort, lincoln):
    ria = add_mentee(cohort, lincoln, "ria", interests=["robotics"])
    Preference.objects.create(
        cohort=cohort, mentee=ria, mentor=add_mentor(cohort, lincoln, "m0"), kind="request"
    )
    client.force_login(ria)

    def count():
        client.get(suggestions_url(ria))  # warm the session and the settings
        with CaptureQueriesContext(connection) as queries:
            response = client.get(suggestions_url(ria))
        return len(queries), len(response.context["suggestions"])

    one = count()
    for n in range(1, 3):
        add_mentor(cohort, lincoln, f"m{n}", interests=["robotics"])
    three = count()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]
