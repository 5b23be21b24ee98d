import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.programs.models import Cohort, Participant
from peerpath.recruitment.models import Application, Interview, Nomination, Question
from peerpath.recruitment.queries import applications as queries
from peerpath.recruitment.services.applications import (
    TRANSITIONS,
    AlreadyApplied,
    ApplicationsClosed,
    IllegalTransition,
    OneRolePerCohort,
    move_question,
    nominate_student,
    save_question,
    set_application_status,
    submit_application,
)
from tests.factories import ApplicationFactory, CohortFactory, ParticipantFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db

Status = Application.Status


def _submit(cohort, applicant, token=None, **kwargs):
    return submit_application(
        cohort=cohort, applicant=applicant, role="mentor", answers={}, submit_token=token, **kwargs
    )


def test_submit_application_to_approved_enrolls_and_notifies(
    cohort, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = _submit(cohort, bob)
    assert mail.outbox[-1].subject == "We received your application to Lincoln Peer Mentors"

    with django_capture_on_commit_callbacks(execute=True):
        for status in [Status.SCREENING, Status.INTERVIEW, Status.APPROVED]:
            set_application_status(application=application, status=status, actor=alice, reason="Welcome")

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.decided_at is not None
    assert [m.subject for m in mail.outbox[1:]] == [
        "Next step for your application to Lincoln Peer Mentors: an interview",
        "You are in: Lincoln Peer Mentors",
    ]
    assert mail.outbox[-1].to == ["bob@example.org"]
    assert "Welcome" in mail.outbox[-1].body
    history = queries.application_status_history(application)
    assert [(e.detail["from"], e.detail["to"]) for e in history] == [
        ("submitted", "screening"),
        ("screening", "interview"),
        ("interview", "approved"),
    ]
    assert Participant.objects.get(cohort=cohort, user=bob, role="mentor").status == "enrolled"


def test_submit_application_to_declined_sends_reason_and_enrolls_nobody(
    cohort, alice, bob, django_capture_on_commit_callbacks
):
    application = _submit(cohort, bob)
    with django_capture_on_commit_callbacks(execute=True):
        set_application_status(application=application, status=Status.DECLINED, actor=alice, reason="Full")
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (Status.DECLINED, "Full")
    assert "could not offer you a place" in mail.outbox[-1].body
    assert not Participant.objects.exists()
    assert AuditEntry.objects.filter(action="application.status_changed", detail__to="declined").count() == 1


def test_set_application_status_declined_to_approved_is_refused(cohort, alice, bob):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status=Status.DECLINED)
    with pytest.raises(IllegalTransition, match="cannot become approved. Reopen it for screening first."):
        set_application_status(application=application, status=Status.APPROVED, actor=alice)
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    assert not AuditEntry.objects.filter(action="application.status_changed").exists()


def test_submit_application_same_token_twice_creates_one_row(cohort, bob):
    token = uuid.uuid4()
    first = _submit(cohort, bob, token)
    second = _submit(cohort, bob, token)
    assert first.pk == second.pk
    assert Application.objects.count() == 1


def test_submit_application_other_token_is_already_applied(cohort, bob):
    first = _submit(cohort, bob, uuid.uuid4())
    with pytest.raises(AlreadyApplied) as raised:
        _submit(cohort, bob, uuid.uuid4())
    assert raised.value.application == first


def test_submit_application_after_deadline_is_closed(cohort, bob):
    with time_machine.travel(cohort.application_deadline + datetime.timedelta(hours=1)):
        with pytest.raises(ApplicationsClosed, match="Applications closed on"):
            _submit(cohort, bob)
    assert not Application.objects.exists()


def test_submit_application_closed_message_says_the_day_or_the_time_without_a_double_period(cohort, bob):
    zone = zoneinfo.ZoneInfo(cohort.program.organization.timezone)
    end_of_day = datetime.datetime(2026, 12, 25, 23, 59, 59, tzinfo=zone)
    five_pm = datetime.datetime(2026, 12, 25, 17, 0, tzinfo=zone)
    for deadline, expected in [(end_of_day, "Applications closed on Dec. 25, 2026."), (five_pm, "5 p.m.")]:
        Cohort.objects.filter(pk=cohort.pk).update(application_deadline=deadline)
        cohort.refresh_from_db()
        with time_machine.travel(deadline + datetime.timedelta(hours=1)):
            with pytest.raises(ApplicationsClosed) as raised:
                _submit(cohort, bob)
        assert expected in str(raised.value)
        assert ".." not in str(raised.value)


def test_save_question_keeps_choices_only_for_choice_kinds(program):
    question = save_question(
        program=program, role="mentor", kind=Question.Kind.SHORT_TEXT, label="Why?", choices=["a", "b"]
    )
    assert question.choices == []
    question = save_question(
        program=program,
        role="mentor",
        kind=Question.Kind.CHOICE,
        label="Which?",
        choices=["a", "b"],
        question=question,
    )
    assert (question.label, question.choices) == ("Which?", ["a", "b"])


