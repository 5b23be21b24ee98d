import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.training.models import Completion, Lesson, Module
from peerpath.training.services.modules import sanitize_lesson_html
from tests.factories import CompletionFactory, ModuleFactory, quiz_question

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def module(lincoln):
    return ModuleFactory(organization=lincoln, title="Active listening")


@pytest.fixture
def lesson(module):
    return Lesson.objects.create(
        module=module,
        title="Open questions",
        body_html="<p>Ask open questions.</p>",
        file=SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf"),
    )


def lincoln_urls(module, lesson):
    return [
        reverse("module_detail", args=[module.pk]),
        reverse("module_edit", args=[module.pk]),
        reverse("module_complete", args=[module.pk]),
        reverse("lesson_create", args=[module.pk]),
        reverse("lesson_edit", args=[lesson.pk]),
        reverse("lesson_move", args=[lesson.pk]),
        reverse("lesson_delete", args=[lesson.pk]),
        reverse("lesson_file", args=[lesson.pk]),
    ]


def _module_data(**extra):
    return {
        "title": "Confidentiality",
        "summary": "What stays between you and when to tell an adult.",
        "topic": "safety",
        "estimated_minutes": "25",
        "pass_mark": "75",
        "max_attempts": "3",
        "validity_days": "365",
        "is_published": "on",
        **extra,
    }


# Tenancy -----------------------------------------------------------------------------------------


