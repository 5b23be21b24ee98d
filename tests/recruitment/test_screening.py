import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.recruitment.models import (
    Application,
    BackgroundCheck,
    Interview,
    InterviewScore,
    Reference,
    RubricCriterion,
)
from tests.factories import ApplicationFactory, BackgroundCheckFactory, ParticipantFactory, give_totp, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(program):
    return [
        RubricCriterion.objects.create(
            program=program, name="Listening", description="Listens fully", order=0
        ),
        RubricCriterion.objects.create(program=program, name="Reliability", order=1),
    ]


@pytest.fixture
def application(cohort, bob):
    return ApplicationFactory(cohort=cohort, applicant=bob, status=Application.Status.SCREENING)


def interview_for(application, interviewer, scores=None, days=1):
    interview = Interview.objects.create(
        application=application,
        interviewer=interviewer,
        scheduled_at=timezone.now() + datetime.timedelta(days=days),
        location="Room 12",
    )
    for criterion, score in (scores or {}).items():
        InterviewScore.objects.create(interview=interview, criterion=criterion, score=score)
    return interview


def lincoln_pages(program, application, interview, criterion, check):
    """Every screening page that shows Lincoln's data (GET)."""
    return [
        reverse("application_review", args=[program.pk]),
        reverse("rubric_edit", args=[program.pk]),
        reverse("rubric_criterion_edit", args=[criterion.pk]),
        reverse("rubric_criterion_delete", args=[criterion.pk]),
        reverse("application_screening", args=[application.pk]),
        reverse("interview_score", args=[interview.pk]),
        reverse("background_check_add", args=[program.pk, application.applicant_id]),
        reverse("background_check_edit", args=[check.pk]),
        reverse("screening_attention", args=[program.pk]),
    ]


def lincoln_posts(program, application, interview, criterion, check, alice):
    return [
        (
            reverse("application_bulk_status", args=[program.pk]),
            {"status": "interview", "applications": [application.pk]},
        ),
        (reverse("rubric_edit", args=[program.pk]), {"name": "Sneaky", "description": ""}),
        (reverse("rubric_criterion_edit", args=[criterion.pk]), {"name": "Renamed", "description": ""}),
        (reverse("rubric_criterion_delete", args=[criterion.pk]), {}),
        (reverse("rubric_criterion_move", args=[criterion.pk]), {"direction": "down"}),
        (
            reverse("interview_schedule", args=[application.pk]),
            {"interviewer": alice.pk, "scheduled_at": "2030-01-01T10:00", "location": "x"},
        ),
        (reverse("interview_score", args=[interview.pk]), {f"score_{criterion.pk}": "1", "comments": "x"}),
        (
            reverse("reference_request", args=[application.pk]),
            {"name": "Eve", "email": "eve@example.org", "relationship": "coach"},
        ),
        (
            reverse("background_check_add", args=[program.pk, application.applicant_id]),
            {"kind": "criminal_record", "result": "clear", "checked_on": "2026-01-01"},
        ),
        (reverse("background_check_edit", args=[check.pk]), {"kind": "criminal_record", "result": "flagged"}),
    ]


@pytest.fixture
def lincoln_objects(program, lincoln, application, alice, criteria):
    interview = interview_for(application, alice, {criteria[0]: 4})
    check = BackgroundCheckFactory(organization=lincoln, person=application.applicant)
    return program, application, interview, criteria[0], check


def snapshot():
    return (
        list(Application.objects.values_list("pk", "status")),
        list(RubricCriterion.objects.values_list("pk", "name", "order")),
        list(Interview.objects.values_list("pk", "completed_at", "comments")),
        list(InterviewScore.objects.values_list("pk", "score")),
        Reference.objects.count(),
        list(BackgroundCheck.objects.values_list("pk", "result")),
    )


