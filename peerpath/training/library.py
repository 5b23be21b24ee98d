"""The starter training library that ships with PeerPath: modules for high-school mentors and a few
resources, written for this product. The text is data, not code: one YAML file per module in
`data/modules/` (read in file-name order) and the resources in `data/resources.yaml`, described in
`data/README.md`, so that a school or a translator can edit it without touching Python.

Loading it into an organization creates or refreshes its modules (matched by `Module.library_key`), so
a school can run it again after an upgrade. A file that breaks the format raises `LibraryDataError`,
whose message names the file and the place in it.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import yaml
from django.core.management.base import CommandError
from django.db import transaction

from peerpath.accounts.models import Organization
from peerpath.core.audit import record_audit
from peerpath.training.models import Lesson, Module, QuizChoice, QuizQuestion, Resource
from peerpath.training.services.modules import sanitize_lesson_html

DATA_DIR = Path(__file__).resolve().parent / "data"
MODULES_DIR = DATA_DIR / "modules"
RESOURCES_FILE = DATA_DIR / "resources.yaml"


@dataclass(frozen=True)
class LibraryChoice:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class LibraryQuestion:
    prompt: str
    choices: tuple[LibraryChoice, ...]
    explanation: str
    scenario: str = ""
    kind: str = QuizQuestion.Kind.SINGLE


@dataclass(frozen=True)
class LibraryLesson:
    title: str
    body_html: str


@dataclass(frozen=True)
class LibraryModule:
    key: str
    title: str
    topic: str
    summary: str
    estimated_minutes: int
    lessons: tuple[LibraryLesson, ...]
    questions: tuple[LibraryQuestion, ...]
    # Used when the module is first created; after that they are the school's settings.
    pass_mark: int | None = None
    max_attempts: int | None = None
    validity_days: int | None = None


@dataclass(frozen=True)
class LibraryResource:
    title: str
    description: str
    audience: str
    tags: tuple[str, ...] = field(default_factory=tuple)


# Reading the files -------------------------------------------------------------------------------


class LibraryDataError(CommandError):
    """A library file that cannot be used. The message names the file and what is wrong, for people
    editing the text; as a CommandError, every command that loads the library (load_training_library,
    load_demo) prints it as it is instead of a traceback."""


KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Fields:
    """One mapping of a library file, read field by field with errors that say where they are."""

    def __init__(self, path: Path, where: str, data: object, required: set[str], optional: set[str]):
        self.path, self.where = path, where
        if not isinstance(data, dict):
            self.fail(f"expected the fields {', '.join(sorted(required))}, found {_describe(data)}")
        self.data: dict[object, object] = data
        unknown = sorted(str(name) for name in data if name not in required | optional)
        if unknown:
            self.fail(
                f"unknown field {', '.join(unknown)} "
                f"(the fields are {', '.join(sorted(required | optional))})"
            )
        missing = sorted(name for name in required if name not in data)
        if missing:
            self.fail(f"missing field {', '.join(missing)}")

    def fail(self, problem: str, where: str | None = None) -> NoReturn:
        place = where if where is not None else self.where
        raise LibraryDataError(f"{self.path}: {place + ': ' if place else ''}{problem}.")

    def place(self, name: str) -> str:
        return f"{self.where}, {name}" if self.where else name

    def text(self, name: str, *, max_length: int | None = None, default: str | None = None) -> str:
        if name not in self.data and default is not None:
            return default
        value = self.data.get(name)
        if not isinstance(value, str):
            hint = "; put the text in quotes" if isinstance(value, bool | int | float) else ""
            self.fail(f"must be text, found {_describe(value)}{hint}", self.place(name))
        if not value.strip():
            self.fail("must not be empty", self.place(name))
        if max_length is not None and len(value) > max_length:
            self.fail(f"is {len(value)} characters long, at most {max_length} fit", self.place(name))
        return value

    def choice(self, name: str, allowed: Iterable[str], *, default: str | None = None) -> str:
        value = self.text(name, default=default)
        allowed = list(allowed)
        if value not in allowed:
            self.fail(f"{value!r} is not one of {', '.join(allowed)}", self.place(name))
        return value

    def number(self, name: str, low: int, high: int) -> int:
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                f"must be a whole number from {low} to {high}, found {_describe(value)}", self.place(name)
            )
        return value

    def optional_number(self, name: str, low: int, high: int) -> int | None:
        """Absent or empty (`validity_days:`) is None."""
        return None if self.data.get(name) is None else self.number(name, low, high)

    def items(self, name: str, *, at_least: int = 1) -> list[object]:
        value = self.data.get(name)
        if not isinstance(value, list) or len(value) < at_least:
            self.fail(f"must be a list of at least {at_least}, found {_describe(value)}", self.place(name))
        return value


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return f"the fields {', '.join(str(name) for name in value)}"
    return f"{value!r}"


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader that refuses a field given twice in one place (YAML would keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[str] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the field {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LibraryDataError(f"{path}: cannot be read ({error}).") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise LibraryDataError(f"{path}{where}: this is not valid YAML ({problem}).") from None


def read_module_file(path: Path) -> LibraryModule:
    """One module file: its lessons in order, its quiz questions with their choices."""
    fields = _Fields(
        path,
        "",
        _read_yaml(path),
        required={"key", "title", "topic", "summary", "estimated_minutes", "lessons", "questions"},
        optional={"pass_mark", "max_attempts", "validity_days"},
    )
    key = fields.text("key", max_length=80)
    if not KEY_PATTERN.match(key):
        fields.fail(f"{key!r} must be lower-case letters, digits and hyphens", "key")
    lessons = []
    for number, item in enumerate(fields.items("lessons"), start=1):
        lesson = _Fields(path, f"lesson {number}", item, required={"title", "body_html"}, optional=set())
        lessons.append(LibraryLesson(lesson.text("title", max_length=200), lesson.text("body_html")))
    questions = [
        _read_question(path, number, item) for number, item in enumerate(fields.items("questions"), start=1)
    ]
    return LibraryModule(
        key=key,
        title=fields.text("title", max_length=200),
        topic=fields.choice("topic", Module.Topic.values),
        summary=fields.text("summary"),
        estimated_minutes=fields.number("estimated_minutes", 1, 600),
        pass_mark=fields.optional_number("pass_mark", 0, 100),
        max_attempts=fields.optional_number("max_attempts", 1, 100),
        validity_days=fields.optional_number("validity_days", 1, 3650),
        lessons=tuple(lessons),
        questions=tuple(questions),
    )


def _read_question(path: Path, number: int, item: object) -> LibraryQuestion:
    where = f"question {number}"
    fields = _Fields(
        path, where, item, required={"prompt", "choices", "explanation"}, optional={"scenario", "kind"}
    )
    kind = fields.choice("kind", QuizQuestion.Kind.values, default=QuizQuestion.Kind.SINGLE)
    choices = []
    for position, choice in enumerate(fields.items("choices", at_least=2), start=1):
        place = f"{where}, choice {position}"
        if not isinstance(choice, dict) or len(choice) != 1 or next(iter(choice)) not in ("right", "wrong"):
            fields.fail(f'must be "right: <text>" or "wrong: <text>", found {_describe(choice)}', place)
        label = next(iter(choice))
        text = _Fields(path, place, choice, required={label}, optional=set()).text(label, max_length=400)
        choices.append(LibraryChoice(text, correct=label == "right"))
    right = sum(choice.correct for choice in choices)
    if kind == QuizQuestion.Kind.SINGLE and right != 1:
        fields.fail(f"a one-answer question needs exactly one right choice, found {right}")
    if kind == QuizQuestion.Kind.MULTIPLE and right < 1:
        fields.fail("a several-answers question needs at least one right choice")
    scenario = fields.text("scenario", default="")
    return LibraryQuestion(
        prompt=fields.text("prompt", max_length=400),
        choices=tuple(choices),
        explanation=fields.text("explanation"),
        scenario=scenario,
        kind=kind,
    )


def read_library_modules(directory: Path | None = None) -> tuple[LibraryModule, ...]:
    """Every module file (`*.yaml`) of `directory` (the library's), in file-name order; the keys must
    be unique."""
    directory = directory or MODULES_DIR
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise LibraryDataError(f"{directory}: there are no module files (*.yaml) here.")
    modules = []
    seen: dict[str, Path] = {}
    for path in paths:
        module = read_module_file(path)
        if module.key in seen:
            raise LibraryDataError(
                f"{path}: key: {module.key!r} is already the key of {seen[module.key].name}; "
                "keys must differ."
            )
        seen[module.key] = path
        modules.append(module)
    return tuple(modules)


def read_library_resources(path: Path | None = None) -> tuple[LibraryResource, ...]:
    """The starter resources of `path` (the library's); the titles must be unique."""
    path = path or RESOURCES_FILE
    fields = _Fields(path, "", _read_yaml(path), required={"resources"}, optional=set())
    resources = []
    titles: set[str] = set()
    for number, item in enumerate(fields.items("resources"), start=1):
        resource = _Fields(
            path, f"resource {number}", item, required={"title", "description", "audience"}, optional={"tags"}
        )
        title = resource.text("title", max_length=200)
        if title in titles:
            resource.fail(
                f"the title {title!r} is used twice; titles must differ", f"resource {number}, title"
            )
        titles.add(title)
        tags = resource.data.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
            resource.fail(f"must be a list of words, found {_describe(tags)}", f"resource {number}, tags")
        resources.append(
            LibraryResource(
                title=title,
                description=resource.text("description"),
                audience=resource.choice("audience", Resource.Audience.values),
                tags=tuple(tags),
            )
        )
    return tuple(resources)


# Loading into an organization --------------------------------------------------------------------


@transaction.atomic
def load_training_library(
    *,
    organization: Organization,
    modules: Sequence[LibraryModule] | None = None,
    resources: Sequence[LibraryResource] | None = None,
) -> int:
    """Create or refresh the starter modules (and add missing starter resources) in `organization`.

    `modules` and `resources` default to the library's files (read now, so an edit needs no restart);
    the command reads them once for many organizations.

    Modules are matched by `library_key`: their text, lessons and quiz are brought up to date, while a
    school's own settings (published, pass mark, attempts allowed, validity) are kept. Quiz questions are
    replaced. Starter resources are only added when missing, so a coordinator's edits stay.
    Returns the number of modules written.
    """
    modules = read_library_modules() if modules is None else modules
    resources = read_library_resources() if resources is None else resources
    created_modules = 0
    for item in modules:
        _module, created = _load_module(organization, item)
        created_modules += created
    created_resources = _load_resources(organization, resources)
    record_audit(
        action="training.library_loaded",
        organization_id=organization.pk,
        actor_label="load_training_library",
        detail={
            "modules": len(modules),
            "modules_created": created_modules,
            "resources_created": created_resources,
        },
    )
    return len(modules)


def _load_module(organization: Organization, item: LibraryModule) -> tuple[Module, bool]:
    module, created = Module.objects.update_or_create(
        organization=organization,
        library_key=item.key,
        defaults={
            "title": item.title,
            "summary": item.summary,
            "topic": item.topic,
            "estimated_minutes": item.estimated_minutes,
        },
        # How long a refresher stays valid is the school's setting once the module exists.
        create_defaults={
            "title": item.title,
            "summary": item.summary,
            "topic": item.topic,
            "estimated_minutes": item.estimated_minutes,
            "validity_days": item.validity_days,
            "max_attempts": item.max_attempts,
            **({"pass_mark": item.pass_mark} if item.pass_mark is not None else {}),
        },
    )
    # Lessons are updated in place by position, so links to them survive a reload.
    lessons = list(module.lessons.order_by("order", "id"))
    for order, lesson_item in enumerate(item.lessons):
        if order < len(lessons):
            lesson = lessons[order]
            lesson.title, lesson.body_html, lesson.order = (
                lesson_item.title,
                sanitize_lesson_html(lesson_item.body_html),
                order,
            )
            lesson.save(update_fields=["title", "body_html", "order", "updated"])
        else:
            Lesson.objects.create(
                module=module,
                title=lesson_item.title,
                body_html=sanitize_lesson_html(lesson_item.body_html),
                order=order,
            )
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons[len(item.lessons) :]]).delete()

    module.questions.all().delete()
    questions = QuizQuestion.objects.bulk_create(
        QuizQuestion(
            module=module,
            kind=question.kind,
            scenario=question.scenario,
            prompt=question.prompt,
            explanation=question.explanation,
            order=order,
        )
        for order, question in enumerate(item.questions)
    )
    QuizChoice.objects.bulk_create(
        QuizChoice(question=question, text=choice.text, is_correct=choice.correct, order=order)
        for question, question_item in zip(questions, item.questions, strict=True)
        for order, choice in enumerate(question_item.choices)
    )
    return module, created


def _load_resources(organization: Organization, resources: Sequence[LibraryResource]) -> int:
    existing = set(
        Resource.objects.filter(organization=organization, program=None).values_list("title", flat=True)
    )
    missing = [item for item in resources if item.title not in existing]
    Resource.objects.bulk_create(
        Resource(
            organization=organization,
            title=item.title,
            description=item.description,
            audience=item.audience,
            tags=list(item.tags),
        )
        for item in missing
    )
    return len(missing)
