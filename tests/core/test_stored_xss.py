"""Stored XSS: text that staff or students type is shown escaped on every page that renders it.

Django's form templates print a field's help text with `|safe`; the site's form renderer escapes it
(peerpath.core.forms.FormRenderer). The lesson body, the one place rendered as HTML, is sanitised
(tests/training/test_modules.py).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.recruitment.models import Application, Interview, Question, RubricCriterion
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror="alert(1)">'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


def test_apply_page_escapes_a_question_help_text(client, bob, cohort):
    for kind in [Question.Kind.LONG_TEXT, Question.Kind.CHOICE]:
        Question.objects.create(
            program=cohort.program,
            role="mentor",
            kind=kind,
            label=f"Question {kind}",
            help_text=PAYLOAD,
            choices=["a", "b"],
        )
    client.force_login(bob)

    content = client.get(reverse("application_apply", args=[cohort.pk, "mentor"])).content.decode()

    assert PAYLOAD not in content
    assert content.count(ESCAPED) == 2


def test_form_builder_escapes_a_question_help_text(client, alice, program):
    Question.objects.create(program=program, role="mentor", label="Why?", help_text=PAYLOAD)
    client.force_login(alice)

    content = client.get(reverse("application_form_edit", args=[program.pk, "mentor"])).content.decode()

    assert PAYLOAD not in content
    assert ESCAPED in content


def test_interview_score_page_escapes_a_rubric_description(client, alice, cohort, bob):
    RubricCriterion.objects.create(program=cohort.program, name="Listening", description=PAYLOAD)
    application = ApplicationFactory(cohort=cohort, applicant=bob, status=Application.Status.SCREENING)
    interview = Interview.objects.create(
        application=application,
        interviewer=alice,
        scheduled_at=timezone.now() + datetime.timedelta(days=1),
        location="Room 12",
    )
    client.force_login(alice)

    content = client.get(reverse("interview_score", args=[interview.pk])).content.decode()

    assert PAYLOAD not in content
    assert ESCAPED in content


def test_safe_help_text_keeps_its_html_on_the_password_change_page(client, bob):
    """Help text that is already safe HTML (Django's password rules, allauth's link) is not escaped."""
    client.force_login(bob)

    content = client.get(reverse("account_change_password")).content.decode()

    assert '<span class="helptext" id="id_password1_helptext"><ul><li>' in content
    assert f'<a href="{reverse("account_reset_password")}">' in content
