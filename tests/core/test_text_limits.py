"""Free text has a length cap everywhere, shown to the user (peerpath.core.forms.SiteBoundField)."""

import uuid

import pytest
from django.urls import reverse

from peerpath.core.forms import TEXT_MAX_LENGTH
from peerpath.recruitment.models import Application, Question
from tests.programs.test_programs import program_data

pytestmark = pytest.mark.django_db


def test_program_form_shows_the_description_limit(client, alice, program):
    client.force_login(alice)

    content = client.get(reverse("program_edit", args=[program.pk])).content.decode()

    assert f'name="description" cols="40" rows="3" maxlength="{TEXT_MAX_LENGTH}"' in content
    assert "Up to 5,000 characters." in content


@pytest.mark.parametrize(("length", "saved"), [(TEXT_MAX_LENGTH, True), (TEXT_MAX_LENGTH + 1, False)])
def test_program_description_is_capped(client, alice, program, length, saved):
    client.force_login(alice)
    description = "x" * length

    response = client.post(
        reverse("program_edit", args=[program.pk]), program_data(slug=program.slug, description=description)
    )

    program.refresh_from_db()
    assert (program.description == description) is saved
    if not saved:
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"description"}
        assert f"at most {TEXT_MAX_LENGTH} characters (it has {length})" in response.content.decode()
        assert description in response.content.decode()  # what was typed is kept


def test_a_long_description_is_refused_before_it_is_stored(client, alice, program):
    client.force_login(alice)

    client.post(
        reverse("program_edit", args=[program.pk]), program_data(slug=program.slug, description="x" * 60_000)
    )

    program.refresh_from_db()
    assert len(program.description) < 60_000


@pytest.fixture
def long_question(cohort):
    return Question.objects.create(
        program=cohort.program,
        role="mentor",
        kind=Question.Kind.LONG_TEXT,
        label="Why?",
        help_text="Be honest.",
    )


def test_apply_page_shows_the_answer_limit(client, bob, cohort, long_question):
    client.force_login(bob)

    content = client.get(reverse("application_apply", args=[cohort.pk, "mentor"])).content.decode()

    assert f'name="question_{long_question.pk}" cols="40" rows="4" maxlength="5000"' in content
    assert "Be honest. Up to 5,000 characters." in content
    assert "Up to 3,000 characters." in content  # "About me"


@pytest.mark.parametrize(("length", "saved"), [(5000, True), (5001, False)])
def test_application_answer_is_capped(client, bob, cohort, long_question, length, saved):
    client.force_login(bob)
    answer = "y" * length

    response = client.post(
        reverse("application_apply", args=[cohort.pk, "mentor"]),
        {"submit_token": str(uuid.uuid4()), "source": "flyer", f"question_{long_question.pk}": answer},
    )

    assert Application.objects.exists() is saved
    if saved:
        assert Application.objects.get().answers[str(long_question.pk)]["answer"] == answer
    else:
        assert f"at most 5000 characters (it has {length})" in response.content.decode()
