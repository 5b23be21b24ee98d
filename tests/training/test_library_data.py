"""The starter library as data files: the same content as the Python literals it replaced, loaded as it
reads, shipped with the package, and a broken file refused with a message that names it."""

import textwrap
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerpath.training import library
from peerpath.training.library import (
    LibraryDataError,
    read_library_modules,
    read_library_resources,
    read_module_file,
)
from peerpath.training.models import Lesson, Module, QuizChoice, QuizQuestion, Resource
from peerpath.training.services.modules import sanitize_lesson_html

ROOT = Path(__file__).resolve().parents[2]

# What training/library.py held as Python literals before the move (key, title, topic, validity_days,
# lesson titles, the position of the right choice of each question).
FORMER_MODULES = [
    (
        "active-listening",
        "Active listening",
        "listening",
        None,
        ("Listening is a skill, not a pause", "Reflecting and summarising", "Silence, distractions and you"),
        (1, 2, 0, 1),
    ),
    (
        "communication",
        "Communication: questions and body language",
        "communication",
        None,
        ("Open and closed questions", "What your body says", "Starting and ending a meeting"),
        (1, 2, 0, 1),
    ),
    (
        "goal-setting",
        "Goal setting: small steps, real progress",
        "goals",
        None,
        ("Small and specific beats big and vague", "Setting a goal together", "Checking in without nagging"),
        (2, 1, 2, 0),
    ),
    (
        "constructive-feedback",
        "Giving constructive feedback",
        "feedback",
        None,
        ("Specific, kind and useful", "Ask before you tell", "Taking feedback yourself"),
        (2, 1, 0, 1),
    ),
    (
        "conflict-resolution",
        "Conflict resolution",
        "conflict",
        None,
        (
            "Calm first, solve second",
            "Helping a mentee work through a conflict",
            "When you and your mentee disagree",
        ),
        (2, 1, 1, 2),
    ),
    (
        "cultural-competency",
        "Cultural competency: curiosity, not assumptions",
        "culture",
        None,
        ("Everyone has a culture", "Names and pronunciation", "Noticing and avoiding stereotypes"),
        (2, 1, 1, 2),
    ),
    (
        "confidentiality-and-escalation",
        "Confidentiality and when to tell",
        "safety",
        365,
        ("What stays between you, and what doesn't", "What not to promise", "How to tell the coordinator"),
        (1, 2, 2, 0, 1),
    ),
    (
        "peer-tutoring",
        "Being a good tutor",
        "other",
        None,
        ("Guide, don't do it for them", "Checking understanding"),
        (1, 1, 1),
    ),
]
FORMER_RESOURCES = [
    ("Conversation starters", "mentors"),
    ("Goal-setting worksheet", "everyone"),
    ("Study skills: planning your week", "everyone"),
    ("If you are worried about your mentee", "mentors"),
]


def test_library_files_hold_the_former_modules_and_resources():
    modules = read_library_modules()

    assert [
        (
            module.key,
            module.title,
            module.topic,
            module.validity_days,
            tuple(lesson.title for lesson in module.lessons),
            tuple(
                [choice.correct for choice in question.choices].index(True) for question in module.questions
            ),
        )
        for module in modules
    ] == FORMER_MODULES
    assert sum(len(question.choices) for module in modules for question in module.questions) == 128
    assert {question.kind for module in modules for question in module.questions} == {"single"}
    assert {(module.pass_mark, module.max_attempts) for module in modules} == {(80, None)}
    assert [(resource.title, resource.audience) for resource in read_library_resources()] == FORMER_RESOURCES