def test_every_lincoln_module_page_is_404_for_dave(client, dave, module, lesson):
    post_only = {"lesson_move", "module_complete"}
    client.force_login(dave)
    for url in lincoln_urls(module, lesson):
        methods = [client.post] if resolve(url).url_name in post_only else [client.get, client.post]
        for method in methods:
            response = method(url)
            assert response.status_code == 404, (method, url)
            assert b"Active listening" not in response.content
    assert b"Active listening" not in client.get(reverse("module_list")).content
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_every_module_page_sends_anonymous_to_login(client, module, lesson):
    for url in [reverse("module_list"), reverse("module_create"), *lincoln_urls(module, lesson)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_student_cannot_open_authoring_pages(client, bob, module, lesson):
    client.force_login(bob)
    for url in [
        reverse("module_create"),
        reverse("module_edit", args=[module.pk]),
        reverse("lesson_create", args=[module.pk]),
        reverse("lesson_edit", args=[lesson.pk]),
        reverse("lesson_delete", args=[lesson.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert client.post(reverse("lesson_move", args=[lesson.pk])).status_code == 404


def test_unpublished_module_is_hidden_from_students(client, bob, module, lesson):
    module.is_published = False
    module.save()
    client.force_login(bob)
    assert client.get(reverse("module_detail", args=[module.pk])).status_code == 404
    assert client.get(reverse("lesson_file", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("module_complete", args=[module.pk])).status_code == 404
    assert b"Active listening" not in client.get(reverse("module_list")).content


# The list ----------------------------------------------------------------------------------------


def test_module_list_shows_status_per_module(client, bob, lincoln, module):
    passed = ModuleFactory(organization=lincoln, title="Goal setting", max_attempts=2)
    CompletionFactory(module=passed, user=bob, score=90)
    ModuleFactory(organization=lincoln, title="Draft module", is_published=False)
    client.force_login(bob)
    content = client.get(reverse("module_list")).content.decode()
    assert "Active listening" in content
    assert "Not started" in content
    assert "Passed with 90%" in content
    assert "Draft module" not in content
    assert "New module" not in content


def test_module_list_shows_expired_refresher_and_attempts_left(client, bob, lincoln, module):
    refresher = ModuleFactory(
        organization=lincoln, title="Safety refresher", max_attempts=2, validity_days=30
    )
    CompletionFactory(
        module=refresher,
        user=bob,
        completed_at=timezone.now() - datetime.timedelta(days=40),
        expires_at=timezone.now() - datetime.timedelta(days=10),
    )
    client.force_login(bob)
    content = client.get(reverse("module_list")).content.decode()
    assert "Expired on" in content
    assert "2 attempts left" in content


def test_module_list_managers_see_unpublished_and_new_link(client, alice, lincoln, module):
    ModuleFactory(organization=lincoln, title="Draft module", is_published=False)
    client.force_login(alice)
    content = client.get(reverse("module_list")).content.decode()
    assert "Draft module" in content
    assert reverse("module_create") in content


@pytest.mark.parametrize("count", [1, 3])
def test_module_list_queries_do_not_grow(client, bob, lincoln, django_assert_num_queries, count):
    for number in range(count):
        module = ModuleFactory(organization=lincoln, max_attempts=3)
        quiz_question(module)
        if number:
            CompletionFactory(module=module, user=bob)
    client.force_login(bob)
    client.get(reverse("module_list"))
    # session, user, memberships, modules, completions, attempts (+ organization tree lookup)
    with django_assert_num_queries(7):
        response = client.get(reverse("module_list"))
    assert len(response.context["rows"]) == count


# Authoring ---------------------------------------------------------------------------------------


def test_module_create_makes_the_module_and_audits(client, alice, lincoln):
    client.force_login(alice)
    response = client.post(reverse("module_create"), _module_data(organization=lincoln.pk))
    module = Module.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("module_edit", args=[module.pk])
    assert (module.organization, module.title, module.topic, module.pass_mark) == (
        lincoln,
        "Confidentiality",
        "safety",
        75,
    )
    assert (module.max_attempts, module.validity_days, module.is_published) == (3, 365, True)
    assert AuditEntry.objects.filter(action="training.module_created", organization_id=lincoln.pk).exists()


def test_module_create_cannot_choose_another_school(client, alice, jefferson):
    client.force_login(alice)
    response = client.post(reverse("module_create"), _module_data(organization=jefferson.pk))
    assert response.status_code == 200
    assert not Module.objects.exists()


def test_module_create_refuses_pass_mark_over_100_and_keeps_input(client, alice, lincoln):
    client.force_login(alice)
    response = client.post(reverse("module_create"), _module_data(organization=lincoln.pk, pass_mark="120"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="Confidentiality"' in content
    assert "Ensure this value is less than or equal to 100." in content
    assert not Module.objects.exists()


def test_module_edit_saves_changes(client, alice, module):
    client.force_login(alice)
    response = client.post(
        reverse("module_edit", args=[module.pk]),
        _module_data(title="Listening well", max_attempts="", validity_days="", is_published=""),
    )
    assert response.status_code == 302
    module.refresh_from_db()
    assert (module.title, module.max_attempts, module.validity_days, module.is_published) == (
        "Listening well",
        None,
        None,
        False,
    )


def test_lesson_create_sanitises_the_text(client, alice, module):
    client.force_login(alice)
    response = client.post(
        reverse("lesson_create", args=[module.pk]),
        {
            "title": "Open questions",
            "body_html": '<p onclick="steal()">Ask <strong>what</strong> and <a href="https://x.org" '
            'onmouseover="x()">how</a>.</p><script>alert(1)</script><style>p{}</style>'
            '<img src=x onerror="y()"><h3>Try</h3>',
            "link_url": "https://example.org/video",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert "<script" not in lesson.body_html
    assert "alert(1)" not in lesson.body_html
    assert "onclick" not in lesson.body_html
    assert "onmouseover" not in lesson.body_html
    assert "<style" not in lesson.body_html
    assert "<img" not in lesson.body_html
    assert "<strong>what</strong>" in lesson.body_html
    assert 'href="https://x.org"' in lesson.body_html
    assert "<h3>Try</h3>" in lesson.body_html
    assert lesson.link_url == "https://example.org/video"
    detail = client.get(reverse("module_detail", args=[module.pk])).content.decode()
    assert "<strong>what</strong>" in detail
    assert "steal()" not in detail


def test_sanitize_lesson_html_drops_javascript_links():
    assert "javascript" not in sanitize_lesson_html('<a href="javascript:alert(1)">x</a>')


def test_lesson_link_must_be_http(client, alice, module):
    client.force_login(alice)
    response = client.post(
        reverse("lesson_create", args=[module.pk]), {"title": "Video", "link_url": "javascript:alert(1)"}
    )
    assert response.status_code == 200
    assert not Lesson.objects.exists()


def test_lesson_upload_of_a_pdf_is_stored_and_served_through_the_view(client, alice, bob, module):
    client.force_login(alice)
    upload = SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf")
    client.post(reverse("lesson_create", args=[module.pk]), {"title": "Guide", "file": upload})
    lesson = Lesson.objects.get()
    assert lesson.file.name.endswith(".pdf")
    client.force_login(bob)
    response = client.get(reverse("lesson_file", args=[lesson.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_lesson_upload_accepts_a_docx(client, alice, module):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    client.force_login(alice)
    upload = SimpleUploadedFile("worksheet.docx", buffer.getvalue())
    response = client.post(reverse("lesson_create", args=[module.pk]), {"title": "Worksheet", "file": upload})
    assert response.status_code == 302
    assert Lesson.objects.get().file.name.endswith(".docx")


def test_lesson_upload_too_large_is_refused_and_keeps_input(client, alice, module):
    client.force_login(alice)
    payload = PDF + b"0" * (5 * 1024 * 1024 + 1 - len(PDF))
    response = client.post(
        reverse("lesson_create", args=[module.pk]),
        {"title": "Big guide", "body_html": "<p>Read me</p>", "file": SimpleUploadedFile("big.pdf", payload)},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "the largest allowed is 5 MB" in content
    assert 'value="Big guide"' in content
    assert "Read me" in content
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("notes.txt", b"%PDF pretending"),  # extension not allowed
        ("virus.pdf", b"MZ\x90\x00 an executable"),  # name says PDF, bytes do not
        ("photo.png", b"\xff\xd8\xff a JPEG named PNG"),
        ("slides.pptx", b"PK\x03\x04 not really a zip"),
        ("page.html", b"<script>alert(1)</script>"),
    ],
)
def test_lesson_upload_of_wrong_type_is_refused_with_message(client, alice, module, name, payload):
    client.force_login(alice)
    response = client.post(
        reverse("lesson_create", args=[module.pk]),
        {"title": "Handout", "file": SimpleUploadedFile(name, payload)},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Only PDF, PNG, JPEG, Word (DOCX) and PowerPoint (PPTX) files can be uploaded." in content
    assert 'value="Handout"' in content
    assert not Lesson.objects.exists()


def test_lesson_edit_changes_and_removes_file(client, alice, lesson):
    client.force_login(alice)
    url = reverse("lesson_edit", args=[lesson.pk])
    assert "Open questions" in client.get(url).content.decode()
    client.post(url, {"title": "Better questions", "body_html": "<p>New</p>", "remove_file": "on"})
    lesson.refresh_from_db()
    assert (lesson.title, lesson.body_html, bool(lesson.file)) == ("Better questions", "<p>New</p>", False)


def test_lesson_move_and_delete(client, alice, module, lesson):
    second = Lesson.objects.create(module=module, title="Second", order=1)
    client.force_login(alice)
    client.post(reverse("lesson_move", args=[second.pk]), {"direction": "up"})
    assert list(Lesson.objects.filter(module=module).order_by("order")) == [second, lesson]
    assert "Delete the lesson" in client.get(reverse("lesson_delete", args=[lesson.pk])).content.decode()
    client.post(reverse("lesson_delete", args=[lesson.pk]))
    assert list(Lesson.objects.all()) == [second]


def test_lesson_file_without_a_file_is_404(client, bob, module):
    lesson = Lesson.objects.create(module=module, title="Text only")
    client.force_login(bob)
    assert client.get(reverse("lesson_file", args=[lesson.pk])).status_code == 404


# Taking a module without a quiz ------------------------------------------------------------------


def test_module_without_quiz_is_completed_by_reading(client, bob, module, lesson):
    client.force_login(bob)
    content = client.get(reverse("module_detail", args=[module.pk])).content.decode()
    assert "Ask open questions." in content
    assert "I have read the lessons" in content
    response = client.post(reverse("module_complete", args=[module.pk]))
    assert response.status_code == 302
    completion = Completion.objects.get(module=module, user=bob)
    assert completion.source == Completion.Source.LESSONS
    assert AuditEntry.objects.filter(action="training.module_completed").exists()


def test_module_with_quiz_cannot_be_completed_by_reading(client, bob, module):
    quiz_question(module)
    client.force_login(bob)
    client.post(reverse("module_complete", args=[module.pk]))
    assert not Completion.objects.exists()


def test_student_can_take_a_district_module_required_by_their_school(client, bob, riverside, lincoln):
    from tests.factories import ModuleFactory

    district_module = ModuleFactory(organization=riverside, title="District safeguarding")
    client.force_login(bob)
    assert "District safeguarding" in client.get(reverse("module_list")).content.decode()
    assert client.get(reverse("module_detail", args=[district_module.pk])).status_code == 200
