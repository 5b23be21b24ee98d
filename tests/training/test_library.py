import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from peerpath.training.library import read_library_modules, read_library_resources
from peerpath.training.models import Lesson, Module, QuizChoice, QuizQuestion, Resource

pytestmark = pytest.mark.django_db

ALLOWED_TAGS = {"p", "ul", "li", "strong", "h3"}
MODULES = read_library_modules()
RESOURCES = read_library_resources()


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_training_library", *args, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Module, Lesson, QuizQuestion, QuizChoice, Resource))


def test_load_training_library_creates_complete_modules(lincoln):
    output = _load("--organization", lincoln.slug)

    modules = Module.objects.filter(organization=lincoln).exclude(library_key="")
    assert modules.count() >= 7
    for module in modules.prefetch_related("lessons", "questions__choices"):
        assert module.lessons.count() >= 1, module
        assert module.questions.count() >= 3, module
        for question in module.questions.all():
            assert question.kind == QuizQuestion.Kind.SINGLE
            assert question.explanation
            assert [choice.is_correct for choice in question.choices.all()].count(True) == 1, question
            assert question.choices.count() >= 3
    assert "Lincoln High School: 8 modules created, 0 updated" in output


def test_load_training_library_covers_every_topic(lincoln):
    _load("--organization", lincoln.slug)

    topics = set(Module.objects.filter(organization=lincoln).values_list("topic", flat=True))
    assert {"listening", "communication", "goals", "feedback", "conflict", "culture", "safety"} <= topics


def test_load_training_library_safety_module_is_a_yearly_refresher(lincoln):
    _load("--organization", lincoln.slug)

    safety = Module.objects.get(organization=lincoln, topic=Module.Topic.SAFETY)
    assert safety.validity_days == 365
    text = " ".join(safety.lessons.values_list("body_html", flat=True))
    assert "never keeps a secret about harm" in text


def test_load_training_library_twice_keeps_counts(lincoln):
    _load("--organization", lincoln.slug)
    before = _counts()

    output = _load("--organization", lincoln.slug)

    assert _counts() == before
    assert "0 modules created, 8 updated, 0 of 4 starter resources added" in output


def test_load_training_library_refreshes_content_and_keeps_school_settings(lincoln):
    _load("--organization", lincoln.slug)
    module = Module.objects.get(organization=lincoln, library_key="active-listening")
    module.title = "Old title"
    module.pass_mark = 60
    module.is_published = False
    module.save()
    module.lessons.last().delete()
    module.questions.first().delete()
    first_lesson_id = module.lessons.first().pk

    _load("--organization", lincoln.slug)

    module.refresh_from_db()
    assert module.title == "Active listening"
    assert (module.pass_mark, module.is_published) == (60, False)
    assert module.lessons.count() == len(MODULES[0].lessons)
    assert module.lessons.first().pk == first_lesson_id
    assert module.questions.count() == len(MODULES[0].questions)


def test_load_training_library_keeps_edited_starter_resources(lincoln):
    _load("--organization", lincoln.slug)
    resource = Resource.objects.get(organization=lincoln, title="Goal-setting worksheet")
    resource.description = "Our own version."
    resource.save()

    _load("--organization", lincoln.slug)

    resource.refresh_from_db()
    assert resource.description == "Our own version."
    assert Resource.objects.filter(organization=lincoln).count() == len(RESOURCES)


def test_load_training_library_without_organization_loads_every_organization(lincoln, jefferson):
    output = _load()

    for organization in (lincoln, jefferson, lincoln.parent):
        assert Module.objects.filter(organization=organization).count() == len(MODULES)
    assert "in 3 organizations" in output


def test_load_training_library_dry_run_writes_nothing(lincoln):
    output = _load("--organization", lincoln.slug, "--dry-run")

    assert _counts() == (0, 0, 0, 0, 0)
    assert "8 modules created" in output
    assert "Dry run" in output


def test_load_training_library_unknown_organization_fails(db):
    with pytest.raises(CommandError, match="nowhere"):
        _load("--organization", "nowhere")


def test_library_lessons_use_only_simple_html():
    for module in MODULES:
        for lesson in module.lessons:
            tags = set(re.findall(r"</?([a-z0-9]+)", lesson.body_html))
            assert tags <= ALLOWED_TAGS, (module.key, lesson.title, tags - ALLOWED_TAGS)


def test_library_modules_have_two_or_three_lessons_and_a_scenario_quiz():
    assert len({module.key for module in MODULES}) == len(MODULES)
    for module in MODULES:
        assert 2 <= len(module.lessons) <= 3, module.key
        assert 3 <= len(module.questions) <= 5, module.key
        scenarios = sum(bool(question.scenario) for question in module.questions)
        assert scenarios * 2 > len(module.questions), module.key