@pytest.mark.django_db
def test_load_training_library_writes_the_files_as_they_read(lincoln):
    call_command("load_training_library", "--organization", lincoln.slug, stdout=StringIO())

    for item in read_library_modules():
        module = Module.objects.get(organization=lincoln, library_key=item.key)
        assert (module.title, module.summary, module.topic) == (item.title, item.summary, item.topic)
        assert (module.estimated_minutes, module.validity_days) == (
            item.estimated_minutes,
            item.validity_days,
        )
        assert module.pass_mark == item.pass_mark
        assert [(lesson.title, lesson.body_html) for lesson in module.lessons.order_by("order")] == [
            (lesson.title, sanitize_lesson_html(lesson.body_html)) for lesson in item.lessons
        ]
        questions = module.questions.order_by("order").prefetch_related("choices")
        assert [
            (
                question.kind,
                question.scenario,
                question.prompt,
                question.explanation,
                [(choice.text, choice.is_correct) for choice in question.choices.all()],
            )
            for question in questions
        ] == [
            (
                question.kind,
                question.scenario,
                question.prompt,
                question.explanation,
                [(choice.text, choice.correct) for choice in question.choices],
            )
            for question in item.questions
        ]
    resources = Resource.objects.filter(organization=lincoln).order_by("pk")
    assert [(r.title, r.description, r.audience, r.tags) for r in resources] == [
        (r.title, r.description, r.audience, list(r.tags)) for r in read_library_resources()
    ]


def test_library_files_ship_with_the_package():
    """Every file under training/data/ matches a package-data glob of pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["peerpath.training"]
    package = ROOT / "peerpath" / "training"
    shipped = {path for pattern in globs for path in package.glob(pattern)}
    files = {path for path in (package / "data").rglob("*") if path.is_file()}

    assert files
    assert files <= shipped, sorted(str(path.relative_to(package)) for path in files - shipped)


# Validation --------------------------------------------------------------------------------------

VALID_MODULE = """\
key: listening-basics
title: Listening basics
topic: listening
summary: Listen first.
estimated_minutes: 10
lessons:
  - title: Why listen
    body_html: <p>Because.</p>
questions:
  - scenario: Your mentee goes quiet.
    prompt: What do you do?
    choices:
      - wrong: Fill the silence.
      - right: Wait a few seconds.
    explanation: Silence means thinking.
