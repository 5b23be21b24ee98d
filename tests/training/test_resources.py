import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peerpath.core.models import AuditEntry
from peerpath.training.forms.resources import MAX_FILE_BYTES
from peerpath.training.models import Resource
from tests.factories import ParticipantFactory, ProgramFactory, office_file

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a tiny test document\n"
Audience = Resource.Audience


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def bob_mentor(cohort, bob):
    return ParticipantFactory(cohort=cohort, user=bob, role="mentor")


@pytest.fixture
def carol_mentee(cohort, carol):
    return ParticipantFactory(cohort=cohort, user=carol, role="mentee")


@pytest.fixture
def resources(lincoln):
    """One resource of Lincoln for each audience."""
    return {
        audience: Resource.objects.create(
            organization=lincoln,
            title=f"{label} guide",
            description=f"Tips for {label.lower()}.",
            tags=["tips", audience],
            audience=audience,
        )
        for audience, label in [
            (Audience.EVERYONE, "Everyone"),
            (Audience.MENTORS, "Mentors"),
            (Audience.MENTEES, "Mentees"),
        ]
    }


@pytest.fixture
def pdf_resource(lincoln):
    return Resource.objects.create(
        organization=lincoln,
        title="Study skills",
        file=SimpleUploadedFile("study.pdf", PDF),
        audience=Audience.EVERYONE,
    )


def _titles(response):
    return {resource.title for resource in response.context["page"].object_list}


def _form_data(**extra):
    return {
        "title": "Question cards",
        "description": "Cards to start a conversation.",
        "url": "",
        "tags": "Conversation, FIRST meeting, conversation",
        "audience": Audience.MENTORS,
        "program": "",
        **extra,
    }


def lincoln_resource_urls(resource):
    return [
        reverse("resource_detail", args=[resource.pk]),
        reverse("resource_edit", args=[resource.pk]),
        reverse("resource_delete", args=[resource.pk]),
        reverse("resource_file", args=[resource.pk]),
    ]


# Tenancy and authorization -----------------------------------------------------------------------


def test_every_lincoln_resource_page_is_404_for_dave(client, dave, pdf_resource, resources):
    client.force_login(dave)
    for url in lincoln_resource_urls(pdf_resource):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, (method, url)
            assert b"Study skills" not in response.content


def test_resource_list_shows_dave_nothing_of_lincoln(client, dave, jefferson, pdf_resource, resources):
    Resource.objects.create(organization=jefferson, title="Jefferson handbook")
    client.force_login(dave)

    response = client.get(reverse("resource_list"))

    assert response.status_code == 200
    assert _titles(response) == {"Jefferson handbook"}
    assert b"Lincoln" not in response.content