def test_save_question_appends_and_move_question_swaps(program):
    first, second, third = (
        save_question(program=program, role="mentor", kind="short_text", label=label) for label in "ABC"
    )
    move_question(question=third, up=True)
    assert [q.label for q in queries.form_questions(program, "mentor")] == ["A", "C", "B"]
    move_question(question=first, up=True)  # already first: nothing changes
    assert [q.label for q in queries.form_questions(program, "mentor")] == ["A", "C", "B"]


def test_nominate_student_invites_once_per_student(
    program, cohort, alice, frank, carol, django_capture_on_commit_callbacks
):
    url = "http://testserver/apply/1/mentor/?source=nomination"
    with django_capture_on_commit_callbacks(execute=True):
        first = nominate_student(
            program=program, nominee=carol, nominated_by=alice, role="mentor", reason="Kind", apply_url=url
        )
        second = nominate_student(
            program=program, nominee=carol, nominated_by=frank, role="mentor", reason="Calm", apply_url=url
        )
    assert first.invited_at is not None
    assert second.invited_at is None
    assert len(mail.outbox) == 1
    assert url in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="nomination.created").count() == 2


def test_nominate_student_without_open_cohort_sends_nothing(
    program, alice, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominate_student(
            program=program, nominee=carol, nominated_by=alice, role="mentee", reason="Shy", apply_url=None
        )
    assert nomination.invited_at is None
    assert mail.outbox == []


def test_submit_application_links_the_nomination(program, cohort, alice, bob):
    nomination = Nomination.objects.create(program=program, nominee=bob, nominated_by=alice, reason="x")
    application = _submit(cohort, bob, source=Application.Source.FLYER)
    assert (application.nomination, application.source) == (nomination, Application.Source.NOMINATION)


def test_recruitment_funnel_counts_per_source(program, cohort, alice, jefferson_program):
    flyer = [ApplicationFactory(cohort=cohort, source="flyer") for _ in range(3)]
    set_application_status(application=flyer[0], status=Status.SCREENING, actor=alice)
    set_application_status(application=flyer[0], status=Status.INTERVIEW, actor=alice)
    set_application_status(application=flyer[0], status=Status.DECLINED, actor=alice)  # still reached it
    set_application_status(application=flyer[1], status=Status.SCREENING, actor=alice)
    set_application_status(application=flyer[1], status=Status.APPROVED, actor=alice)
    counselor = ApplicationFactory(cohort=cohort, source="counselor", status=Status.SCREENING)
    Interview.objects.create(application=counselor, interviewer=alice, scheduled_at=timezone.now())
    ApplicationFactory(cohort=CohortFactory(program=jefferson_program), source="flyer")  # other program

    rows = {row.source: row for row in queries.recruitment_funnel(program)}

    assert list(rows) == list(Application.Source.values)
    assert (rows["flyer"].applications, rows["flyer"].reached_interview, rows["flyer"].approved) == (3, 1, 1)
    assert (rows["counselor"].applications, rows["counselor"].reached_interview) == (1, 1)
    assert rows["nomination"].applications == 0


def test_submit_application_refuses_a_grade_outside_the_program(cohort, lincoln):
    from peerpath.core.roles import Role
    from peerpath.recruitment.services.applications import NotEligible, submit_application
    from tests.factories import member

    cohort.program.min_grade, cohort.program.max_grade = 9, 10
    cohort.program.save()
    senior = member(lincoln, Role.STUDENT, grade=12, username="senior")
    with pytest.raises(NotEligible, match="This program is for grades 9 to 10."):
        submit_application(cohort=cohort, applicant=senior, role="mentee", answers={})
    assert not Application.objects.filter(applicant=senior).exists()


# The status machine: every illegal move refused, and what a move does to the participant ---------

ILLEGAL_MOVES = [(old, new) for old in Status.values for new in Status.values if new not in TRANSITIONS[old]]


def test_illegal_moves_are_every_move_outside_the_machine():
    # Guard against the parametrisation below shrinking: 7 statuses, 7 x 7 moves, 20 allowed.
    assert len(ILLEGAL_MOVES) == 49 - 20


@pytest.mark.parametrize(("old", "new"), ILLEGAL_MOVES)
def test_set_application_status_refuses_every_illegal_move(cohort, alice, bob, old, new):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status=old)
    with pytest.raises(IllegalTransition):
        set_application_status(application=application, status=new, actor=alice)
    application.refresh_from_db()
    assert application.status == old
    assert not AuditEntry.objects.filter(action="application.status_changed").exists()
    assert not Participant.objects.exists()


def test_withdrawing_an_approved_application_withdraws_the_participant(cohort, alice, bob):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status=Status.SCREENING)
    set_application_status(application=application, status=Status.APPROVED, actor=alice)
    assert Participant.objects.get(user=bob).status == Participant.Status.ENROLLED

    set_application_status(application=application, status=Status.WITHDRAWN, actor=bob, reason="Moving")

    participant = Participant.objects.get(user=bob)
    assert participant.status == Participant.Status.WITHDRAWN
    entry = AuditEntry.objects.get(action="participant.status_changed")
    assert (entry.actor, entry.detail) == (
        bob,
        {"from": "enrolled", "to": "withdrawn", "reason": "Moving", "role": "mentor"},
    )


