"""One check of every upload (peerpath.core.uploads), used by lesson files and resources alike."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peerpath.core.uploads import CHUNK_BYTES, content_matches_name
from peerpath.training.models import Lesson, Resource
from tests.factories import ModuleFactory, office_file

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
POLYGLOT_PDF = b"%PDF-1.7\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF\n"


DOCX = office_file("[Content_Types].xml", "_rels/.rels", "word/document.xml")
PPTX = office_file("[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml")
XLSX = office_file("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
FAKE_DOCX = office_file("readme.txt", "payload.exe")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", PDF),
        ("a.PDF", PDF),
        ("a.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("a.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("a.docx", DOCX),
        ("a.pptx", PPTX),
        ("a.xlsx", XLSX),
        # Ordinary PDF markup: XMP metadata and angle brackets in dictionaries are not HTML.
        ("b.pdf", PDF + b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta> << /S /URI >>'),
    ],
)
def test_content_matches_name_accepts_real_files(name, content):
    assert content_matches_name(io.BytesIO(content), name)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.docx", FAKE_DOCX),  # any ZIP renamed
        ("a.docx", PPTX),  # a presentation named as a document
        ("a.pptx", DOCX),
        ("a.xlsx", b"PK\x03\x04 not really a zip"),
        ("a.pdf", POLYGLOT_PDF),
        ("a.pdf", PDF + b"<!DOCTYPE html><p>hi</p>"),
        ("a.pdf", PDF + b'<img src=x onerror="alert(1)">'),
        ("a.pdf", PDF + b"<svg onload=alert(1)>"),
        ("a.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"),
        ("a.pdf", b"MZ\x90\x00 an executable"),
        ("a.png", b"\xff\xd8\xff a JPEG named PNG"),
        ("a.exe", b"MZ\x90\x00"),
    ],
)
def test_content_matches_name_refuses_files_that_are_not_what_they_say(name, content):
    assert not content_matches_name(io.BytesIO(content), name)


def test_content_matches_name_finds_a_tag_split_between_two_chunks():
    content = PDF + b"0" * (CHUNK_BYTES - len(PDF) - 3) + b"<script>alert(1)</script>"

    assert not content_matches_name(io.BytesIO(content), "big.pdf")


def test_content_matches_name_leaves_the_file_at_its_start():
    upload = io.BytesIO(DOCX)

    content_matches_name(upload, "a.docx")

    assert upload.tell() == 0


# Both forms use it -------------------------------------------------------------------------------


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("name", "content"), [("cards.docx", FAKE_DOCX), ("cards.pdf", POLYGLOT_PDF)])
@pytest.mark.usefixtures("_media")
def test_resource_upload_refuses_a_fake_office_file_and_a_polyglot_pdf(client, alice, name, content):
    client.force_login(alice)

    response = client.post(
        reverse("resource_create"),
        {"title": "Cards", "audience": "everyone", "file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    assert "does not match its name" in response.context["form"].errors["file"][0]
    assert not Resource.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("cards.docx", FAKE_DOCX), ("cards.pdf", POLYGLOT_PDF)])
@pytest.mark.usefixtures("_media")
def test_lesson_upload_refuses_a_fake_office_file_and_a_polyglot_pdf(client, alice, lincoln, name, content):
    module = ModuleFactory(organization=lincoln)
    client.force_login(alice)

    response = client.post(
        reverse("lesson_create", args=[module.pk]),
        {"title": "Cards", "file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    assert (
        "Only PDF, PNG, JPEG, Word (DOCX) and PowerPoint (PPTX)" in response.context["form"].errors["file"][0]
    )
    assert not Lesson.objects.exists()


@pytest.mark.usefixtures("_media")
def test_resource_and_lesson_uploads_accept_a_real_docx(client, alice, lincoln):
    module = ModuleFactory(organization=lincoln)
    client.force_login(alice)

    client.post(
        reverse("resource_create"),
        {"title": "Cards", "audience": "everyone", "file": SimpleUploadedFile("cards.docx", DOCX)},
    )
    client.post(
        reverse("lesson_create", args=[module.pk]),
        {"title": "Cards", "file": SimpleUploadedFile("c.docx", DOCX)},
    )

    assert Resource.objects.get().file.name.endswith(".docx")
    assert Lesson.objects.get().file.name.endswith(".docx")