def test_every_resource_page_sends_anonymous_to_login(client, pdf_resource):
    urls = [reverse("resource_list"), reverse("resource_create"), *lincoln_resource_urls(pdf_resource)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_student_gets_404_on_manager_pages(client, bob, bob_mentor, pdf_resource):
    client.force_login(bob)
    urls = [
        reverse("resource_create"),
        reverse("resource_edit", args=[pdf_resource.pk]),
        reverse("resource_delete", args=[pdf_resource.pk]),
    ]
    for url in urls:
        for method in (client.get, client.post):
            assert method(url).status_code == 404, (method, url)
    assert Resource.objects.filter(pk=pdf_resource.pk).exists()


def test_mentee_gets_404_on_a_mentors_only_resource(client, carol, carol_mentee, resources):
    client.force_login(carol)

    response = client.get(reverse("resource_detail", args=[resources[Audience.MENTORS].pk]))

    assert response.status_code == 404


# The list ----------------------------------------------------------------------------------------


def test_resource_list_mentor_sees_everyone_and_mentor_resources(client, bob, bob_mentor, resources):
    client.force_login(bob)

    response = client.get(reverse("resource_list"))

    assert _titles(response) == {"Everyone guide", "Mentors guide"}


def test_resource_list_mentee_sees_everyone_and_mentee_resources(client, carol, carol_mentee, resources):
    client.force_login(carol)

    response = client.get(reverse("resource_list"))

    assert _titles(response) == {"Everyone guide", "Mentees guide"}
    assert b"Add a resource" not in response.content


def test_resource_list_staff_see_every_audience(client, frank, resources):
    client.force_login(frank)

    response = client.get(reverse("resource_list"))

    assert _titles(response) == {"Everyone guide", "Mentors guide", "Mentees guide"}


def test_resource_list_program_resource_only_for_its_participants(
    client, bob, bob_mentor, carol, lincoln, resources
):
    other_program = ProgramFactory(organization=lincoln)
    Resource.objects.create(organization=lincoln, program=bob_mentor.cohort.program, title="Ours")
    Resource.objects.create(organization=lincoln, program=other_program, title="Theirs")
    client.force_login(bob)

    response = client.get(reverse("resource_list"))

    assert "Ours" in _titles(response)
    assert "Theirs" not in _titles(response)


def test_resource_list_search_matches_title_and_description(client, alice, resources):
    client.force_login(alice)

    by_title = client.get(reverse("resource_list"), {"q": "mentees"})
    by_description = client.get(reverse("resource_list"), {"q": "TIPS FOR MENTORS"})

    assert _titles(by_title) == {"Mentees guide"}
    assert _titles(by_description) == {"Mentors guide"}


def test_resource_list_filters_by_tag(client, alice, resources):
    client.force_login(alice)

    response = client.get(reverse("resource_list"), {"tag": "mentors"})

    assert _titles(response) == {"Mentors guide"}
    assert b'<option value="mentees">' in response.content


def test_resource_list_htmx_search_renders_only_the_results(client, alice, resources):
    client.force_login(alice)

    response = client.get(reverse("resource_list"), {"q": "everyone"}, headers={"HX-Request": "true"})

    assert b"<h1>" not in response.content
    assert b"Everyone guide" in response.content


@pytest.mark.parametrize("count", [1, 3])
def test_resource_list_query_count_does_not_grow(
    client, bob, bob_mentor, lincoln, program, django_assert_num_queries, count
):
    for n in range(count):
        Resource.objects.create(organization=lincoln, program=program, title=f"Guide {n}", tags=["tips"])
    client.force_login(bob)
    client.get(reverse("resource_list"))  # warm the session

    with django_assert_num_queries(7):
        response = client.get(reverse("resource_list"))

    assert len(_titles(response)) == count


# Detail and download ------------------------------------------------------------------------------


def test_resource_detail_shows_the_text(client, carol, carol_mentee, resources):
    client.force_login(carol)

    response = client.get(reverse("resource_detail", args=[resources[Audience.EVERYONE].pk]))

    assert response.status_code == 200
    assert b"Tips for everyone." in response.content


def test_resource_file_is_served_as_an_attachment(client, bob, bob_mentor, pdf_resource):
    client.force_login(bob)

    response = client.get(reverse("resource_file", args=[pdf_resource.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="study-skills.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_resource_file_without_a_file_is_404(client, alice, resources):
    client.force_login(alice)

    response = client.get(reverse("resource_file", args=[resources[Audience.EVERYONE].pk]))

    assert response.status_code == 404


# Managing ----------------------------------------------------------------------------------------


def test_resource_create_with_link_saves_normalised_tags(client, alice, lincoln, program):
    client.force_login(alice)

    response = client.post(
        reverse("resource_create"), _form_data(url="https://example.org/cards", program=program.pk)
    )

    resource = Resource.objects.get(title="Question cards")
    assert response.status_code == 302
    assert response.url == reverse("resource_detail", args=[resource.pk])
    assert resource.organization == lincoln
    assert resource.program == program
    assert resource.tags == ["conversation", "first meeting"]
    assert resource.url == "https://example.org/cards"
    assert AuditEntry.objects.filter(action="resource.created", target_id=str(resource.pk)).exists()


def test_resource_create_with_pdf_stores_it_under_a_random_name(client, alice):
    client.force_login(alice)

    client.post(reverse("resource_create"), {**_form_data(), "file": SimpleUploadedFile("My Cards.pdf", PDF)})

    resource = Resource.objects.get(title="Question cards")
    assert resource.file.name.startswith("training/resources/")
    assert resource.file.name.endswith(".pdf")
    assert "My Cards" not in resource.file.name
    assert resource.file.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF" + b"0" * MAX_FILE_BYTES, "Files can be at most 10"),
        ("virus.exe", b"MZ\x90\x00", "Only PDF, PNG, JPEG"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not match its name"),
        ("fake.docx", b"%PDF-1.7", "does not match its name"),
    ],
)
def test_resource_create_refuses_bad_files_and_keeps_input(client, alice, name, content, message):
    client.force_login(alice)

    response = client.post(
        reverse("resource_create"), {**_form_data(), "file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    assert not Resource.objects.exists()
    assert message in response.context["form"].errors["file"][0]
    assert message.encode() in response.content
    assert b'value="Question cards"' in response.content
    assert b"choose the file again" in response.content


def test_resource_create_accepts_office_and_image_files(client, alice):
    client.force_login(alice)
    files = {
        "sheet.xlsx": office_file("[Content_Types].xml", "xl/workbook.xml"),
        "photo.JPG": b"\xff\xd8\xff\xe0rest",
        "chart.png": b"\x89PNG\r\n\x1a\n",
    }

    for number, (name, content) in enumerate(files.items()):
        client.post(
            reverse("resource_create"),
            {**_form_data(title=f"File {number}"), "file": SimpleUploadedFile(name, content)},
        )

    assert Resource.objects.count() == 3


@pytest.mark.parametrize("url", ["ftp://example.org/cards", "javascript:alert(1)"])
def test_resource_create_refuses_links_that_are_not_web_pages(client, alice, url):
    client.force_login(alice)

    response = client.post(reverse("resource_create"), _form_data(url=url))

    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert not Resource.objects.exists()


def test_resource_create_refuses_a_link_and_a_file_together(client, alice):
    client.force_login(alice)

    response = client.post(
        reverse("resource_create"),
        {**_form_data(url="https://example.org"), "file": SimpleUploadedFile("a.pdf", PDF)},
    )

    assert "not both" in response.context["form"].errors["url"][0]
    assert not Resource.objects.exists()


def test_resource_create_refuses_a_program_of_another_school(client, alice, jefferson_program):
    client.force_login(alice)

    response = client.post(reverse("resource_create"), _form_data(program=jefferson_program.pk))

    assert "program" in response.context["form"].errors
    assert not Resource.objects.exists()


def test_resource_edit_replaces_the_file(
    client, alice, pdf_resource, tmp_path, django_capture_on_commit_callbacks
):
    old_name = pdf_resource.file.name
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("resource_edit", args=[pdf_resource.pk]),
            {
                **_form_data(title="Study skills, 2nd edition", tags="study"),
                "file": SimpleUploadedFile("new.png", b"\x89PNG\r\n\x1a\n"),
            },
        )

    pdf_resource.refresh_from_db()
    assert response.status_code == 302
    assert pdf_resource.title == "Study skills, 2nd edition"
    assert pdf_resource.file.name.endswith(".png")
    assert not (tmp_path / old_name).exists()


def test_resource_edit_failed_submit_keeps_heading(client, alice, pdf_resource):
    client.force_login(alice)

    response = client.post(reverse("resource_edit", args=[pdf_resource.pk]), _form_data(title=""))

    assert response.status_code == 200
    assert b"<h1>Edit Study skills</h1>" in response.content
    assert Resource.objects.get(pk=pdf_resource.pk).title == "Study skills"


def test_resource_delete_asks_then_deletes_with_its_file(
    client, alice, pdf_resource, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / pdf_resource.file.name
    assert path.exists()
    client.force_login(alice)

    confirm = client.get(reverse("resource_delete", args=[pdf_resource.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("resource_delete", args=[pdf_resource.pk]))

    assert b"cannot be undone" in confirm.content
    assert response.url == reverse("resource_list")
    assert not Resource.objects.filter(pk=pdf_resource.pk).exists()
    assert AuditEntry.objects.filter(action="resource.deleted").exists()
    assert not path.exists()


def test_resource_create_district_admin_chooses_the_school(client, grace, lincoln, program):
    client.force_login(grace)

    form_page = client.get(reverse("resource_create"))
    client.post(reverse("resource_create"), _form_data(organization=lincoln.pk, program=program.pk))

    assert "Lincoln High School · Lincoln Peer Mentors" in form_page.content.decode()
    assert Resource.objects.get(title="Question cards").organization == lincoln
