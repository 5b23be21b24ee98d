"""Matching profile pages: editing one's own profile (or, for coordinators, anyone's), the avoid list, and
an organization's interest vocabulary; and who may see them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerpath.core.models import AuditEntry
from peerpath.matching.models import InterestTag, Preference, Profile
from peerpath.matching.services import rounds as services
from peerpath.programs.models import Participant, Program
from tests.factories import ApplicationFactory, ParticipantFactory
from tests.matching.people import WEEK, add_mentee, add_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_mentor(cohort, bob):
    return ParticipantFactory(cohort=cohort, user=bob, role="mentor")


@pytest.fixture
def carol_mentee(cohort, carol):
    ApplicationFactory(
        cohort=cohort,
        applicant=carol,
        role="mentee",
        interests=["Robotics", "Drawing"],
        goals=["study skills", "Learn to juggle"],
        languages=["English"],
        availability=["mon-1", "tue-lunch"],
        about="I like robots.",
    )
    return ParticipantFactory(cohort=cohort, user=carol, role="mentee")


@pytest.fixture
def vocabulary(lincoln):
    return [InterestTag.objects.create(organization=lincoln, name=name) for name in ["Robotics", "Soccer"]]


@pytest.fixture
def preference(cohort, carol_mentee, bob_mentor, carol, bob):
    return Preference.objects.create(cohort=cohort, mentee=carol, mentor=bob, kind="avoid", created_by=carol)


def profile_data(**overrides):
    data = {
        "interests": None,  # checkboxes from the vocabulary, when a test has one
        "other_interests": "Chess, BAKING",
        "goals": ["study skills", "confidence"],
        "languages": "english, spanish",
        "availability": ["mon-1", "wed-after"],
        "about": "I want help with algebra.",
        "gender": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def lincoln_pages(carol_mentee, tag):
    return [
        reverse("matching_profile", args=[carol_mentee.pk]),
        reverse("interest_vocabulary", args=[carol_mentee.cohort.program.organization.slug]),
        reverse("interest_rename", args=[tag.pk]),
        reverse("interest_delete", args=[tag.pk]),
    ]


def lincoln_posts(carol_mentee, tag, preference, bob):
    return [
        (reverse("matching_profile", args=[carol_mentee.pk]), profile_data()),
        (reverse("matching_preference_add", args=[carol_mentee.pk]), {"mentor": bob.pk, "kind": "request"}),
        (reverse("matching_preference_delete", args=[preference.pk]), {}),
        (reverse("interest_vocabulary", args=["lincoln-high"]), {"names": "Chess"}),
        (reverse("interest_rename", args=[tag.pk]), {"name": "Robots"}),
        (reverse("interest_delete", args=[tag.pk]), {}),
    ]


def state():
    return (
        list(Profile.objects.order_by("pk").values_list("pk", "interests", "updated_by")),
        list(Preference.objects.order_by("pk").values_list("pk", "kind")),
        list(InterestTag.objects.order_by("pk").values_list("pk", "name")),
    )


# Authorization -------------------------------------------------------------------------------------


def test_dave_gets_404_on_every_profile_page_and_changes_nothing(
    client, dave, jefferson_program, carol_mentee, vocabulary, preference, bob
):
    client.force_login(dave)
    for url in lincoln_pages(carol_mentee, vocabulary[0]):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Lincoln" not in response.content
    before = state()
    for url, data in lincoln_posts(carol_mentee, vocabulary[0], preference, bob):
        assert client.post(url, data).status_code == 404, url
    assert state() == before
    assert not AuditEntry.objects.filter(action__startswith="matching.").exists()


def test_anonymous_goes_to_login(client, carol_mentee, vocabulary, preference, bob):
    for url in lincoln_pages(carol_mentee, vocabulary[0]):
        assert client.get(url).url.startswith(reverse("account_login")), url
    before = state()
    for url, data in lincoln_posts(carol_mentee, vocabulary[0], preference, bob):
        assert client.post(url, data).url.startswith(reverse("account_login")), url
    assert state() == before


def test_a_student_cannot_open_another_students_profile(
    client, bob, bob_mentor, carol_mentee, vocabulary, preference
):
    client.force_login(bob)
    before = state()

    assert client.get(reverse("matching_profile", args=[carol_mentee.pk])).status_code == 404
    assert client.post(reverse("matching_profile", args=[carol_mentee.pk]), profile_data()).status_code == 404
    for url, data in lincoln_posts(carol_mentee, vocabulary[0], preference, bob):
        assert client.post(url, data).status_code == 404, url
    assert client.get(reverse("interest_vocabulary", args=["lincoln-high"])).status_code == 404

    assert state() == before
    # bob's own profile is his to edit.
    assert (
        "My matching profile"
        in client.get(reverse("matching_profile", args=[bob_mentor.pk])).content.decode()
    )
    assert not Profile.objects.filter(participant=bob_mentor).exists()  # a GET writes nothing


def test_an_educator_cannot_edit_profiles(client, frank, carol_mentee):
    client.force_login(frank)
    assert client.get(reverse("matching_profile", args=[carol_mentee.pk])).status_code == 404
    assert not Profile.objects.exists()  # not even created on the way


# The profile ---------------------------------------------------------------------------------------


def test_the_profile_starts_from_the_application(client, carol, carol_mentee, vocabulary):
    client.force_login(carol)

    response = client.get(reverse("matching_profile", args=[carol_mentee.pk]))

    assert response.status_code == 200
    profile = response.context["profile"]
    assert profile.pk is None  # read from the application, not stored: a GET creates no row
    assert not Profile.objects.exists()
    assert profile.interests == ["robotics", "drawing"]
    assert profile.goals == ["study skills"]
    assert "Learn to juggle" in profile.about
    html = response.content.decode()
    assert "Learn to juggle" in html
    assert 'value="robotics" id="id_interests_0" checked' in html  # from the vocabulary
    assert 'value="drawing"' in html  # not in the vocabulary: an "other interest"
    assert "Filled in from the application" in html
    assert "What would you like help with?" in html


def test_a_participant_saves_their_profile_and_sees_last_updated(client, carol, carol_mentee, vocabulary):
    client.force_login(carol)

    response = client.post(
        reverse("matching_profile", args=[carol_mentee.pk]), profile_data(interests=["robotics"])
    )

    assert response.status_code == 302
    profile = Profile.objects.get(participant=carol_mentee)
    assert profile.interests == ["robotics", "chess", "baking"]
    assert profile.goals == ["study skills", "confidence"]
    assert profile.languages == ["English", "Spanish"]
    assert profile.availability == ["mon-1", "wed-after"]
    assert profile.updated_by == carol
    page = client.get(response.url).content.decode()
    assert "Last updated" in page
    assert "by you" in page
    assert "The matching profile is saved." in page
    assert not AuditEntry.objects.filter(action="matching.profile_updated").exists()  # own edits


def test_a_coordinator_edits_a_profile_and_it_is_audited(client, alice, carol, carol_mentee):
    client.force_login(alice)
    client.get(reverse("matching_profile", args=[carol_mentee.pk]))
    assert AuditEntry.objects.filter(
        action="student_record.viewed", actor=alice, target_id=str(carol.pk)
    ).exists()

    response = client.post(
        reverse("matching_profile", args=[carol_mentee.pk]), profile_data(about="Needs help with fractions.")
    )

    assert response.status_code == 302
    profile = Profile.objects.get(participant=carol_mentee)
    assert profile.about == "Needs help with fractions."
    assert profile.updated_by == alice
    entry = AuditEntry.objects.get(action="matching.profile_updated")
    assert entry.actor == alice
    assert "about" in entry.detail["fields"]
    assert "Needs help" not in str(entry.detail)  # field names only
    client.force_login(carol)
    assert (
        "by Alice Moreno" in client.get(reverse("matching_profile", args=[carol_mentee.pk])).content.decode()
    )


def test_background_is_kept_only_with_the_opt_in(client, carol, carol_mentee):
    client.force_login(carol)
    url = reverse("matching_profile", args=[carol_mentee.pk])

    client.post(url, profile_data(background=["first_generation"], background_opt_in="on"))
    assert Profile.objects.get(participant=carol_mentee).background == ["first_generation"]

    client.post(url, profile_data(background=["first_generation"]))
    profile = Profile.objects.get(participant=carol_mentee)
    assert (profile.background_opt_in, profile.background) == (False, [])


def test_invalid_input_keeps_what_was_typed(client, carol, carol_mentee):
    client.force_login(carol)
    many = ", ".join(f"hobby {n}" for n in range(25))

    response = client.post(
        reverse("matching_profile", args=[carol_mentee.pk]), profile_data(other_interests=many)
    )

    assert response.status_code == 400
    assert "at most 20 interests" in response.content.decode()
    assert "hobby 24" in response.content.decode()
    assert not Profile.objects.filter(participant=carol_mentee).exists()  # nothing stored on a failed save


def test_mentors_see_their_own_wording_and_capacity_only_in_group_programs(client, bob, bob_mentor, program):
    client.force_login(bob)
    url = reverse("matching_profile", args=[bob_mentor.pk])
    html = client.get(url).content.decode()
    assert "What you can help with" in html
    assert 'name="capacity"' not in html

    Program.objects.filter(pk=program.pk).update(model=Program.Model.GROUP)
    assert 'name="capacity"' in client.get(url).content.decode()
    client.post(url, profile_data(capacity="3"))
    assert Profile.objects.get(participant=bob_mentor).capacity == 3


def test_peer_tutoring_asks_a_level_per_subject(client, carol, carol_mentee, program):
    Program.objects.filter(pk=program.pk).update(
        model=Program.Model.PEER_TUTORING, subjects=["Algebra", "Biology"]
    )
    client.force_login(carol)
    url = reverse("matching_profile", args=[carol_mentee.pk])
    assert "for the subjects you want help with" in client.get(url).content.decode()

    client.post(url, profile_data(subject_0="hard", subject_1=""))

    assert Profile.objects.get(participant=carol_mentee).subjects == [{"subject": "Algebra", "level": "hard"}]


# Avoid and request ---------------------------------------------------------------------------------


def test_a_mentee_adds_and_removes_a_mentor_to_avoid(client, carol, carol_mentee, bob, bob_mentor, cohort):
    client.force_login(carol)
    page = client.get(reverse("matching_profile", args=[carol_mentee.pk])).content.decode()
    assert "Bob Nguyen" in page  # offered in the list of mentors

    response = client.post(
        reverse("matching_preference_add", args=[carol_mentee.pk]), {"mentor": bob.pk, "kind": "request"}
    )

    preference = Preference.objects.get()
    assert (preference.mentee, preference.mentor, preference.kind) == (carol, bob, "avoid")  # mentees: avoid
    assert preference.created_by == carol
    assert "will not be proposed" in client.get(response.url).content.decode()

    client.post(reverse("matching_preference_delete", args=[preference.pk]))
    assert not Preference.objects.exists()


def test_a_mentee_cannot_remove_what_the_team_added(
    client, alice, carol, carol_mentee, bob, bob_mentor, cohort
):
    preference = Preference.objects.create(
        cohort=cohort, mentee=carol, mentor=bob, kind="avoid", created_by=alice
    )
    client.force_login(carol)

    response = client.post(reverse("matching_preference_delete", args=[preference.pk]), follow=True)

    assert Preference.objects.filter(pk=preference.pk).exists()
    assert "The program team added this" in response.content.decode()


def test_a_coordinator_adds_a_request_and_removes_it(client, alice, carol, carol_mentee, bob, bob_mentor):
    client.force_login(alice)

    client.post(
        reverse("matching_preference_add", args=[carol_mentee.pk]), {"mentor": bob.pk, "kind": "request"}
    )

    preference = Preference.objects.get()
    assert (preference.kind, preference.created_by) == ("request", alice)
    assert AuditEntry.objects.filter(action="matching.preference_added", actor=alice).exists()
    client.post(reverse("matching_preference_delete", args=[preference.pk]))
    assert not Preference.objects.exists()
    assert AuditEntry.objects.filter(action="matching.preference_removed", actor=alice).exists()


def test_only_mentors_of_the_cohort_can_be_named(client, carol, carol_mentee, alice):
    client.force_login(carol)
    response = client.post(
        reverse("matching_preference_add", args=[carol_mentee.pk]), {"mentor": alice.pk, "kind": "avoid"}
    )
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_the_avoid_list_is_respected_by_the_next_round(client, alice, cohort, lincoln):
    ann = add_mentor(cohort, lincoln, "ann", interests=["robotics", "chess"])
    add_mentor(cohort, lincoln, "ben", interests=["soccer"], availability=WEEK[:3])
    ria = add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"])
    ria_participant = ria.participations.get()
    client.force_login(ria)
    client.post(reverse("matching_preference_add", args=[ria_participant.pk]), {"mentor": ann.pk})
    assert Preference.objects.filter(mentee=ria, mentor=ann, kind="avoid").exists()

    round = services.start_round(cohort=cohort, actor=alice)

    proposal = round.proposals.get(mentee=ria)
    assert proposal.mentor is not None
    assert proposal.mentor != ann


# The interest vocabulary ---------------------------------------------------------------------------


def test_vocabulary_lists_tags_with_their_use(client, alice, lincoln, vocabulary, carol_mentee):
    Profile.objects.create(participant=carol_mentee, interests=["robotics", "drawing"])
    client.force_login(alice)

    response = client.get(reverse("interest_vocabulary", args=[lincoln.slug]))

    rows = [(tag.name, uses) for tag, uses in response.context["rows"]]
    assert rows == [("Robotics", 1), ("Soccer", 0)]
    assert "Robotics" in response.content.decode()


def test_vocabulary_adds_one_per_line_without_duplicates(client, alice, lincoln, vocabulary):
    client.force_login(alice)

    response = client.post(
        reverse("interest_vocabulary", args=[lincoln.slug]), {"names": "Chess\n robotics \nchess\n\nDrawing"}
    )

    assert sorted(InterestTag.objects.values_list("name", flat=True)) == [
        "Chess",
        "Drawing",
        "Robotics",
        "Soccer",
    ]
    page = client.get(response.url).content.decode()
    assert "2 interests added." in page
    assert "Already in the list, so skipped: robotics" in page


def test_vocabulary_rename_follows_into_profiles(client, alice, lincoln, vocabulary, carol_mentee):
    profile = Profile.objects.create(participant=carol_mentee, interests=["robotics", "drawing"])
    client.force_login(alice)
    url = reverse("interest_rename", args=[vocabulary[0].pk])
    assert 'value="Robotics"' in client.get(url).content.decode()

    client.post(url, {"name": "Robots and coding"})

    assert InterestTag.objects.get(pk=vocabulary[0].pk).name == "Robots and coding"
    profile.refresh_from_db()
    assert profile.interests == ["robots and coding", "drawing"]
    assert AuditEntry.objects.filter(action="matching.interest_renamed").exists()


def test_vocabulary_rename_to_an_existing_name_is_refused(client, alice, vocabulary):
    client.force_login(alice)

    response = client.post(reverse("interest_rename", args=[vocabulary[0].pk]), {"name": "SOCCER"})

    assert response.status_code == 400
    assert "already in the list" in response.content.decode()
    assert InterestTag.objects.get(pk=vocabulary[0].pk).name == "Robotics"


def test_vocabulary_delete_asks_first(client, alice, lincoln, vocabulary, carol_mentee):
    Profile.objects.create(participant=carol_mentee, interests=["robotics"])
    client.force_login(alice)
    url = reverse("interest_delete", args=[vocabulary[0].pk])

    confirm = client.get(url).content.decode()
    assert "1 profile lists it and keeps it" in confirm
    assert InterestTag.objects.filter(pk=vocabulary[0].pk).exists()

    client.post(url)

    assert list(InterestTag.objects.values_list("name", flat=True)) == ["Soccer"]
    assert Profile.objects.get(participant=carol_mentee).interests == ["robotics"]


def test_vocabulary_is_paginated(client, alice, lincoln):
    InterestTag.objects.bulk_create(InterestTag(organization=lincoln, name=f"tag {n:03}") for n in range(60))
    client.force_login(alice)

    first = client.get(reverse("interest_vocabulary", args=[lincoln.slug])).content.decode()
    second = client.get(reverse("interest_vocabulary", args=[lincoln.slug]) + "?page=2").content.decode()

    assert "tag 049" in first
    assert "tag 050" not in first
    assert "tag 059" in second


def test_vocabulary_query_count_does_not_grow(client, alice, lincoln, cohort):
    def count(n):
        InterestTag.objects.all().delete()
        for k in range(n):
            InterestTag.objects.create(organization=lincoln, name=f"interest {k}")
            participant = ParticipantFactory(cohort=cohort, role="mentee")
            Profile.objects.create(participant=participant, interests=[f"interest {k}"])
        client.get(reverse("interest_vocabulary", args=[lincoln.slug]))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("interest_vocabulary", args=[lincoln.slug]))
        assert len(response.context["rows"]) == n
        return len(queries)

    client.force_login(alice)
    assert count(1) == count(3)


def test_the_program_page_links_a_participant_to_their_profile_and_suggestions(
    client, carol, carol_mentee, program
):
    client.force_login(carol)

    html = client.get(reverse("program_detail", args=[program.pk])).content.decode()

    assert reverse("matching_profile", args=[carol_mentee.pk]) in html
    assert reverse("matching_suggestions", args=[carol_mentee.pk]) in html


def test_profile_shows_grade_age_and_school_from_the_school_records(client, cohort, lincoln):
    mentee = add_mentee(cohort, lincoln, "rec", grade=10)
    participant = Participant.objects.get(user=mentee, cohort=cohort)
    client.force_login(mentee)
    html = client.get(reverse("matching_profile", args=[participant.pk])).content.decode()
    assert f"{lincoln.name} · grade 10 · age {mentee.age()}" in html


def test_matching_and_the_application_form_share_one_availability_and_subject_vocabulary():
    from peerpath.matching.features import NEED_LEVELS, TEACH_LEVELS
    from peerpath.matching.forms.profiles import ProfileForm
    from peerpath.programs import vocabularies
    from peerpath.recruitment.forms.applications import AvailabilityGridForm

    grid = AvailabilityGridForm().fields["availability"]
    assert [key for key, _label in grid.choices] == vocabularies.SLOT_KEYS
    assert len(vocabularies.SLOT_KEYS) == 50  # 5 days x 10 periods: one bit each in the 64-bit masks
    levels = {key for key, _label in vocabularies.SUBJECT_LEVELS}
    assert NEED_LEVELS | TEACH_LEVELS <= levels
    assert issubclass(ProfileForm, AvailabilityGridForm)


def test_pages_that_read_profiles_create_no_row_and_a_round_does(
    client, alice, carol, cohort, carol_mentee, bob_mentor, program
):
    """Queries are read-only: a participant without a profile row is read as an unsaved default from
    their application; only writes (saving a profile, running a round) store it."""
    client.force_login(alice)
    assert client.get(reverse("matching_profile", args=[carol_mentee.pk])).status_code == 200
    assert client.get(reverse("matching_profile", args=[bob_mentor.pk])).status_code == 200
    client.force_login(carol)
    assert client.get(reverse("matching_suggestions", args=[carol_mentee.pk])).status_code == 200
    assert not Profile.objects.exists()

    round = services.start_round(cohort=cohort, actor=alice)

    assert round.status == "draft"
    assert set(Profile.objects.values_list("participant_id", flat=True)) == {carol_mentee.pk, bob_mentor.pk}
    assert Profile.objects.get(participant=carol_mentee).interests == ["robotics", "drawing"]
