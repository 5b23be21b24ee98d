"""A program's matching settings, with a live preview of what a round would propose under them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.matching.forms.settings import MatchSettingsForm
from peerpath.matching.models import MatchSettings
from peerpath.matching.queries.settings import Preview, preview_settings, settings_of
from peerpath.matching.services.settings import save_settings
from peerpath.programs.models import Program


def _get_settings(request: AuthenticatedHttpRequest, program_pk: int) -> MatchSettings:
    program = policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), "manage", pk=program_pk
    )
    settings = settings_of(program)
    settings.program = program
    # Unsaved defaults have no row to check: the program check above allowed the same people.
    if settings.pk is not None and not policy.can(request.user, "manage", settings):
        raise Http404
    return settings


def _preview(program: Program, form: MatchSettingsForm) -> Preview | None:
    return preview_settings(program, form.cleaned_data) if form.is_valid() else None


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """Save with "Save"; "Preview" shows what a round would propose without saving (the no-JS preview)."""
    settings = _get_settings(request, program_pk)
    program = settings.program
    preview: Preview | None = None
    status = 200
    if request.method == "POST":
        form = MatchSettingsForm(request.POST)
        if request.POST.get("action") == "preview":
            preview = _preview(program, form)
        elif form.is_valid():
            changed = save_settings(
                settings=settings, data=form.cleaned_data, actor=request.user, request=request
            )
            if changed:
                messages.success(request, _("The matching settings are saved. The next round uses them."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("matching_settings", program.pk)
        if not form.is_valid():
            status = 400
    else:
        form = MatchSettingsForm.for_settings(settings)
    return render(
        request,
        "matching/settings.html",
        {
            "program": program,
            "settings": settings,
            "form": form,
            "preview": preview,
            "previewed": preview is not None,
            # The interest list belongs to the school: its admins and coordinators, not only the program's.
            "can_edit_interests": policy.can(request.user, "manage", program.organization),
        },
        status=status,
    )


@login_required
@require_POST
def settings_preview(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """The preview partial for htmx. Invalid input renders the errors (status 200, so that htmx swaps it)."""
    settings = _get_settings(request, program_pk)
    form = MatchSettingsForm(request.POST)
    return render(
        request,
        "matching/settings.html#preview",
        {
            "program": settings.program,
            "form": form,
            "preview": _preview(settings.program, form),
            "previewed": True,
        },
    )