@pytest.mark.smoke
def test_every_screening_page_is_404_for_dave(client, dave, jefferson_program, lincoln_objects, alice):
    client.force_login(dave)
    for url in lincoln_pages(*lincoln_objects):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Lincoln" not in response.content
    before = snapshot()
    for url, data in lincoln_posts(*lincoln_objects, alice):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_every_screening_page_sends_anonymous_to_login(client, lincoln_objects):
    for url in lincoln_pages(*lincoln_objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_applicant_sees_no_screening_of_their_own_application(client, bob, lincoln_objects):
    program, application, interview, criterion, check = lincoln_objects
    client.force_login(bob)
    for url in lincoln_pages(*lincoln_objects):
        assert client.get(url).status_code == 404, url
    # The score is nowhere on what bob can reach.
    assert b"Listening" not in client.get(reverse("home")).content


def test_educator_sees_review_but_cannot_decide_or_manage_checks(client, frank, lincoln_objects):
    program, application, interview, criterion, check = lincoln_objects
    client.force_login(frank)
    response = client.get(reverse("application_review", args=[program.pk]))
    assert response.status_code == 200
    assert response.context["can_decide"] is False
    assert 'name="applications"' not in response.content.decode()
    assert "Background check" not in response.content.decode()
    response = client.post(
        reverse("application_bulk_status", args=[program.pk]),
        {"status": "declined", "applications": [application.pk]},
    )
    assert response.status_code == 404
    assert client.get(reverse("background_check_edit", args=[check.pk])).status_code == 404
    assert client.get(reverse("rubric_edit", args=[program.pk])).status_code == 404
    assert client.get(reverse("screening_attention", args=[program.pk])).status_code == 404


# Review table ------------------------------------------------------------------------------------


def test_review_table_averages_two_interviewers(client, alice, frank, application, criteria):
    listening, reliability = criteria
    interview_for(application, alice, {listening: 4, reliability: 5})
    interview_for(application, frank, {listening: 2, reliability: 2}, days=2)
    client.force_login(alice)
    response = client.get(reverse("application_review", args=[application.cohort.program_id]))
    row = response.context["rows"][0]
    assert row["criterion_averages"] == [3.0, 3.5]
    assert row["application"].overall_average == pytest.approx(3.25)
    content = response.content.decode()
    assert "Bob Nguyen" in content
    assert ">3.0<" in content
    assert ">3.5<" in content
    assert ">3.25<" in content


def test_review_table_shows_references_and_check_state(client, alice, application, lincoln):
    now = timezone.now()
    for status in [Reference.Status.RECEIVED, Reference.Status.REQUESTED]:
        Reference.objects.create(
            application=application, name="R", email="r@example.org", status=status, expires_at=now
        )
    BackgroundCheckFactory(
        organization=lincoln,
        person=application.applicant,
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    client.force_login(alice)
    response = client.get(reverse("application_review", args=[application.cohort.program_id]))
    content = response.content.decode()
    assert "1 of 2" in content
    assert "Expiring soon" in content


def test_review_table_sorts_by_criterion_and_marks_the_header(
    client, alice, frank, cohort, criteria, bob, carol
):
    listening = criteria[0]
    low = ApplicationFactory(cohort=cohort, applicant=bob, status="interview")
    high = ApplicationFactory(cohort=cohort, applicant=carol, status="interview")
    interview_for(low, alice, {listening: 2})
    interview_for(high, alice, {listening: 5})
    client.force_login(alice)
    url = reverse("application_review", args=[cohort.program_id])
    response = client.get(url, {"sort": f"-c{listening.pk}"})
    assert [r["application"] for r in response.context["rows"]] == [high, low]
    assert f'aria-sort="descending"><a href="?sort=c{listening.pk}"' in response.content.decode()
    response = client.get(url, {"sort": f"c{listening.pk}"})
    assert [r["application"] for r in response.context["rows"]] == [low, high]
    response = client.get(url, {"sort": "-applicant"})
    assert [r["application"] for r in response.context["rows"]] == [low, high]  # Nguyen before Jimenez


def test_review_table_sorts_statuses_in_the_status_machine_order(client, alice, cohort):
    statuses = ["withdrawn", "approved", "submitted", "interview", "screening"]
    for status in statuses:
        ApplicationFactory(cohort=cohort, status=status)
    client.force_login(alice)
    url = reverse("application_review", args=[cohort.program_id])

    response = client.get(url, {"sort": "status"})
    assert [r["application"].status for r in response.context["rows"]] == [
        "submitted",
        "screening",
        "interview",
        "approved",
        "withdrawn",
    ]
    response = client.get(url, {"sort": "-status"})
    assert response.context["rows"][0]["application"].status == "withdrawn"


def test_order_review_rows_falls_back_to_the_applicant_for_unknown_keys(program, cohort, bob, carol):
    from peerpath.recruitment.queries.screening import order_review_rows, review_rows

    nguyen = ApplicationFactory(cohort=cohort, applicant=bob)
    jimenez = ApplicationFactory(cohort=cohort, applicant=carol)
    rows, sort = order_review_rows(review_rows(program, cohort), "-nonsense", [])
    assert sort == "applicant"
    assert list(rows) == [jimenez, nguyen]


def test_review_table_filters_with_htmx_partial(client, alice, cohort, bob, carol):
    ApplicationFactory(cohort=cohort, applicant=bob, status="submitted")
    ApplicationFactory(cohort=cohort, applicant=carol, status="declined", role="mentee")
    client.force_login(alice)
    url = reverse("application_review", args=[cohort.program_id])
    response = client.get(url, {"status": "declined"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "Carol Jimenez" in content
    assert "Bob Nguyen" not in content
    assert "<html" not in content
    response = client.get(url, {"role": "mentor", "q": "ngu"})
    assert [r["application"].applicant for r in response.context["rows"]] == [bob]


def test_review_table_shows_another_cohort_on_request(client, alice, program, cohort, bob):
    from tests.factories import CohortFactory

    old = CohortFactory(
        program=program,
        name="2025-26",
        starts_on=cohort.starts_on - datetime.timedelta(days=365),
        ends_on=cohort.ends_on - datetime.timedelta(days=365),
    )
    ApplicationFactory(cohort=old, applicant=bob)
    client.force_login(alice)
    url = reverse("application_review", args=[program.pk])
    assert client.get(url).context["rows"] == []
    assert len(client.get(url, {"cohort": old.pk}).context["rows"]) == 1


def test_review_table_paginates_at_50(client, alice, cohort):
    for _number in range(51):
        ApplicationFactory(cohort=cohort)
    client.force_login(alice)
    response = client.get(reverse("application_review", args=[cohort.program_id]))
    assert len(response.context["rows"]) == 50
    assert "Page 1 of 2" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_review_table_queries_do_not_grow_with_rows(
    client, alice, frank, cohort, criteria, lincoln, django_assert_num_queries, count
):
    for _number in range(count):
        application = ApplicationFactory(cohort=cohort)
        interview_for(application, alice, {criteria[0]: 3, criteria[1]: 4})
        interview_for(application, frank, {criteria[0]: 5})
        Reference.objects.create(
            application=application, name="R", email="r@example.org", expires_at=timezone.now()
        )
        BackgroundCheckFactory(organization=lincoln, person=application.applicant)
    client.force_login(alice)
    url = reverse("application_review", args=[cohort.program_id])
    client.get(url)  # warm the session and content-type caches
    with django_assert_num_queries(19):
        response = client.get(url)
    assert len(response.context["rows"]) == count


# Bulk status -------------------------------------------------------------------------------------


def test_bulk_status_moves_legal_and_names_the_skipped(
    client, alice, cohort, bob, carol, django_capture_on_commit_callbacks
):
    first = ApplicationFactory(cohort=cohort, applicant=bob, status="screening")
    second = ApplicationFactory(cohort=cohort, status="screening")
    declined = ApplicationFactory(cohort=cohort, applicant=carol, status="declined")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("application_bulk_status", args=[cohort.program_id]),
            {"status": "interview", "applications": [first.pk, second.pk, declined.pk]},
            follow=True,
        )
    assert [a.status for a in Application.objects.filter(pk__in=[first.pk, second.pk])] == ["interview"] * 2
    declined.refresh_from_db()
    assert declined.status == "declined"
    message = str(list(response.context["messages"])[0])
    assert message.startswith("2 moved to interview; Carol Jimenez: an application that is declined cannot")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([bob.email, second.applicant.email])
    assert AuditEntry.objects.filter(action="application.status_changed").count() == 2


def test_bulk_status_offers_only_moves_legal_for_some_row(client, alice, cohort):
    ApplicationFactory(cohort=cohort, status="submitted")
    client.force_login(alice)
    url = reverse("application_review", args=[cohort.program_id])

    offered = [value for value, _label in client.get(url).context["statuses"]]
    assert offered == ["screening", "declined", "waitlisted", "withdrawn"]

    ApplicationFactory(cohort=cohort, status="waitlisted")
    offered = [value for value, _label in client.get(url).context["statuses"]]
    assert offered == ["screening", "approved", "declined", "waitlisted", "withdrawn"]
    response = client.get(url)
    assert 'data-moves="screening declined waitlisted withdrawn"' in response.text
    assert 'data-moves="screening approved declined withdrawn"' in response.text


def test_bulk_status_form_is_absent_without_rows(client, alice, cohort):
    client.force_login(alice)
    response = client.get(reverse("application_review", args=[cohort.program_id]))
    assert 'id="bulk-form"' not in response.text


def test_bulk_status_ignores_applications_of_other_programs(client, alice, cohort, jefferson_program):
    outsider = ApplicationFactory(cohort=jefferson_program.cohorts.get(), status="screening")
    client.force_login(alice)
    response = client.post(
        reverse("application_bulk_status", args=[cohort.program_id]),
        {"status": "declined", "applications": [outsider.pk]},
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.status == "screening"
    assert "Select a valid choice" in str(list(get_messages(response.wsgi_request))[0])


# Rubric ------------------------------------------------------------------------------------------


def test_rubric_add_edit_reorder_delete(client, alice, program, criteria):
    client.force_login(alice)
    url = reverse("rubric_edit", args=[program.pk])
    response = client.post(url, {"name": "Empathy", "description": "Puts themselves in others' shoes"})
    assert response.status_code == 302
    empathy = RubricCriterion.objects.get(name="Empathy")
    assert empathy.order == 2
    client.post(reverse("rubric_criterion_move", args=[empathy.pk]), {"direction": "up"})
    assert list(RubricCriterion.objects.filter(program=program).values_list("name", flat=True)) == [
        "Listening",
        "Empathy",
        "Reliability",
    ]
    client.post(reverse("rubric_criterion_edit", args=[empathy.pk]), {"name": "Empathy!", "description": ""})
    empathy.refresh_from_db()
    assert empathy.name == "Empathy!"
    confirm = client.get(reverse("rubric_criterion_delete", args=[empathy.pk]))
    assert "Delete “Empathy!”?" in confirm.content.decode()
    client.post(reverse("rubric_criterion_delete", args=[empathy.pk]))
    assert not RubricCriterion.objects.filter(pk=empathy.pk).exists()
    assert "Reliability" in client.get(url).content.decode()


def test_rubric_add_requires_a_name(client, alice, program):
    client.force_login(alice)
    response = client.post(reverse("rubric_edit", args=[program.pk]), {"name": "", "description": "kept"})
    assert response.status_code == 200
    assert "kept" in response.content.decode()
    assert not RubricCriterion.objects.exists()


# Interviews --------------------------------------------------------------------------------------


def test_scheduling_first_interview_moves_submitted_application_to_interview(
    client, alice, frank, cohort, bob, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status="submitted")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("interview_schedule", args=[application.pk]),
            {"interviewer": frank.pk, "scheduled_at": "2030-03-04T15:30", "location": "Library"},
        )
    assert response.status_code == 302
    interview = Interview.objects.get(application=application)
    assert (interview.interviewer, interview.location) == (frank, "Library")
    application.refresh_from_db()
    assert application.status == "interview"
    # The status change and the invitation with its calendar file.
    assert [m.to for m in mail.outbox] == [[bob.email], [bob.email]]
    page = client.get(reverse("application_screening", args=[application.pk])).content.decode()
    assert "Frank Delgado" in page


def test_interview_emails_say_when_and_where_and_attach_an_invitation(
    client, alice, frank, cohort, bob, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status="screening")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("interview_schedule", args=[application.pk]),
            {"interviewer": frank.pk, "scheduled_at": "2030-03-04T15:30", "location": "Room 12"},
        )
    status, invitation = mail.outbox
    for message in (status, invitation):
        assert "When: March 4, 2030 at 3:30 p.m. (America/Los_Angeles)" in message.body
        assert "Where: Room 12" in message.body
        assert "will tell you when and where" not in message.body
    assert invitation.subject == "Interview for Lincoln Peer Mentors: March 4, 2030, 3:30 p.m."
    [(filename, content, mimetype)] = invitation.attachments
    assert (filename, mimetype) == ("interview.ics", "text/calendar")
    assert "DTSTART:20300304T233000Z" in content
    assert "DTEND:20300305T000000Z" in content
    assert "LOCATION:Room 12" in content
    assert "SUMMARY:Interview: Lincoln Peer Mentors" in content


def test_interview_before_the_application_is_refused(client, alice, frank, cohort, bob):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status="screening")
    client.force_login(alice)
    before = timezone.localtime(application.created) - datetime.timedelta(days=1)
    response = client.post(
        reverse("interview_schedule", args=[application.pk]),
        {"interviewer": frank.pk, "scheduled_at": before.strftime("%Y-%m-%dT%H:%M"), "location": ""},
    )
    assert response.status_code == 400
    assert "An interview cannot take place before the application was sent" in response.content.decode()
    assert not Interview.objects.exists()


def test_schedule_interview_service_refuses_a_date_before_the_application(alice, frank, cohort, bob):
    from peerpath.recruitment.services.screening import ScreeningError, schedule_interview

    application = ApplicationFactory(cohort=cohort, applicant=bob, status="screening")
    with pytest.raises(ScreeningError, match="before the application was sent"):
        schedule_interview(
            application=application,
            interviewer=frank,
            scheduled_at=application.created - datetime.timedelta(seconds=1),
            location="",
            actor=alice,
        )


def test_past_interview_date_asks_for_confirmation_then_records_without_invitation(
    client, alice, frank, cohort, bob, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status="interview")
    ApplicationFactory._meta.model.objects.filter(pk=application.pk).update(
        created=timezone.now() - datetime.timedelta(days=10)
    )
    client.force_login(alice)
    past = (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"interviewer": frank.pk, "scheduled_at": past, "location": "Library"}
    url = reverse("interview_schedule", args=[application.pk])

    response = client.post(url, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "This date is in the past." in content
    assert 'type="checkbox" name="confirm_past"' in content
    assert not Interview.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirm_past": "on"})
    assert response.status_code == 302
    assert Interview.objects.filter(application=application).exists()
    assert mail.outbox == []


def test_interviewer_must_be_staff_of_the_school(client, alice, dave, bob, application):
    client.force_login(alice)
    response = client.post(
        reverse("interview_schedule", args=[application.pk]),
        {"interviewer": bob.pk, "scheduled_at": "2030-03-04T15:30", "location": ""},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Interview.objects.exists()


def test_score_page_without_rubric_links_the_coordinator_to_the_rubric(client, alice, frank, application):
    interview = interview_for(application, frank)
    client.force_login(alice)
    content = client.get(reverse("interview_score", args=[interview.pk])).content.decode()
    assert reverse("rubric_edit", args=[application.cohort.program_id]) in content
    assert "Ask the coordinator" not in content
    client.force_login(frank)  # an educator interviewer cannot edit the rubric: asked to ask
    content = client.get(reverse("interview_score", args=[interview.pk])).content.decode()
    assert "Ask the coordinator to add criteria" in content


def test_interviewer_scores_each_criterion(client, frank, alice, application, criteria):
    interview = interview_for(application, frank)
    listening, reliability = criteria
    client.force_login(frank)
    url = reverse("interview_score", args=[interview.pk])
    page = client.get(url).content.decode()
    assert "<legend>Listening</legend>" in page
    assert 'type="radio"' in page
    response = client.post(
        url,
        {
            f"score_{listening.pk}": "4",
            f"comment_{listening.pk}": "Patient",
            f"score_{reliability.pk}": "5",
            "comments": "Strong candidate",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.completed_at is not None
    assert interview.comments == "Strong candidate"
    assert dict(interview.scores.values_list("criterion__name", "score")) == {
        "Listening": 4,
        "Reliability": 5,
    }
    client.force_login(alice)
    page = client.get(reverse("application_screening", args=[application.pk])).content.decode()
    assert "Patient" in page
    assert "Strong candidate" in page


def test_interview_score_missing_keeps_input_and_saves_nothing(client, frank, application, criteria):
    interview = interview_for(application, frank)
    client.force_login(frank)
    response = client.post(
        reverse("interview_score", args=[interview.pk]),
        {f"score_{criteria[0].pk}": "3", "comments": "half done"},
    )
    assert response.status_code == 400
    assert "Give a score from 1 to 5." in response.content.decode()
    assert "half done" in response.content.decode()
    assert not InterviewScore.objects.exists()
    interview.refresh_from_db()
    assert interview.completed_at is None


def test_other_educator_cannot_score_an_interview(client, lincoln, alice, application, criteria):
    interview = interview_for(application, alice)
    other = member(lincoln, Role.EDUCATOR, username="olga")
    give_totp(other)
    client.force_login(other)
    assert client.get(reverse("interview_score", args=[interview.pk])).status_code == 404


def test_screening_page_is_audited_as_a_student_record_read(client, alice, application):
    client.force_login(alice)
    client.get(reverse("application_screening", args=[application.pk]))
    assert AuditEntry.objects.filter(action="student_record.viewed", actor=alice).count() == 1


# Background checks -------------------------------------------------------------------------------


def test_manager_records_a_background_check_outcome(client, alice, lincoln, application):
    client.force_login(alice)
    url = reverse("background_check_add", args=[application.cohort.program_id, application.applicant_id])
    page = client.get(url).content.decode()
    assert "Do not upload, scan or copy the document" in page
    response = client.post(
        url,
        {
            "kind": "child_protection",
            "result": "clear",
            "checked_on": "2026-09-01",
            "expires_on": "2027-09-01",
        },
    )
    assert response.status_code == 302
    check = BackgroundCheck.objects.get()
    assert (check.organization, check.person, check.recorded_by, check.result) == (
        lincoln,
        application.applicant,
        alice,
        "clear",
    )
    assert check.expires_on == datetime.date(2027, 9, 1)


def test_background_check_dates_must_be_ordered(client, alice, application):
    client.force_login(alice)
    url = reverse("background_check_add", args=[application.cohort.program_id, application.applicant_id])
    response = client.post(
        url,
        {
            "kind": "criminal_record",
            "result": "clear",
            "checked_on": "2026-09-01",
            "expires_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert "cannot expire before" in response.content.decode()
    assert not BackgroundCheck.objects.exists()


def test_background_check_edit_changes_result(client, alice, lincoln, application):
    check = BackgroundCheckFactory(organization=lincoln, person=application.applicant)
    client.force_login(alice)
    client.post(
        reverse("background_check_edit", args=[check.pk]),
        {"kind": "criminal_record", "result": "flagged", "checked_on": "2026-09-01", "notes": "ref 12"},
    )
    check.refresh_from_db()
    assert (check.result, check.notes) == ("flagged", "ref 12")


def test_background_check_only_for_people_of_the_program(client, alice, program, dave):
    client.force_login(alice)
    assert client.get(reverse("background_check_add", args=[program.pk, dave.pk])).status_code == 404


# Attention list ----------------------------------------------------------------------------------


def test_attention_lists_mentors_with_check_problems_and_overdue_references(
    client, alice, lincoln, cohort, bob, carol
):
    today = timezone.localdate()
    missing = ParticipantFactory(cohort=cohort, user=bob, role="mentor").user
    flagged = ApplicationFactory(cohort=cohort, applicant=carol, status="interview").applicant
    BackgroundCheckFactory(organization=lincoln, person=flagged, result="flagged")
    expiring = ApplicationFactory(cohort=cohort, status="approved").applicant
    BackgroundCheckFactory(
        organization=lincoln, person=expiring, expires_on=today + datetime.timedelta(days=20)
    )
    expired = ParticipantFactory(cohort=cohort, role="mentor").user
    BackgroundCheckFactory(
        organization=lincoln, person=expired, expires_on=today - datetime.timedelta(days=1)
    )
    fine = ParticipantFactory(cohort=cohort, role="mentor").user
    BackgroundCheckFactory(organization=lincoln, person=fine)
    ParticipantFactory(cohort=cohort, role="mentee")  # mentees need no check
    ApplicationFactory(cohort=cohort, status="submitted")  # not yet at interview
    application = ApplicationFactory(cohort=cohort, applicant=fine)
    overdue = Reference.objects.create(
        application=application, name="Late Larry", email="l@example.org", expires_at=timezone.now()
    )
    Reference.objects.filter(pk=overdue.pk).update(created=timezone.now() - datetime.timedelta(days=6))
    Reference.objects.create(
        application=application,
        name="Fresh Fran",
        email="f@example.org",
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    client.force_login(alice)
    response = client.get(reverse("screening_attention", args=[cohort.program_id]))
    states = {item.person: item.check_label for item in response.context["people"]}
    assert states == {missing: "Missing", flagged: "Flagged", expiring: "Expiring soon", expired: "Expired"}
    content = response.content.decode()
    assert "Late Larry" in content
    assert "Fresh Fran" not in content


def test_attention_ignores_checks_recorded_by_another_school(client, alice, jefferson, cohort, bob):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    BackgroundCheckFactory(organization=jefferson, person=bob)
    client.force_login(alice)
    response = client.get(reverse("screening_attention", args=[cohort.program_id]))
    assert [item.person for item in response.context["people"]] == [bob]


@pytest.mark.parametrize("count", [1, 3])
def test_attention_queries_do_not_grow_with_rows(
    client, alice, lincoln, cohort, django_assert_num_queries, count
):
    for _number in range(count):
        person = ParticipantFactory(cohort=cohort, role="mentor").user
        BackgroundCheckFactory(organization=lincoln, person=person, result="flagged")
        application = ApplicationFactory(cohort=cohort, applicant=person, status="approved")
        reference = Reference.objects.create(
            application=application,
            name="R",
            email="r@example.org",
            status="expired",
            expires_at=timezone.now(),
        )
        assert reference.pk
    client.force_login(alice)
    url = reverse("screening_attention", args=[cohort.program_id])
    client.get(url)
    with django_assert_num_queries(17):
        response = client.get(url)
    assert len(response.context["people"]) == count
    assert len(response.context["references"]) == count


def test_same_interviewer_twice_is_refused(client, alice, frank, application):
    interview_for(application, frank)
    client.force_login(alice)
    response = client.post(
        reverse("interview_schedule", args=[application.pk]),
        {"interviewer": frank.pk, "scheduled_at": "2030-03-04T15:30", "location": "Gym"},
    )
    assert response.status_code == 400
    assert "already has an interview with this applicant" in response.content.decode()
    assert 'value="Gym"' in response.content.decode()
    assert Interview.objects.count() == 1
