"""A program's matching settings page and its live preview (which stores nothing)."""

import pytest
from django.urls import reverse

from peerpath.core.models import AuditEntry
from peerpath.matching.forms.settings import MatchSettingsForm
from peerpath.matching.models import MatchRound, MatchSettings, Profile, Proposal
from peerpath.matching.services import rounds as services
from tests.factories import ApplicationFactory, ParticipantFactory
from tests.matching.people import add_mentee, add_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(cohort, lincoln):
    return {
        "ann": add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"]),
        "ben": add_mentor(cohort, lincoln, "ben", interests=["soccer"]),
        "ria": add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"]),
        "sam": add_mentee(cohort, lincoln, "sam", interests=["soccer"]),
        "zoe": add_mentee(cohort, lincoln, "zoe", availability=["fri-after"]),
    }


def settings_data(program, **overrides):
    """What the page posts for the program's current settings, with `overrides`."""
    initial = MatchSettingsForm.for_settings(services.settings_for(program)).initial
    data = {**initial, **overrides}
    return {name: value for name, value in data.items() if value is not False}  # unticked boxes are absent


def urls(program):
    return [
        reverse("matching_settings", args=[program.pk]),
        reverse("matching_settings_preview", args=[program.pk]),
    ]


def snapshot():
    return (
        list(MatchSettings.objects.values_list("pk", "weight_interests", "mode")),
        MatchRound.objects.count(),
        AuditEntry.objects.filter(action__startswith="matching.").count(),
    )


# Authorization -------------------------------------------------------------------------------------


def test_dave_gets_404_and_changes_nothing(client, dave, jefferson_program, program):
    data = settings_data(program, weight_interests=4)
    before = snapshot()
    client.force_login(dave)
    page = client.get(urls(program)[0])
    assert page.status_code == 404
    assert b"Lincoln" not in page.content
    for url in urls(program):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_anonymous_goes_to_login(client, program):
    data = settings_data(program, weight_interests=4)
    before = snapshot()
    assert client.get(urls(program)[0]).url.startswith(reverse("account_login"))
    for url in urls(program):
        assert client.post(url, data).url.startswith(reverse("account_login")), url
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["bob", "carol", "frank"])
def test_students_and_educators_cannot_open_the_settings(client, request, program, cohort, persona):
    person = request.getfixturevalue(persona)
    ParticipantFactory(cohort=cohort, user=request.getfixturevalue("bob"), role="mentor")
    data = settings_data(program, weight_interests=4)
    before = snapshot()
    client.force_login(person)
    assert client.get(urls(program)[0]).status_code == 404
    for url in urls(program):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


# The page ------------------------------------------------------------------------------------------


def test_settings_page_shows_sliders_with_values(client, alice, program):
    client.force_login(alice)

    html = client.get(urls(program)[0]).content.decode()

    slider = 'type="range" name="weight_interests" id="id_weight_interests" min="0" max="5" step="0.25"'
    assert f'{slider} value="1.0"' in html
    assert '<output for="id_weight_interests" id="id_weight_interests_value">1.0</output>' in html
    assert '<label for="id_weight_interests">Shared interests</label>' in html
    assert reverse("interest_vocabulary", args=[program.organization.slug]) in html
    assert 'hx-post="' + urls(program)[1] in html


