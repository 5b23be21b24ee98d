"""Training module pages: the list, authoring (module, lessons, quiz), taking a module, results."""

import copy
import os
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES
from peerpath.training.forms.modules import LessonForm, ModuleForm, QuizForm, QuizQuestionForm
from peerpath.training.models import Attempt, Lesson, Module, QuizQuestion
from peerpath.training.queries import modules as queries
from peerpath.training.services import modules as services


def _get_module(request: AuthenticatedHttpRequest, pk: int, action: str) -> Module:
    return policy.get_object_or_404(
        request.user, Module.objects.select_related("organization"), action, pk=pk
    )


def _get_lesson(request: AuthenticatedHttpRequest, pk: int) -> Lesson:
    return policy.get_object_or_404(request.user, Lesson.objects.select_related("module"), "manage", pk=pk)


def _get_question(request: AuthenticatedHttpRequest, pk: int) -> QuizQuestion:
    return policy.get_object_or_404(
        request.user, QuizQuestion.objects.select_related("module"), "manage", pk=pk
    )


def _get_module_to_take(request: AuthenticatedHttpRequest, pk: int) -> Module:
    """A module the person may take: visible to them and published, unless they manage it."""
    module = _get_module(request, pk, "view")
    if not module.is_published and not policy.can(request.user, "manage", module):
        raise Http404
    return module


# The list and authoring --------------------------------------------------------------------------


@login_required
def module_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = queries.module_rows(request.user)
    managed = set(policy.organization_ids(request.user, MANAGER_ROLES))
    return render(
        request,
        "training/module_list.html",
        {"rows": rows, "can_create": bool(managed), "managed": managed},
    )


@login_required
def module_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organizations = queries.manager_organizations(request.user)
    if not organizations:
        raise Http404
    form = ModuleForm(
        request.POST or None,
        organizations=organizations,
        initial={"organization": organizations[0]} if len(organizations) == 1 else None,
    )
    if request.method == "POST" and form.is_valid():
        module = services.create_module(
            organization=form.cleaned_data["organization"],
            actor=request.user,
            fields=form.module_fields(),
            request=request,
        )
        messages.success(request, _("The module is created. Add its lessons and quiz."))
        return redirect("module_edit", module.pk)
    return render(request, "training/module_form.html", {"form": form, "module": None})


@login_required
def module_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    module = _get_module(request, pk, "manage")
    # A copy, so that a failed submit does not rename the page's heading.
    form = ModuleForm(request.POST or None, instance=copy.copy(module))
    if request.method == "POST" and form.is_valid():
        services.update_module(
            module=module, actor=request.user, fields=form.module_fields(), request=request
        )
        messages.success(request, _("Changes saved."))
        return redirect("module_edit", module.pk)
    return render(
        request,
        "training/module_form.html",
        {
            "form": form,
            "module": module,
            "lessons": queries.lessons_of(module),
            "question_count": QuizQuestion.objects.filter(module=module).count(),
        },
    )


# Lessons -----------------------------------------------------------------------------------------


def _lesson_fields(form: LessonForm) -> dict[str, Any]:
    return {
        "title": form.cleaned_data["title"],
        "body_html": form.cleaned_data["body_html"],
        "link_url": form.cleaned_data["link_url"],
        "file": form.cleaned_data["file"],
        "remove_file": form.cleaned_data.get("remove_file", False),
    }


@login_required
def lesson_create(request: AuthenticatedHttpRequest, module_pk: int) -> HttpResponse:
    module = _get_module(request, module_pk, "manage")
    form = LessonForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.save_lesson(module=module, **_lesson_fields(form))
        messages.success(request, _("Lesson added."))
        return redirect("module_edit", module.pk)
    return render(request, "training/lesson_form.html", {"form": form, "module": module, "lesson": None})


@login_required
def lesson_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson(request, pk)
    module = lesson.module
    has_file = bool(lesson.file)
    if request.method == "POST":
        form = LessonForm(request.POST, request.FILES, has_file=has_file)
        if form.is_valid():
            services.save_lesson(module=module, lesson=lesson, **_lesson_fields(form))
            messages.success(request, _("Lesson saved."))
            return redirect("module_edit", module.pk)
    else:
        form = LessonForm(
            initial={"title": lesson.title, "body_html": lesson.body_html, "link_url": lesson.link_url},
            has_file=has_file,
        )
    return render(request, "training/lesson_form.html", {"form": form, "module": module, "lesson": lesson})


@login_required
@require_POST
def lesson_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson(request, pk)
    services.move_lesson(lesson=lesson, up=request.POST.get("direction") == "up")
    return redirect("module_edit", lesson.module_id)


@login_required
def lesson_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson(request, pk)
    if request.method == "POST":
        services.delete_lesson(lesson=lesson)
        messages.success(request, _("Lesson deleted."))
        return redirect("module_edit", lesson.module_id)
    return render(request, "training/lesson_delete.html", {"lesson": lesson, "module": lesson.module})


