"""HTML input for training modules: validated here, written by services."""

import uuid
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization
from peerpath.core.uploads import content_matches_name, file_extension
from peerpath.training.models import Module, QuizQuestion
from peerpath.training.services.modules import MODULE_FIELDS

MAX_LESSON_FILE_BYTES = 5 * 1024 * 1024
LESSON_FILE_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".docx", ".pptx"})
CORRECT_MARKER = "*"


class ModuleForm(forms.ModelForm):
    """Create (with `organizations` to choose from) or edit a module."""

    organization = forms.ModelChoiceField(label=_("School"), queryset=Organization.objects.none())
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"),
        min_value=0,
        max_value=100,
        initial=80,
        help_text=_("The quiz score needed to complete the module."),
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Empty: as many as needed."),
    )
    validity_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("For a refresher: the completion expires after this many days. Empty: never."),
    )

    class Meta:
        model = Module
        fields = list(MODULE_FIELDS)
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations

    def module_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def check_lesson_file(upload: UploadedFile) -> None:
    """Refuse files that are too large or not what their name says (peerpath.core.uploads)."""
    if upload.size is not None and upload.size > MAX_LESSON_FILE_BYTES:
        raise forms.ValidationError(
            _("This file is %(size).1f MB; the largest allowed is 5 MB. Choose a smaller file."),
            code="too_large",
            params={"size": upload.size / (1024 * 1024)},
        )
    wrong_type = forms.ValidationError(
        _("Only PDF, PNG, JPEG, Word (DOCX) and PowerPoint (PPTX) files can be uploaded."), code="file_type"
    )
    name = upload.name or ""
    if file_extension(name) not in LESSON_FILE_EXTENSIONS or not content_matches_name(upload, name):
        raise wrong_type


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body_html = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Paragraphs, bold, italics, lists, links, headings (h3, h4) and quotes are kept; "
            "anything else is removed when you save."
        ),
    )
    link_url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Optional: a web page or video for this lesson (http or https)."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Optional: PDF, PNG, JPEG, DOCX or PPTX, at most 5 MB."),
    )
    remove_file = forms.BooleanField(label=_("Remove the current file"), required=False)

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_file:
            del self.fields["remove_file"]

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if upload:
            check_lesson_file(upload)
        return upload or None


def parse_choices(text: str) -> list[tuple[str, bool]]:
    """One choice per line; a leading * marks a correct one. Empty lines are skipped."""
    choices = []
    for line in text.splitlines():
        line = line.strip()
        is_correct = line.startswith(CORRECT_MARKER)
        line = line.removeprefix(CORRECT_MARKER).strip()
        if line:
            choices.append((line, is_correct))
    return choices


class QuizQuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of question"), choices=QuizQuestion.Kind.choices, initial=QuizQuestion.Kind.SINGLE
    )
    scenario = forms.CharField(
        label=_("Scenario"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: the situation the question is about, for example “A mentee tells you…”."),
    )
    prompt = forms.CharField(label=_("Question"), max_length=400)
    choices = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One answer per line. Start each correct answer with *, for example: *Ask what happened"),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the right answer after the quiz is submitted."),
    )

    @classmethod
    def for_question(cls, question: QuizQuestion, **kwargs: Any) -> "QuizQuestionForm":
        lines = [
            f"{CORRECT_MARKER if choice.is_correct else ''}{choice.text}" for choice in question.choices.all()
        ]
        initial = {
            "kind": question.kind,
            "scenario": question.scenario,
            "prompt": question.prompt,
            "choices": "\n".join(lines),
            "explanation": question.explanation,
        }
        return cls(initial=initial, **kwargs)

    def clean_choices(self) -> list[tuple[str, bool]]:
        choices = parse_choices(self.cleaned_data.get("choices", ""))
        if any(len(text) > 400 for text, _correct in choices):
            raise forms.ValidationError(_("Keep each answer under 400 characters."))
        return choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        choices = cleaned.get("choices")
        if choices is None:
            return cleaned
        correct = sum(1 for _text, is_correct in choices if is_correct)
        if len(choices) < 2:
            self.add_error("choices", _("Give at least two answers, one per line."))
        elif correct == 0:
            self.add_error("choices", _("Mark at least one answer as correct by starting its line with *."))
        elif cleaned.get("kind") == QuizQuestion.Kind.SINGLE and correct != 1:
            self.add_error(
                "choices",
                _(
                    "A question with one answer needs exactly one correct answer; "
                    "choose “Several answers” otherwise."
                ),
            )
        return cleaned


class QuizForm(forms.Form):
    """The quiz as taken: one field per question, choices by id and text only (no answer key)."""

    submit_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, questions: list[QuizQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        if not self.is_bound and "submit_token" not in self.initial:
            self.initial["submit_token"] = uuid.uuid4()
        for question in questions:
            choices = [(str(choice.pk), choice.text) for choice in question.choices.all()]
            field: forms.Field
            if question.kind == QuizQuestion.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=question.prompt,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"required": _("Choose at least one answer.")},
                    help_text=_("Choose every answer that applies."),
                )
            else:
                field = forms.ChoiceField(
                    label=question.prompt,
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer.")},
                )
            self.fields[self.field_name(question)] = field

    @staticmethod
    def field_name(question: QuizQuestion) -> str:
        return f"q{question.pk}"

    def question_fields(self) -> list[tuple[QuizQuestion, forms.BoundField]]:
        return [(question, self[self.field_name(question)]) for question in self.questions]

    def answers(self) -> dict[str, list[int]]:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(self.field_name(question)) or []
            values = value if isinstance(value, list) else [value]
            answers[str(question.pk)] = [int(pk) for pk in values]
        return answers