def test_saving_weights_and_constraints_persists(client, alice, program):
    client.force_login(alice)
    data = settings_data(
        program,
        weight_interests="3.5",
        mode="max_min",
        grade_gap_on="on",
        min_grade_gap="2",
        same_school=False,
    )
    data.pop("same_school", None)

    response = client.post(urls(program)[0], {**data, "action": "save"})

    assert response.status_code == 302
    settings = MatchSettings.objects.get(program=program)
    assert (settings.weight_interests, settings.mode) == (3.5, "max_min")
    assert (settings.grade_gap_on, settings.min_grade_gap, settings.same_school) == (True, 2, False)
    assert settings.constraints()["min_grade_gap"] == 2
    entry = AuditEntry.objects.get(action="matching.settings_changed")
    assert entry.detail["weight_interests"] == [1.0, 3.5]
    assert 'value="3.5"' in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9", "less than or equal to 5"),
        ("abc", "Enter a number."),
        ("0.3", "step size 0.25"),
        ("-1", "greater"),
    ],
)
def test_an_invalid_weight_shows_an_error(client, alice, program, value, message):
    client.force_login(alice)

    response = client.post(urls(program)[0], {**settings_data(program, weight_goals=value), "action": "save"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert MatchSettings.objects.get(program=program).weight_goals == 1.0


# The preview ---------------------------------------------------------------------------------------


def test_preview_renders_counts_and_reasons_and_stores_nothing(client, alice, program, cohort, pool, lincoln):
    late = ParticipantFactory(cohort=cohort, role="mentee")  # no profile yet: the preview must not make one
    ApplicationFactory(cohort=cohort, applicant=late.user, role="mentee")
    client.force_login(alice)
    client.get(urls(program)[0])
    profiles = Profile.objects.count()
    data = settings_data(
        program, weight_interests="5"
    )  # saves the program's settings, as a first round would
    before = snapshot()

    response = client.post(urls(program)[1], data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # the partial only
    assert "Mentees matched" in html
    assert "2 of 4" in html  # ria and sam; zoe's timetable fits nobody, the late mentee is not cleared
    assert "both like chess and robotics" in html
    assert pool["ria"].get_full_name() in html
    assert snapshot() == before
    assert MatchRound.objects.count() == 0
    assert Proposal.objects.count() == 0
    assert Profile.objects.count() == profiles
    assert MatchSettings.objects.get(program=program).weight_interests == 1.0


def test_preview_follows_the_unsaved_constraints(client, alice, program, cohort, lincoln, pool):
    add_mentor(cohort, lincoln, "cyd")
    client.force_login(alice)

    with_rule = client.post(urls(program)[1], settings_data(program)).content.decode()
    without = client.post(urls(program)[1], settings_data(program, shared_slots_on=False)).content.decode()

    assert "2 of 3" in with_rule
    assert "3 of 3" in without  # without the shared-periods rule, zoe gets a mentor too
    assert services.settings_for(program).shared_slots_on is True


def test_preview_with_invalid_input_shows_errors(client, alice, program, pool):
    client.force_login(alice)

    response = client.post(urls(program)[1], settings_data(program, weight_language="abc"))

    assert response.status_code == 200  # htmx swaps it in
    assert "Correct the settings marked in the form" in response.content.decode()
    assert "Enter a number." in response.content.decode()


def test_preview_without_javascript_renders_the_page_and_saves_nothing(client, alice, program, pool):
    client.force_login(alice)

    response = client.post(
        urls(program)[0], {**settings_data(program, weight_interests="4"), "action": "preview"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Mentees matched" in html
    assert 'value="4"' in html  # the form keeps the unsaved value
    assert MatchSettings.objects.get(program=program).weight_interests == 1.0
    assert MatchRound.objects.count() == 0


def test_preview_without_a_cohort(client, alice, program):
    client.force_login(alice)

    html = client.post(urls(program)[1], settings_data(program)).content.decode()

    assert "no cohort yet" in html


def test_a_program_coordinator_without_a_school_role_gets_no_link_to_the_interest_list(client, program):
    from peerpath.core.roles import Role
    from peerpath.programs.models import ProgramStaff
    from tests.factories import give_totp, member

    # An educator of the school (a ProgramStaff row counts only while its person is active staff there)
    # who coordinates the program, without the school's coordinator role.
    coordinator = member(program.organization, Role.EDUCATOR, username="pat")
    give_totp(coordinator)
    ProgramStaff.objects.create(program=program, user=coordinator, role=ProgramStaff.Role.COORDINATOR)
    client.force_login(coordinator)

    html = client.get(urls(program)[0]).content.decode()

    assert "Rules every proposed pair must follow" in html
    assert reverse("interest_vocabulary", args=[program.organization.slug]) not in html
    assert client.get(reverse("interest_vocabulary", args=[program.organization.slug])).status_code == 404


def test_slider_values_are_not_localized(client, alice, program):
    alice.preferred_language = "es"
    alice.save(update_fields=["preferred_language"])
    client.force_login(alice)

    html = client.get(urls(program)[0]).content.decode()

    assert (
        'name="weight_background" id="id_weight_background" min="0" max="5" step="0.25" value="0.25"' in html
    )
    assert 'value="0,25"' not in html  # a comma would not be a number to the browser
    assert 'step="0,25"' not in html


def test_reading_pages_create_no_settings_row_and_the_first_save_does(client, alice, program):
    from peerpath.programs.models import Program

    Program.objects.filter(pk=program.pk).update(model=Program.Model.CROSS_AGE, min_grade_gap=3)
    client.force_login(alice)

    settings_page = client.get(urls(program)[0])
    assert client.get(reverse("match_rounds", args=[program.pk])).status_code == 200

    assert settings_page.status_code == 200
    assert not MatchSettings.objects.exists()
    shown = settings_page.context["form"].initial
    assert (shown["grade_gap_on"], shown["min_grade_gap"]) == (True, 3)  # the model's defaults, unsaved

    data = {**shown, "weight_interests": "4"}
    client.post(urls(program)[0], {name: value for name, value in data.items() if value is not False})

    saved = MatchSettings.objects.get(program=program)
    assert saved.weight_interests == 4.0
    assert AuditEntry.objects.filter(action="matching.settings_changed").count() == 1