@login_required
def lesson_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A lesson's file, for those who may see its module. Files are never served from /media/."""
    visible = policy.scope(request.user, Module.objects.all(), "view")
    lesson = Lesson.objects.filter(module__in=visible, pk=pk).select_related("module").first()
    if lesson is None or not lesson.file:
        raise Http404
    _get_module_to_take(request, lesson.module_id)
    try:
        handle = lesson.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, filename=os.path.basename(lesson.file.name or ""))


# Quiz authoring ----------------------------------------------------------------------------------


@login_required
def quiz_edit(request: AuthenticatedHttpRequest, module_pk: int) -> HttpResponse:
    """The questions of a module's quiz, with the answer key; the form below the list adds one."""
    module = _get_module(request, module_pk, "manage")
    form = QuizQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_quiz_question(module=module, **form.cleaned_data)
        messages.success(request, _("Question added."))
        return redirect("quiz_edit", module.pk)
    return render(
        request,
        "training/quiz_edit.html",
        {"module": module, "questions": queries.questions_of(module), "form": form},
    )


@login_required
def quiz_question_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _get_question(request, pk)
    if request.method == "POST":
        form = QuizQuestionForm(request.POST)
        if form.is_valid():
            services.save_quiz_question(module=question.module, question=question, **form.cleaned_data)
            messages.success(request, _("Question saved."))
            return redirect("quiz_edit", question.module_id)
    else:
        form = QuizQuestionForm.for_question(question)
    return render(
        request,
        "training/quiz_question_form.html",
        {"form": form, "question": question, "module": question.module},
    )


@login_required
@require_POST
def quiz_question_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _get_question(request, pk)
    services.move_quiz_question(question=question, up=request.POST.get("direction") == "up")
    return redirect("quiz_edit", question.module_id)


@login_required
def quiz_question_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _get_question(request, pk)
    if request.method == "POST":
        services.delete_quiz_question(question=question)
        messages.success(request, _("Question deleted."))
        return redirect("quiz_edit", question.module_id)
    return render(
        request, "training/quiz_question_delete.html", {"question": question, "module": question.module}
    )


# Taking a module ---------------------------------------------------------------------------------


@login_required
def module_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    module = _get_module_to_take(request, pk)
    return render(
        request,
        "training/module_detail.html",
        {
            "module": module,
            "lessons": queries.lessons_of(module),
            "has_quiz": QuizQuestion.objects.filter(module=module).exists(),
            "progress": queries.progress_of(request.user, module),
            "passed_attempt": queries.latest_passed_attempt(module, request.user),
            "can_manage": policy.can(request.user, "manage", module),
        },
    )


@login_required
def quiz_take(request: AuthenticatedHttpRequest, module_pk: int) -> HttpResponse:
    """The quiz without its answer key; grading happens on the server when it is posted."""
    module = _get_module_to_take(request, module_pk)
    questions = list(queries.questions_of(module))
    if not questions:
        return redirect("module_detail", module.pk)
    progress = queries.progress_of(request.user, module)
    context: dict[str, Any] = {"module": module, "progress": progress}
    form = QuizForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.submit_quiz(
                module=module,
                user=request.user,
                answers=form.answers(),
                submit_token=form.cleaned_data["submit_token"],
                request=request,
            )
        except services.AlreadyCompleted as error:
            messages.info(request, str(error))
            if error.attempt is not None:
                return redirect("quiz_result", error.attempt.pk)
            return redirect("module_detail", module.pk)
        except services.TrainingError as error:
            context["problem"] = str(error)
            return render(request, "training/quiz_take.html", context)
        return redirect("quiz_result", attempt.pk)
    if request.method == "GET" and not progress.can_attempt:
        if progress.state == "passed":
            return redirect("module_detail", module.pk)
        context["problem"] = _(
            "You have used all %(count)s attempts for this quiz. Ask your coordinator for help."
        ) % {"count": module.max_attempts}
        return render(request, "training/quiz_take.html", context)
    context["form"] = form
    return render(request, "training/quiz_take.html", context)


@login_required
def quiz_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An attempt's score and, per question, the right answer and why.

    Own attempts only, or any attempt for staff of the school."""
    attempt = policy.get_object_or_404(
        request.user, Attempt.objects.select_related("module", "user"), "view", pk=pk
    )
    services.record_attempt_view(viewer=request.user, attempt=attempt, request=request)
    rows = []
    for question in queries.questions_of(attempt.module):
        chosen = set(attempt.answers.get(str(question.pk), []))
        choices = [(choice, choice.pk in chosen) for choice in question.choices.all()]
        rows.append((question, choices, services.is_right(question, chosen)))
    return render(
        request,
        "training/quiz_result.html",
        {
            "attempt": attempt,
            "module": attempt.module,
            "rows": rows,
            "is_own": attempt.user_id == request.user.pk,
        },
    )


@login_required
@require_POST
def module_complete(request: AuthenticatedHttpRequest, module_pk: int) -> HttpResponse:
    """'I have read the lessons' for a module without a quiz."""
    module = _get_module_to_take(request, module_pk)
    try:
        services.complete_module_by_reading(module=module, user=request.user, request=request)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Well done! The module is completed."))
    return redirect("module_detail", module.pk)