"""


def _module_file(directory: Path, text: str, name: str = "01-listening-basics.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_module_file_reads_a_valid_file(tmp_path):
    module = read_module_file(_module_file(tmp_path, VALID_MODULE))

    assert (module.key, module.topic, module.estimated_minutes) == ("listening-basics", "listening", 10)
    assert (module.pass_mark, module.max_attempts, module.validity_days) == (None, None, None)
    assert [(choice.text, choice.correct) for choice in module.questions[0].choices] == [
        ("Fill the silence.", False),
        ("Wait a few seconds.", True),
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("      - wrong: Fill the silence.", "      - wrong: Fill: the silence.", "line 13"),
        ("  - title: Why listen", "\t- title: Why listen", "line 7"),
        ("summary: Listen first.\n", "", "missing field summary"),
        ("summary:", "sumary:", "unknown field sumary"),
        ("topic: listening", "topic: listenning", "topic: 'listenning' is not one of listening"),
        ("key: listening-basics", "key: Listening Basics", "key: 'Listening Basics' must be lower-case"),
        ("estimated_minutes: 10", "estimated_minutes: ten", "estimated_minutes: must be a whole number"),
        (
            "estimated_minutes: 10",
            "estimated_minutes: 10\npass_mark: 101",
            "pass_mark: must be a whole number",
        ),
        (
            "      - wrong: Fill the silence.",
            "      - right: Fill the silence.",
            "exactly one right choice, found 2",
        ),
        ("      - right: Wait a few seconds.", "      - wrong: Wait.", "exactly one right choice, found 0"),
        (
            "      - wrong: Fill the silence.",
            "      - maybe: Fill the silence.",
            'choice 1: must be "right: <text>"',
        ),
        (
            "      - wrong: Fill the silence.",
            "      - wrong: No",
            "choice 1, wrong: must be text, found false",
        ),
        ("      - wrong: Fill the silence.\n", "", "choices: must be a list of at least 2"),
        ("    prompt: What do you do?", "    prompt: ''", "question 1, prompt: must not be empty"),
        ("  - title: Why listen\n    body_html:", "  - body_html:", "lesson 1: missing field title"),
        (
            "title: Listening basics",
            "title: Listening basics\ntitle: Again",
            "the field 'title' is given twice",
        ),
        ("    prompt: What do you do?", "    prompt: " + "x" * 401, "at most 400 fit"),
        ("    prompt: What do you do?", "    prompt: What?\n    kind: several", "'several' is not one of"),
    ],
)
def test_read_module_file_names_the_file_and_the_problem(tmp_path, old, new, message):
    assert old in VALID_MODULE
    path = _module_file(tmp_path, VALID_MODULE.replace(old, new))

    with pytest.raises(LibraryDataError) as error:
        read_module_file(path)

    assert str(error.value).startswith(f"{path}")
    assert message in str(error.value)


def test_read_module_file_several_answers_question(tmp_path):
    text = VALID_MODULE.replace(
        "    prompt: What do you do?", "    prompt: What do you do?\n    kind: multiple"
    )
    text = text.replace("      - wrong: Fill the silence.", "      - right: Nod.")

    question = read_module_file(_module_file(tmp_path, text)).questions[0]

    assert question.kind == "multiple"
    assert [choice.correct for choice in question.choices] == [True, True]


def test_read_module_file_that_is_not_a_mapping(tmp_path):
    path = _module_file(tmp_path, "- just\n- a list\n")

    with pytest.raises(LibraryDataError, match="expected the fields"):
        read_module_file(path)


def test_read_library_modules_refuses_a_key_used_twice(tmp_path):
    _module_file(tmp_path, VALID_MODULE)
    _module_file(tmp_path, VALID_MODULE, name="02-copy.yaml")

    with pytest.raises(LibraryDataError, match=r"02-copy\.yaml: key: 'listening-basics' is already the key"):
        read_library_modules(tmp_path)


def test_read_library_modules_in_an_empty_folder(tmp_path):
    with pytest.raises(LibraryDataError, match="no module files"):
        read_library_modules(tmp_path)


def test_read_library_resources_refuses_an_unknown_audience(tmp_path):
    path = tmp_path / "resources.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            resources:
              - title: Starters
                audience: parents
                description: Questions.
            """
        )
    )

    with pytest.raises(LibraryDataError, match=r"resource 1, audience: 'parents' is not one of everyone"):
        read_library_resources(path)


@pytest.mark.django_db
def test_load_training_library_with_a_broken_file_names_it_and_writes_nothing(lincoln, tmp_path, monkeypatch):
    _module_file(tmp_path, VALID_MODULE)
    broken = _module_file(tmp_path, VALID_MODULE.replace("topic: listening", "topic: [x"), "02-broken.yaml")
    monkeypatch.setattr(library, "MODULES_DIR", tmp_path)

    with pytest.raises(CommandError, match=f"not loaded: {broken}, line"):
        call_command("load_training_library", "--organization", lincoln.slug, stdout=StringIO())

    assert [model.objects.count() for model in (Module, Lesson, QuizQuestion, QuizChoice, Resource)] == [
        0
    ] * 5


@pytest.mark.django_db
def test_load_training_library_loads_a_schools_own_file(lincoln, tmp_path, monkeypatch):
    text = VALID_MODULE.replace(
        "estimated_minutes: 10", "estimated_minutes: 10\npass_mark: 70\nmax_attempts: 2"
    )
    _module_file(tmp_path, text)
    monkeypatch.setattr(library, "MODULES_DIR", tmp_path)

    call_command("load_training_library", "--organization", lincoln.slug, stdout=StringIO())

    module = Module.objects.get(organization=lincoln, library_key="listening-basics")
    assert (module.pass_mark, module.max_attempts) == (70, 2)
    assert module.questions.get().choices.get(is_correct=True).text == "Wait a few seconds."
