from django.urls import path

from peerpath.matching import profile_views, suggestion_views

urlpatterns = [
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
