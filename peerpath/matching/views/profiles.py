"""Matching profile pages: a participant's own profile (or, for the program's coordinators, anyone's),
a mentee's preferences (avoid, and for coordinators requests), and an organization's interest vocabulary."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.accounts.models import Organization
from peerpath.accounts.services.profile import record_student_record_view
from peerpath.core import policy
from peerpath.matching.forms.profiles import InterestAddForm, InterestRenameForm, PreferenceForm, ProfileForm
from peerpath.matching.models import InterestTag, Preference, Profile
from peerpath.matching.queries.profiles import (
    interest_usage,
    last_editor,
    mentors_of,
    participants_with_program,
    preferences_of,
    profile_of,
    school_record,
    vocabulary_of,
)
from peerpath.matching.queries.settings import settings_of
from peerpath.matching.services.profiles import (
    ProfileError,
    add_interests,
    add_preference,
    delete_interest,
    remove_preference,
    rename_interest,
    save_profile,
)
from peerpath.programs.models import Participant, ParticipantRole

TAGS_PER_PAGE = 50


def _get_participant(request: AuthenticatedHttpRequest, participant_pk: int) -> Participant:
    """A participation whose profile this person may edit: their own, or one in a program they coordinate."""
    participant = policy.get_object_or_404(
        request.user, participants_with_program(), "view", pk=participant_pk
    )
    if participant.user_id != request.user.pk and not policy.can(request.user, "manage", participant):
        raise Http404
    return participant


def _get_profile(request: AuthenticatedHttpRequest, participant: Participant) -> Profile:
    profile = profile_of(participant)
    # An unsaved profile (none yet) has no row to check; `_get_participant` has already allowed the
    # participant themselves or the program's managers, the same people the profile rule allows.
    if profile.pk is not None and not policy.can(request.user, "manage", profile):
        raise Http404
    return profile


# Profiles ---------------------------------------------------------------------------------------------


def _render_profile(
    request: AuthenticatedHttpRequest,
    participant: Participant,
    profile: Profile,
    *,
    form: ProfileForm | None = None,
    preference_form: PreferenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    program = participant.cohort.program
    is_self = participant.user_id == request.user.pk
    is_mentee = participant.role == ParticipantRole.MENTEE
    vocabulary = list(vocabulary_of(program.organization_id))
    context: dict[str, Any] = {
        "participant": participant,
        "program": program,
        "profile": profile,
        "editor": last_editor(profile),
        "is_self": is_self,
        "is_mentee": is_mentee,
        "form": form or ProfileForm.for_profile(profile, participant=participant, vocabulary=vocabulary),
        "allow_requests": settings_of(program).allow_requests,
        "school_record": school_record(participant),
    }
    if is_mentee:
        preferences = preferences_of(participant.cohort, participant.user_id)
        named = {p.mentor_id for p in preferences}
        mentors = [
            m for m in mentors_of(participant.cohort) if m.pk not in named and m.pk != participant.user_id
        ]
        context.update(
            preferences=preferences,
            mentors=mentors,
            preference_form=preference_form
            or PreferenceForm(mentors=mentors, allow_requests=not is_self, auto_id="id_preference_%s"),
        )
    return render(request, "matching/profile/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest, participant_pk: int) -> HttpResponse:
    participant = _get_participant(request, participant_pk)
    profile = _get_profile(request, participant)
    if request.method == "GET":
        if participant.user_id != request.user.pk:
            record_student_record_view(
                viewer=request.user,
                student=participant.user,
                organization=participant.cohort.program.organization,
                request=request,
            )
        return _render_profile(request, participant, profile)
    form = ProfileForm(
        request.POST,
        participant=participant,
        vocabulary=list(vocabulary_of(participant.cohort.program.organization_id)),
    )
    if not form.is_valid():
        return _render_profile(request, participant, profile, form=form, status=400)
    save_profile(profile=profile, data=form.profile_data(), actor=request.user, request=request)
    messages.success(request, _("The matching profile is saved."))
    return redirect("matching_profile", participant.pk)


@login_required
@require_POST
def preference_add(request: AuthenticatedHttpRequest, participant_pk: int) -> HttpResponse:
    """A mentor to avoid (mentees and coordinators) or to ask for (coordinators; mentees ask through
    their suggestions)."""
    participant = _get_participant(request, participant_pk)
    profile = _get_profile(request, participant)
    is_self = participant.user_id == request.user.pk
    form = PreferenceForm(
        request.POST,
        mentors=mentors_of(participant.cohort),
        allow_requests=not is_self,
        auto_id="id_preference_%s",
    )
    if not form.is_valid():
        return _render_profile(request, participant, profile, preference_form=form, status=400)
    kind = form.cleaned_data.get("kind", Preference.Kind.AVOID)
    try:
        preference = add_preference(
            participant=participant,
            mentor_id=form.cleaned_data["mentor"],
            kind=kind,
            actor=request.user,
            request=request,
        )
    except ProfileError as error:
        form.add_error("mentor", str(error))
        return _render_profile(request, participant, profile, preference_form=form, status=400)
    name = preference.mentor.get_full_name() or preference.mentor.username
    if preference.kind == Preference.Kind.AVOID:
        messages.success(request, _("%(name)s will not be proposed as a mentor.") % {"name": name})
    else:
        messages.success(request, _("%(name)s is requested: a bonus in the next round.") % {"name": name})
    return redirect(reverse("matching_profile", args=[participant.pk]) + "#preferences")


@login_required
@require_POST
def preference_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    preference = policy.get_object_or_404(
        request.user, Preference.objects.select_related("cohort__program", "mentor"), "manage", pk=pk
    )
    participant = (
        Participant.objects.filter(
            cohort=preference.cohort_id, user=preference.mentee_id, role=ParticipantRole.MENTEE
        )
        .only("pk")
        .first()
    )
    try:
        remove_preference(preference=preference, actor=request.user, request=request)
    except ProfileError as error:
        messages.error(request, str(error))
    else:
        name = preference.mentor.get_full_name() or preference.mentor.username
        if preference.kind == Preference.Kind.REQUEST:
            messages.success(request, _("Your request for %(name)s is withdrawn.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is no longer on the avoid list.") % {"name": name})
    if participant is None:
        return redirect("home")
    if request.POST.get("next") == "suggestions" and preference.mentee_id == request.user.pk:
        return redirect("matching_suggestions", participant.pk)
    return redirect(reverse("matching_profile", args=[participant.pk]) + "#preferences")


# The interest vocabulary ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def interest_vocabulary(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The interests profiles offer as checkboxes, with how many profiles use each; add several at once."""
    organization = policy.get_object_or_404(request.user, Organization, "manage", slug=slug)
    form = InterestAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added, skipped = add_interests(
            organization=organization, names=form.cleaned_data["names"], actor=request.user, request=request
        )
        if added:
            messages.success(
                request,
                ngettext("%(count)s interest added.", "%(count)s interests added.", len(added))
                % {"count": len(added)},
            )
        if skipped:
            messages.info(
                request, _("Already in the list, so skipped: %(names)s") % {"names": ", ".join(skipped)}
            )
        return redirect("interest_vocabulary", organization.slug)
    page = Paginator(vocabulary_of(organization.pk), TAGS_PER_PAGE).get_page(request.GET.get("page"))
    usage = interest_usage(organization)
    rows = [(tag, usage.get(tag.name.lower(), 0)) for tag in page]
    return render(
        request,
        "matching/profile/vocabulary.html",
        {"organization": organization, "page": page, "rows": rows, "form": form},
        status=400 if form.is_bound else 200,
    )


