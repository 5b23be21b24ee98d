"""A mentee's self-match page: their suggested mentors with reasons in plain words (never scores, never
anything about other mentees), and up to three requests, which are a bonus in the next round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.matching.forms.profiles import RequestForm
from peerpath.matching.models import Preference
from peerpath.matching.queries.profiles import open_match_of, participants_with_program, preferences_of
from peerpath.matching.queries.settings import settings_of
from peerpath.matching.queries.suggestions import Suggestions, suggested_mentors
from peerpath.matching.services.profiles import MAX_REQUESTS, ProfileError, add_preference
from peerpath.programs.models import Participant, ParticipantRole, Program


def _get_own_mentee(request: AuthenticatedHttpRequest, participant_pk: int) -> Participant:
    """The person's own participation as a mentee: suggestions are for the mentee alone."""
    return policy.get_object_or_404(
        request.user,
        participants_with_program(),
        "view",
        pk=participant_pk,
        user_id=request.user.pk,
        role=ParticipantRole.MENTEE,
    )


def _render(request: AuthenticatedHttpRequest, participant: Participant, status: int = 200) -> HttpResponse:
    cohort = participant.cohort
    program: Program = cohort.program
    allow_requests = settings_of(program).allow_requests
    match = open_match_of(cohort, participant.user_id)
    tutoring = program.model == Program.Model.PEER_TUTORING
    show_suggestions = allow_requests and participant.status == Participant.Status.ENROLLED
    show_suggestions = show_suggestions and (match is None or tutoring)
    preferences = preferences_of(cohort, participant.user_id)
    requests = [p for p in preferences if p.kind == Preference.Kind.REQUEST]
    suggestions = suggested_mentors(participant) if show_suggestions else Suggestions()
    requested = {p.mentor_id for p in requests}
    return render(
        request,
        "matching/profile/suggestions.html",
        {
            "participant": participant,
            "program": program,
            "allow_requests": allow_requests,
            "match": match,
            "show_suggestions": show_suggestions,
            "suggestions": [(s, s.mentor.pk in requested) for s in suggestions.items],
            "in_pool": suggestions.in_pool,
            "requests": requests,
            "max_requests": MAX_REQUESTS,
            "can_request": len(requests) < MAX_REQUESTS,
        },
        status=status,
    )


@login_required
@require_GET
def suggestions(request: AuthenticatedHttpRequest, participant_pk: int) -> HttpResponse:
    return _render(request, _get_own_mentee(request, participant_pk))


@login_required
@require_POST
def request_mentor(request: AuthenticatedHttpRequest, participant_pk: int) -> HttpResponse:
    participant = _get_own_mentee(request, participant_pk)
    if not settings_of(participant.cohort.program).allow_requests:
        raise Http404
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a mentor from the list."))
        return _render(request, participant, status=400)
    fitting = suggested_mentors(participant).fitting_mentor_ids
    try:
        preference = add_preference(
            participant=participant,
            mentor_id=form.cleaned_data["mentor"],
            kind=Preference.Kind.REQUEST,
            actor=request.user,
            allowed_mentor_ids=fitting,
            request=request,
        )
    except ProfileError as error:
        messages.error(request, str(error))
        return _render(request, participant, status=400)
    messages.success(
        request,
        _("You asked for %(name)s. It counts as a bonus when the next round is made.")
        % {"name": preference.mentor.get_full_name() or preference.mentor.username},
    )
    return redirect("matching_suggestions", participant.pk)
