"""Match rounds: run one, watch its progress, review its proposals (accept, reject, swap, lock, exclude),
re-run, compare two rounds, and publish. Only a program's coordinators (and the school's admins) see them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.matching.models import MatchRound, Proposal
from peerpath.matching.queries import rounds as round_queries
from peerpath.matching.queries.settings import settings_of
from peerpath.matching.reasons import fit
from peerpath.matching.services import rounds as services
from peerpath.programs.models import Program

PAGE_SIZE = 50


def _program(request: AuthenticatedHttpRequest, program_pk: int) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), "manage", pk=program_pk
    )


def _round(request: AuthenticatedHttpRequest, pk: int) -> MatchRound:
    return policy.get_object_or_404(
        request.user, MatchRound.objects.select_related("cohort__program__organization"), "manage", pk=pk
    )


def _proposal(request: AuthenticatedHttpRequest, pk: int) -> Proposal:
    return policy.get_object_or_404(
        request.user,
        Proposal.objects.select_related("round__cohort__program__organization", "mentee", "mentor"),
        "manage",
        pk=pk,
    )


def _back_to(round: MatchRound, request: AuthenticatedHttpRequest) -> str:
    """The review page, keeping the list's filters and page when the form sent them."""
    url = reverse("match_round_detail", args=[round.pk])
    query = request.POST.get("next_query", "")
    return f"{url}?{query}" if query and "\n" not in query and "//" not in query else url


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _program(request, program_pk)
    cohorts = list(program.cohorts.order_by("-starts_on", "-pk"))
    if request.method == "POST":
        cohort = next((c for c in cohorts if str(c.pk) == request.POST.get("cohort")), None)
        if cohort is None:
            messages.error(request, _("Choose a cohort to match."))
            return redirect("match_rounds", program.pk)
        round = services.start_round(cohort=cohort, actor=request.user)
        return redirect("match_round_detail", round.pk)
    rounds = list(round_queries.rounds_of(program))
    return render(
        request,
        "matching/rounds/list.html",
        {
            "program": program,
            "cohorts": cohorts,
            "rounds": rounds,
            "settings": settings_of(program),
        },
    )


@login_required
@require_GET
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    context: dict[str, object] = {"round": round, "program": round.cohort.program}
    if not round.is_finished or round.status == MatchRound.Status.FAILED:
        return render(request, "matching/rounds/progress.html", context)
    decision = request.GET.get("decision", "")
    decision = decision if decision in Proposal.Decision.values else ""
    matched = request.GET.get("matched", "")
    matched = matched if matched in ("yes", "no") else ""
    page = Paginator(round_queries.proposals_of(round, decision, matched), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    round_queries.annotate(list(page.object_list), round.config.get("weights", {}))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        review=round_queries.review(round),
        page=page,
        decision=decision,
        matched=matched,
        decisions=Proposal.Decision.choices,
        query=query.urlencode(),
        editable=round.status == MatchRound.Status.DRAFT,
        other_rounds=round_queries.other_finished_rounds(round),
    )
    return render(request, "matching/rounds/review.html", context)


@login_required
@require_GET
def round_blockers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every rule that keeps the round's unmatched mentees from a mentor. Recomputed on the cohort, so it is
    loaded after the review page (htmx) rather than with it; without JavaScript, a page of its own."""
    round = _round(request, pk)
    if round.status not in round_queries.FINISHED:
        raise Http404
    template = "matching/rounds/blockers.html"
    return render(
        request,
        f"{template}#table" if request.headers.get("HX-Request") else template,
        {"round": round, "program": round.cohort.program, "blockers": round_queries.blockers(round)},
    )


@login_required
@require_GET
def round_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone (htmx polls it); tells htmx to load the review when the round is done."""
    round = _round(request, pk)
    response = render(request, "matching/rounds/_progress.html", {"round": round})
    if round.is_finished:
        response["HX-Redirect"] = reverse("match_round_detail", args=[round.pk])
    return response


@login_required
@require_POST
def round_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    decision = request.POST.get("decision", "")
    if decision not in Proposal.Decision.values:
        messages.error(request, _("Unknown decision."))
        return redirect(_back_to(round, request))
    if request.POST.get("all") == "1":
        ids = round_queries.pending_proposal_ids(round)
    else:
        ids = [int(x) for x in request.POST.getlist("proposal") if x.isdigit()]
    if not ids:
        messages.error(request, _("Select at least one proposal."))
        return redirect(_back_to(round, request))
    try:
        changed = services.set_proposal_decision(
            round=round, action=decision, proposal_ids=ids, actor=request.user, request=request
        )
    except services.MatchingError as error:
        messages.error(request, str(error))
    else:
        label = Proposal.Decision(decision).label.lower()
        messages.success(
            request,
            ngettext(
                "%(count)s proposal marked %(decision)s.", "%(count)s proposals marked %(decision)s.", changed
            )
            % {"count": changed, "decision": label},
        )
    return redirect(_back_to(round, request))