def test_reopening_and_approving_again_enrolls_the_same_participant(cohort, alice, bob):
    application = ApplicationFactory(cohort=cohort, applicant=bob, status=Status.SCREENING)
    set_application_status(application=application, status=Status.APPROVED, actor=alice)
    first = Participant.objects.get(user=bob)
    for status in [Status.WITHDRAWN, Status.SCREENING, Status.APPROVED]:
        set_application_status(application=application, status=status, actor=alice)
    assert list(Participant.objects.filter(user=bob).values_list("pk", "status")) == [(first.pk, "enrolled")]


def test_withdrawing_an_application_that_was_never_approved_touches_no_participant(cohort, alice, carol):
    ParticipantFactory(cohort=cohort, user=carol, role="mentor")  # enrolled some other way
    application = ApplicationFactory(cohort=cohort, applicant=carol, status=Status.SCREENING)
    set_application_status(application=application, status=Status.WITHDRAWN, actor=carol)
    assert Participant.objects.get(user=carol).status == Participant.Status.ENROLLED


def test_approving_a_mentor_who_is_an_enrolled_mentee_is_refused(cohort, alice, carol):
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    application = ApplicationFactory(cohort=cohort, applicant=carol, role="mentor", status=Status.SCREENING)
    with pytest.raises(OneRolePerCohort, match="is already a mentee in 2026-27"):
        set_application_status(application=application, status=Status.APPROVED, actor=alice)
    application.refresh_from_db()
    assert application.status == Status.SCREENING
    assert not Participant.objects.filter(user=carol, role="mentor").exists()


def test_approving_both_roles_in_a_cross_age_program_is_allowed(cohort, program, alice, carol):
    program.model = "cross_age"
    program.save()
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    application = ApplicationFactory(cohort=cohort, applicant=carol, role="mentor", status=Status.SCREENING)
    set_application_status(application=application, status=Status.APPROVED, actor=alice)
    assert set(Participant.objects.filter(user=carol).values_list("role", flat=True)) == {"mentor", "mentee"}


def test_bulk_approval_skips_a_person_in_the_other_role_with_the_reason(cohort, alice, bob, carol):
    from peerpath.recruitment.services.screening import bulk_set_application_status

    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    applications = [
        ApplicationFactory(cohort=cohort, applicant=user, role="mentor", status=Status.SCREENING)
        for user in (bob, carol)
    ]
    result = bulk_set_application_status(applications=applications, status=Status.APPROVED, actor=alice)
    assert [a.applicant for a in result.moved] == [bob]
    assert [(a.applicant, "one role per cohort" in reason) for a, reason in result.skipped] == [(carol, True)]


def test_submit_application_before_the_window_says_not_open_yet(cohort, bob):
    with time_machine.travel(cohort.applications_open_at - datetime.timedelta(hours=1)):
        with pytest.raises(ApplicationsClosed) as refused:
            _submit(cohort, bob)
    assert str(refused.value) == "Applications for this program are not open yet."


def test_submit_application_twice_names_the_cohort_and_hands_back_the_first(cohort, bob):
    first = _submit(cohort, bob, uuid.uuid4())
    with pytest.raises(AlreadyApplied) as refused:
        _submit(cohort, bob, uuid.uuid4())
    assert str(refused.value) == f"You have already applied to this program for {cohort.name}."
    assert refused.value.application == first


def test_submit_application_is_not_blocked_by_someone_elses_or_another_roles_application(
    cohort, bob, lincoln
):
    other = member(lincoln, Role.STUDENT, username="other", grade=11)
    ApplicationFactory(cohort=cohort, applicant=other, role="mentor")
    ApplicationFactory(cohort=CohortFactory(program=cohort.program, name="Next year"), applicant=bob)

    application = _submit(cohort, bob)

    assert (application.applicant, application.cohort) == (bob, cohort)


def test_submit_application_audits_the_application_its_school_and_address(cohort, bob, rf):
    application = _submit(cohort, bob, request=rf.post("/", REMOTE_ADDR="203.0.113.8"))
    entry = AuditEntry.objects.get(action="application.submitted")
    assert (entry.actor, entry.target_id, entry.organization_id) == (
        bob,
        str(application.pk),
        cohort.program.organization_id,
    )
    assert entry.ip_address == "203.0.113.8"


def test_submit_application_links_only_the_nomination_of_this_program_role_and_student(
    cohort, alice, bob, lincoln
):
    other_program = ProgramFactory(organization=lincoln, name="Other", slug="other")
    someone = member(lincoln, Role.STUDENT, username="someone", grade=11)
    for program, nominee, role in [
        (other_program, bob, "mentor"),  # another program
        (cohort.program, bob, "mentee"),  # another role
        (cohort.program, someone, "mentor"),  # another student
    ]:
        Nomination.objects.create(
            program=program, nominee=nominee, role=role, nominated_by=alice, reason="Kind"
        )

    application = _submit(cohort, bob)

    assert application.nomination is None
    assert application.source != Application.Source.NOMINATION
