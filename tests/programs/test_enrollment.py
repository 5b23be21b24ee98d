import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerpath.accounts.models import Membership
from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.programs.models import Participant
from peerpath.recruitment.models import Consent, Nomination
from peerpath.recruitment.services.enrollment import enroll_rows, validate_enrollment_csv
from tests.factories import ConsentFactory, GuardianLinkFactory, ParticipantFactory, born_years_ago, member

pytestmark = pytest.mark.django_db


def csv_file(text, name="students.csv"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


# Self-signup -------------------------------------------------------------------------------------


def test_student_signs_up_as_mentee(client, bob, program, cohort):
    client.force_login(bob)
    page = client.get(reverse("enrollment_join", args=[program.pk]))
    assert "Sign me up as a mentee" in page.content.decode()
    response = client.post(reverse("enrollment_signup", args=[program.pk]), follow=True)
    participant = Participant.objects.get(cohort=cohort, user=bob)
    assert (participant.role, participant.source) == ("mentee", "self_signup")
    assert "You are signed up as a mentee" in response.content.decode()
    assert AuditEntry.objects.filter(action="enrollment.self_signup", actor=bob).count() == 1


def test_signing_up_twice_makes_no_duplicate(client, bob, program, cohort):
    client.force_login(bob)
    client.post(reverse("enrollment_signup", args=[program.pk]))
    response = client.post(reverse("enrollment_signup", args=[program.pk]), follow=True)
    assert "You are already signed up" in response.content.decode()
    assert Participant.objects.filter(cohort=cohort, user=bob).count() == 1


def test_under_13_sees_the_consent_gate(client, lincoln, program, cohort):
    kid = member(lincoln, Role.STUDENT, username="kid", date_of_birth=born_years_ago(12))
    client.force_login(kid)
    assert "You are under 13" in client.get(reverse("enrollment_join", args=[program.pk])).content.decode()
    response = client.post(reverse("enrollment_signup", args=[program.pk]), follow=True)
    assert "a parent or guardian must agree before you can take part" in response.content.decode()
    assert not Participant.objects.filter(user=kid).exists()


def test_non_student_cannot_sign_up(client, erin, program, cohort):
    client.force_login(erin)
    response = client.post(reverse("enrollment_signup", args=[program.pk]), follow=True)
    assert "Only students of Lincoln High School can sign up." in response.content.decode()
    assert not Participant.objects.exists()


# Referral ----------------------------------------------------------------------------------------


def test_educator_refers_a_student(client, frank, bob, program, cohort):
    client.force_login(frank)
    response = client.post(
        reverse("enrollment_refer", args=[program.pk]), {"student": bob.pk, "reason": "New to the school."}
    )
    assert response.status_code == 302
    participant = Participant.objects.get(cohort=cohort, user=bob)
    assert (participant.role, participant.source) == ("mentee", "referral")
    nomination = Nomination.objects.get(program=program, nominee=bob)
    assert (nomination.role, nomination.nominated_by, nomination.reason) == (
        "mentee",
        frank,
        "New to the school.",
    )
    assert AuditEntry.objects.filter(action="enrollment.referred", actor=frank).count() == 1


def test_duplicate_referral_is_refused(client, frank, bob, program, cohort):
    ParticipantFactory(cohort=cohort, user=bob, source="self_signup")
    client.force_login(frank)
    response = client.post(reverse("enrollment_refer", args=[program.pk]), {"student": bob.pk, "reason": "x"})
    assert response.status_code == 200
    assert "is already a mentee" in response.content.decode()
    assert not Nomination.objects.exists()
    assert Participant.objects.filter(user=bob).count() == 1


def test_referral_offers_only_students_of_the_school(client, frank, bob, dave, program, cohort):
    client.force_login(frank)
    response = client.post(
        reverse("enrollment_refer", args=[program.pk]), {"student": dave.pk, "reason": "x"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Participant.objects.exists()


def test_student_cannot_refer(client, bob, carol, program, cohort):
    client.force_login(bob)
    assert client.get(reverse("enrollment_refer", args=[program.pk])).status_code == 404


# CSV import --------------------------------------------------------------------------------------


@pytest.fixture
def students(lincoln):
    return [
        member(lincoln, Role.STUDENT, username=f"s{number}", email=f"s{number}@example.org")
        for number in range(3)
    ]


def test_csv_with_valid_rows_enrolls_everyone(client, alice, program, cohort, students):
    client.force_login(alice)
    text = "username,email,grade\ns0,,9\n,S1@example.org,\ns2,s2@example.org,10\n"
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]), {"file": csv_file(text), "import": "1"}
    )
    assert response.status_code == 302
    enrolled = Participant.objects.filter(cohort=cohort, source="bulk", role="mentee")
    assert sorted(p.user.username for p in enrolled) == ["s0", "s1", "s2"]
    entry = AuditEntry.objects.get(action="enrollment.bulk_imported")
    assert entry.detail["enrolled"] == 3