@login_required
@require_POST
def proposal_lock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    lock = request.POST.get("locked") == "1"
    try:
        services.set_proposal_decision(
            round=proposal.round,
            action=services.ProposalAction.LOCK if lock else services.ProposalAction.UNLOCK,
            proposal_ids=[proposal.pk],
            actor=request.user,
            request=request,
        )
    except services.MatchingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Pair locked: a re-run keeps it.") if lock else _("Pair unlocked."),
        )
    return redirect(_back_to(proposal.round, request))


@login_required
@require_http_methods(["GET", "POST"])
def proposal_swap(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    round = proposal.round
    if round.status != MatchRound.Status.DRAFT:
        messages.error(request, _("Only a round that is ready for review can be changed."))
        return redirect("match_round_detail", round.pk)
    if request.method == "POST":
        # "kind:mentor:other proposal" as the page offers it; a bare mentor id is a move.
        kind, _sep, rest = request.POST.get("option", "move:" + request.POST.get("mentor", "")).partition(":")
        mentor, _sep, other = rest.partition(":")
        try:
            if kind not in services.ProposalAction.CHANGES or not mentor.isdigit():
                raise services.MatchingError(_("Choose a mentor."))
            services.set_proposal_decision(
                round=round,
                action=kind,
                proposal_ids=[proposal.pk, *([int(other)] if other.isdigit() else [])],
                mentor_id=int(mentor),
                actor=request.user,
                request=request,
            )
        except services.MatchingError as error:
            messages.error(request, str(error))
            return redirect("match_proposal_swap", proposal.pk)
        messages.success(request, _("Done. The changed pairs are waiting for your review."))
        return redirect("match_round_detail", round.pk)
    options = services.swap_options(proposal)
    weights = round.config.get("weights", {})
    return render(
        request,
        "matching/rounds/swap.html",
        {
            "proposal": proposal,
            "current_fit": fit(proposal.score, proposal.contributions, weights)
            if proposal.mentor_id
            else None,
            "round": round,
            "program": round.cohort.program,
            "options": options,
        },
    )


@login_required
@require_POST
def round_exclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    user_id = request.POST.get("person", "")
    if not (user_id.isdigit() and round_queries.is_in_round(round, int(user_id))):
        raise Http404
    try:
        rejected = services.set_proposal_decision(
            round=round,
            action=services.ProposalAction.EXCLUDE,
            person_id=int(user_id),
            actor=request.user,
            request=request,
        )
    except services.MatchingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "Left out of the next run; %(count)s proposal rejected.",
                "Left out of the next run; %(count)s proposals rejected.",
                rejected,
            )
            % {"count": rejected},
        )
    return redirect(_back_to(round, request))


@login_required
@require_POST
def round_rerun(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    new = services.start_round(cohort=round.cohort, actor=request.user, previous=round)
    return redirect("match_round_detail", new.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    accepted, not_accepted = round_queries.publish_counts(round)
    if request.method == "POST":
        try:
            made = services.publish_round(round=round, actor=request.user, request=request)
        except services.MatchingError as error:
            messages.error(request, str(error))
            return redirect("match_round_detail", round.pk)
        messages.success(
            request,
            ngettext(
                "Published: %(count)s match proposed; the people involved are being notified.",
                "Published: %(count)s matches proposed; the people involved are being notified.",
                made,
            )
            % {"count": made},
        )
        return redirect("match_round_detail", round.pk)
    return render(
        request,
        "matching/rounds/publish.html",
        {"round": round, "program": round.cohort.program, "accepted": accepted, "not_accepted": not_accepted},
    )


@login_required
@require_GET
def round_compare(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _program(request, program_pk)
    rounds = round_queries.finished_rounds(program)
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    found = {str(r.pk): r for r in rounds.filter(pk__in=[x for x in (a_id, b_id) if x.isdigit()])}
    context: dict[str, object] = {
        "program": program,
        "rounds": rounds,
    }
    if a_id in found and b_id in found:
        a, b = found[a_id], found[b_id]
        if a.cohort_id != b.cohort_id:
            messages.error(request, _("Compare two rounds of the same cohort."))
        else:
            context.update(
                a=round_queries.round_summary(a),
                b=round_queries.round_summary(b),
                weights=round_queries.weights_side_by_side(a, b),
                differences=round_queries.compare(a, b),
            )
    elif a_id or b_id:
        messages.error(request, _("Choose two finished rounds to compare."))
    return render(request, "matching/rounds/compare.html", context)
