from django.urls import path

from peerpath.matching.views import participants as participant_views
from peerpath.matching.views import profiles as profile_views
from peerpath.matching.views import rounds as rounds_views
from peerpath.matching.views import settings as settings_views
from peerpath.matching.views import suggestions as suggestion_views

urlpatterns: list = []

# profile
urlpatterns += [
    path("matching/profiles/<int:participant_pk>/", profile_views.profile_edit, name="matching_profile"),
    path(
        "matching/profiles/<int:participant_pk>/preferences/",
        profile_views.preference_add,
        name="matching_preference_add",
    ),
    path(
        "matching/preferences/<int:pk>/delete/",
        profile_views.preference_delete,
        name="matching_preference_delete",
    ),
    path(
        "matching/profiles/<int:participant_pk>/suggestions/",
        suggestion_views.suggestions,
        name="matching_suggestions",
    ),
    path(
        "matching/profiles/<int:participant_pk>/suggestions/request/",
        suggestion_views.request_mentor,
        name="matching_request",
    ),
    path("org/<slug:slug>/interests/", profile_views.interest_vocabulary, name="interest_vocabulary"),
    path("matching/interests/<int:pk>/rename/", profile_views.interest_rename, name="interest_rename"),
    path("matching/interests/<int:pk>/delete/", profile_views.interest_delete, name="interest_delete"),
]

# settings
urlpatterns += [
    path(
        "programs/<int:program_pk>/matching/settings/", settings_views.settings_edit, name="matching_settings"
    ),
    path(
        "programs/<int:program_pk>/matching/settings/preview/",
        settings_views.settings_preview,
        name="matching_settings_preview",
    ),
]

# round
urlpatterns += [
    path("programs/<int:program_pk>/matching/", rounds_views.round_list, name="match_rounds"),
    path(
        "programs/<int:program_pk>/matching/compare/", rounds_views.round_compare, name="match_round_compare"
    ),
    path("matching/rounds/<int:pk>/", rounds_views.round_detail, name="match_round_detail"),
    path("matching/rounds/<int:pk>/progress/", rounds_views.round_progress, name="match_round_progress"),
    path("matching/rounds/<int:pk>/blockers/", rounds_views.round_blockers, name="match_round_blockers"),
    path("matching/rounds/<int:pk>/decide/", rounds_views.round_decide, name="match_round_decide"),
    path("matching/rounds/<int:pk>/exclude/", rounds_views.round_exclude, name="match_round_exclude"),
    path("matching/rounds/<int:pk>/rerun/", rounds_views.round_rerun, name="match_round_rerun"),
    path("matching/rounds/<int:pk>/publish/", rounds_views.round_publish, name="match_round_publish"),
    path("matching/proposals/<int:pk>/lock/", rounds_views.proposal_lock, name="match_proposal_lock"),
    path("matching/proposals/<int:pk>/swap/", rounds_views.proposal_swap, name="match_proposal_swap"),
]

# participants and what each still needs before matching
urlpatterns += [
    path(
        "programs/<int:program_pk>/participants/", participant_views.participant_list, name="participant_list"
    ),
]