def test_csv_wrong_header_gives_one_error(client, alice, program, cohort, students):
    client.force_login(alice)
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]), {"file": csv_file("name,mail\ns0,x\n"), "import": "1"}
    )
    content = response.content.decode()
    assert content.count("The first line must be the header") == 1
    assert "username,email,grade" in content
    assert not Participant.objects.exists()


def test_csv_reports_every_problem_with_its_line_and_imports_nothing(
    client, alice, program, cohort, students, carol, dave
):
    ParticipantFactory(cohort=cohort, user=carol)
    text = (
        "username,email,grade\n"
        "s0,,9\n"  # 2 valid
        "ghost,,9\n"  # 3 unknown
        "s1,not-an-email,\n"  # 4 bad e-mail
        "dave,,\n"  # 5 another school
        "s0,,9\n"  # 6 duplicate of line 2
        "carol,,\n"  # 7 already enrolled
        "s2,,\n"  # 8 valid
    )
    client.force_login(alice)
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]), {"file": csv_file(text), "import": "1"}
    )
    report = response.context["report"]
    problems = {row.line: " ".join(row.problems) for row in report.problem_rows}
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "No student account" in problems[3]
    assert "not a valid e-mail address" in problems[4]
    assert "not a student at Lincoln High School" in problems[5]
    assert "same student as on line 2" in problems[6]
    assert "already enrolled" in problems[7]
    assert [row.line for row in report.valid_rows] == [2, 8]
    assert "Nothing was imported" in response.content.decode()
    assert Participant.objects.filter(source="bulk").count() == 0
    # The content travels in a hidden field: tick the box and resubmit without uploading again.
    hidden = response.context["form"].initial["content"]
    assert hidden == text
    assert 'type="hidden" name="content"' in response.content.decode()
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]),
        {"content": hidden, "import_valid_only": "on", "import": "1"},
    )
    assert response.status_code == 302
    assert sorted(p.user.username for p in Participant.objects.filter(source="bulk")) == ["s0", "s2"]


def test_csv_check_shows_preview_without_importing(client, alice, program, cohort, students):
    client.force_login(alice)
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]),
        {"file": csv_file("username,email,grade\ns0,,9\n"), "check": "1"},
    )
    content = response.content.decode()
    assert "1 student will be enrolled as a mentee" in content
    assert '<th scope="row">2</th>' in content
    assert not Participant.objects.exists()


def test_csv_must_be_utf8_text(client, alice, program, cohort):
    client.force_login(alice)
    latin1 = "username,email,grade\nJosé,,9\n".encode("latin-1")
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]), {"file": csv_file(latin1), "import": "1"}
    )
    assert "not UTF-8 text" in response.content.decode()


def test_csv_larger_than_1_mb_is_refused(client, alice, program, cohort):
    client.force_login(alice)
    big = "username,email,grade\n" + "x,,\n" * 300_000
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]), {"file": csv_file(big), "import": "1"}
    )
    assert "larger than 1 MB" in response.content.decode()
    assert not Participant.objects.exists()


def test_educator_cannot_import_csv(client, frank, program, cohort):
    client.force_login(frank)
    assert client.get(reverse("enrollment_csv", args=[program.pk])).status_code == 404


cell = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_csv_validation_never_raises_on_any_text(program, cohort, text):
    report = validate_enrollment_csv(program=program, cohort=cohort, content=text)
    assert len(report.valid_rows) + len(report.problem_rows) == report.data_row_count


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=4), max_size=8))
def test_csv_every_data_row_is_either_valid_or_a_problem(program, cohort, bob, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["username", "email", "grade"])
    writer.writerows([*rows, ["bob", "", "11"]])
    report = validate_enrollment_csv(program=program, cohort=cohort, content=buffer.getvalue())
    data_rows = sum(1 for row in [*rows, ["bob"]] if any(value.strip() for value in row))
    assert not report.header_error
    assert len(report.valid_rows) + len(report.problem_rows) == data_rows


# Participants list -------------------------------------------------------------------------------


def test_participant_list_shows_role_source_and_open_gates(client, frank, program, cohort, carol, erin, bob):
    ParticipantFactory(cohort=cohort, user=carol, source="referral")
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    client.force_login(frank)
    response = client.get(reverse("participant_list", args=[program.pk]))
    content = response.content.decode()
    rows = {row.participant.user.username: row for row in response.context["rows"]}
    assert [gate.key for gate in rows["carol"].open_gates] == ["consent"]
    assert {gate.key for gate in rows["bob"].open_gates} == {"approved", "screened", "consent"}
    assert "Referral" in content
    assert "Guardian consent (waiting for a guardian)" in content