def _get_tag(request: AuthenticatedHttpRequest, pk: int) -> InterestTag:
    return policy.get_object_or_404(
        request.user, InterestTag.objects.select_related("organization"), "manage", pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def interest_rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tag = _get_tag(request, pk)
    form = InterestRenameForm(request.POST or None, initial={"name": tag.name})
    if request.method == "POST" and form.is_valid():
        old = tag.name
        try:
            profiles = rename_interest(
                tag=tag, name=form.cleaned_data["name"], actor=request.user, request=request
            )
        except ProfileError as error:
            form.add_error("name", str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "“%(old)s” is now “%(new)s” (%(count)s profile updated).",
                    "“%(old)s” is now “%(new)s” (%(count)s profiles updated).",
                    profiles,
                )
                % {"old": old, "new": tag.name, "count": profiles},
            )
            return redirect("interest_vocabulary", tag.organization.slug)
    return render(
        request,
        "matching/profile/interest_rename.html",
        {"tag": tag, "organization": tag.organization, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def interest_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tag = _get_tag(request, pk)
    organization = tag.organization
    if request.method == "POST":
        delete_interest(tag=tag, actor=request.user, request=request)
        messages.success(request, _("“%(name)s” is removed from the list.") % {"name": tag.name})
        return redirect("interest_vocabulary", organization.slug)
    return render(
        request,
        "matching/profile/interest_delete.html",
        {
            "tag": tag,
            "organization": organization,
            "uses": interest_usage(organization).get(tag.name.lower(), 0),
        },
    )
