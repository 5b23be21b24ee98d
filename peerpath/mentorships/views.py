"""A program's matches, and returning a mentee to the pool. Agreements, meetings and closure pages come
with the relationship work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.mentorships.models import Match
from peerpath.mentorships.queries import matches_of
from peerpath.mentorships.services import IllegalMatchTransition, return_to_pool
from peerpath.programs.models import Program

PAGE_SIZE = 50


@login_required
@require_GET
def match_list(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), "manage", pk=program_pk
    )
    status = request.GET.get("status", "")
    status = status if status in Match.Status.values else ""
    page = Paginator(matches_of(program, status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorships/match_list.html",
        {
            "program": program,
            "page": page,
            "status": status,
            "statuses": Match.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def match_return_to_pool(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = policy.get_object_or_404(
        request.user, Match.objects.select_related("cohort__program", "mentor", "mentee"), "manage", pk=pk
    )
    program = match.cohort.program
    if request.method == "POST":
        try:
            return_to_pool(match=match, actor=request.user, reason=request.POST.get("reason", "")[:500])
        except IllegalMatchTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is back in the pool and will be matched first in the next round.")
                % {"name": match.mentee.get_full_name() or match.mentee.username},
            )
        return redirect("match_list", program.pk)
    return render(request, "mentorships/return_to_pool.html", {"match": match, "program": program})