@pytest.mark.parametrize("extra", [1, 3])
def test_participant_list_queries_do_not_grow(
    client, alice, program, cohort, lincoln, django_assert_num_queries, extra
):
    for number in range(extra):
        ParticipantFactory(cohort=cohort, user=member(lincoln, Role.STUDENT, username=f"p{number}"))
    client.force_login(alice)
    client.get(reverse("participant_list", args=[program.pk]))
    with django_assert_num_queries(17):
        response = client.get(reverse("participant_list", args=[program.pk]))
    assert len(response.context["rows"]) == extra


# Tenancy -----------------------------------------------------------------------------------------


def lincoln_enrollment_urls(program):
    return [
        reverse(name, args=[program.pk])
        for name in [
            "enrollment_join",
            "enrollment_signup",
            "enrollment_refer",
            "enrollment_csv",
            "participant_list",
        ]
    ]


def test_every_lincoln_enrollment_page_is_404_for_dave(client, dave, program, cohort):
    client.force_login(dave)
    for url in lincoln_enrollment_urls(program):
        if not url.endswith("/signup/"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert b"Lincoln" not in response.content
        assert client.post(url, {"student": dave.pk, "reason": "x"}).status_code == 404, url
    assert not Participant.objects.exists()


def test_enrollment_pages_send_anonymous_to_login(client, program, cohort):
    for url in lincoln_enrollment_urls(program):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_partner_school_student_can_apply_and_join(client, lincoln, jefferson, program, cohort):
    program.partner_schools.add(jefferson)
    eighth_grader = member(
        jefferson, Role.STUDENT, grade=8, username="eighth", date_of_birth=born_years_ago(14)
    )
    client.force_login(eighth_grader)
    assert (
        "Apply as mentee"
        in client.get(reverse("program_public", args=[lincoln.slug, program.slug])).content.decode()
    )
    assert client.get(reverse("application_apply", args=[cohort.pk, "mentee"])).status_code == 200
    client.post(reverse("enrollment_signup", args=[program.pk]))
    assert Participant.objects.filter(user=eighth_grader, cohort=cohort, role="mentee").exists()


def test_partner_school_student_cannot_see_an_unpublished_program(client, jefferson, program, cohort):
    program.partner_schools.add(jefferson)
    program.is_published = False
    program.save()
    student = member(jefferson, Role.STUDENT, grade=8, username="eighth2")
    client.force_login(student)
    assert client.get(reverse("application_apply", args=[cohort.pk, "mentee"])).status_code == 404


# CSV import: the rules of every enrollment, at the service level ---------------------------------


def _check(program, cohort, text):
    return validate_enrollment_csv(program=program, cohort=cohort, content="username,email,grade\n" + text)


def _problems(report):
    return {row.line: " ".join(row.problems) for row in report.problem_rows}


def test_csv_grade_outside_the_program_is_refused_with_the_reason(program, cohort, lincoln):
    program.min_grade, program.max_grade = 9, 10
    program.save()
    member(lincoln, Role.STUDENT, username="nograde")
    report = _check(program, cohort, "nograde,,12\n")
    assert "This program is for grades 9 to 10." in _problems(report)[2]


def test_csv_grade_that_contradicts_the_school_record_is_a_problem(program, cohort, bob):
    report = _check(program, cohort, "bob,,9\n")  # the school says 11
    assert _problems(report) == {2: "The file says grade 9, but the school records grade 11."}


def test_csv_grade_equal_to_the_record_is_fine(program, cohort, bob):
    assert [row.line for row in _check(program, cohort, "bob,,11\n").valid_rows] == [2]


def test_csv_import_records_a_grade_the_school_did_not_have(program, cohort, alice, lincoln):
    student = member(lincoln, Role.STUDENT, username="fresh")
    report = _check(program, cohort, "fresh,,10\n")
    enroll_rows(cohort=cohort, report=report, actor=alice)
    assert Membership.objects.get(user=student).grade == 10
    entry = AuditEntry.objects.get(action="enrollment.bulk_imported")
    assert entry.detail["grades_recorded"] == {str(student.pk): 10}


def test_csv_inactive_membership_or_account_is_refused(program, cohort, lincoln):
    left = member(lincoln, Role.STUDENT, username="left")
    Membership.objects.filter(user=left).update(is_active=False)
    member(lincoln, Role.STUDENT, username="locked", is_active=False)
    report = _check(program, cohort, "left,,\nlocked,,\n")
    assert _problems(report) == {
        2: "left is not a student at Lincoln High School.",
        3: "locked is not a student at Lincoln High School.",
    }


def test_csv_enrolled_mentor_is_refused_one_role_per_cohort(program, cohort, bob):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    assert "a person takes one role per cohort" in _problems(_check(program, cohort, "bob,,\n"))[2]


def test_csv_under_13_is_refused_and_importing_asks_the_guardian(
    client, alice, program, cohort, lincoln, students, django_capture_on_commit_callbacks
):
    kid = member(lincoln, Role.STUDENT, username="kid", date_of_birth=born_years_ago(12))
    guardian = member(lincoln, Role.GUARDIAN, username="kid-parent")
    GuardianLinkFactory(guardian=guardian, student=kid, organization=lincoln)
    client.force_login(alice)
    text = "username,email,grade\ns0,,\nkid,,\n"
    preview = client.post(
        reverse("enrollment_csv", args=[program.pk]), {"file": csv_file(text), "check": "1"}
    )
    assert "is under 13: a parent or guardian must agree" in preview.content.decode()
    assert not Consent.objects.exists()  # checking the file sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enrollment_csv", args=[program.pk]),
            {"content": text, "import_valid_only": "on", "import": "1"},
            follow=True,
        )
    assert [p.user.username for p in Participant.objects.all()] == ["s0"]
    assert Consent.objects.get(student=kid).status == Consent.Status.REQUESTED
    assert [message.to for message in mail.outbox] == [[guardian.email]]
    content = response.content.decode()
    assert "Line 3:" in content
    assert "We have e-mailed their guardian" in content
    assert AuditEntry.objects.get(action="enrollment.bulk_imported").detail["consent_requested_lines"] == [3]


def test_csv_of_only_under_13s_can_still_ask_their_guardians(client, alice, program, cohort, lincoln):
    kid = member(lincoln, Role.STUDENT, username="kid", date_of_birth=born_years_ago(12))
    GuardianLinkFactory(guardian=member(lincoln, Role.GUARDIAN), student=kid, organization=lincoln)
    client.force_login(alice)
    text = "username,email,grade\nkid,,\n"
    response = client.post(
        reverse("enrollment_csv", args=[program.pk]), {"file": csv_file(text), "check": "1"}
    )
    assert 'name="import_valid_only"' in response.content.decode()
    client.post(
        reverse("enrollment_csv", args=[program.pk]),
        {"content": text, "import_valid_only": "on", "import": "1"},
    )
    assert Consent.objects.filter(student=kid).exists()
    assert not Participant.objects.exists()


def test_csv_under_13_with_consent_is_enrolled(program, cohort, alice, lincoln):
    kid = member(lincoln, Role.STUDENT, username="kid", date_of_birth=born_years_ago(12))
    ConsentFactory(program=program, student=kid)
    report = _check(program, cohort, "kid,,\n")
    assert [p.user for p in enroll_rows(cohort=cohort, report=report, actor=alice)] == [kid]


def test_enroll_rows_checks_the_rules_again_at_import(program, cohort, alice, bob, students):
    report = _check(program, cohort, "bob,,\ns0,,\n")
    assert len(report.valid_rows) == 2
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")  # approved as a mentor meanwhile
    Membership.objects.filter(user=students[0]).update(is_active=False)  # left the school meanwhile
    assert enroll_rows(cohort=cohort, report=report, actor=alice) == []
    problems = _problems(report)
    assert "one role per cohort" in problems[2]
    assert "not a student" in problems[3]
    assert not Participant.objects.filter(role="mentee").exists()


def test_csv_brings_a_withdrawn_mentee_back(program, cohort, alice, carol):
    withdrawn = ParticipantFactory(cohort=cohort, user=carol, status=Participant.Status.WITHDRAWN)
    report = _check(program, cohort, "carol,,\n")
    assert [row.line for row in report.valid_rows] == [2]
    participants = enroll_rows(cohort=cohort, report=report, actor=alice)
    assert [p.pk for p in participants] == [withdrawn.pk]
    assert Participant.objects.get(pk=withdrawn.pk).status == Participant.Status.ENROLLED
    assert AuditEntry.objects.filter(action="participant.status_changed", actor=alice).count() == 1


def test_referral_page_shows_the_consent_reason_not_an_error_page(client, frank, program, cohort, lincoln):
    kid = member(lincoln, Role.STUDENT, username="kid", date_of_birth=born_years_ago(12))
    client.force_login(frank)
    response = client.post(reverse("enrollment_refer", args=[program.pk]), {"student": kid.pk, "reason": "x"})
    assert response.status_code == 200
    assert "is under 13" in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_csv_check_queries_do_not_grow_with_the_rules(
    program, cohort, lincoln, django_assert_num_queries, count
):
    for number in range(count):
        member(lincoln, Role.STUDENT, username=f"n{number}", date_of_birth=born_years_ago(12))
    text = "".join(f"n{number},,\n" for number in range(count))
    with django_assert_num_queries(5):  # students, memberships, partner schools, participants, consents
        report = _check(program, cohort, text)
    assert len(report.consent_rows) == count
