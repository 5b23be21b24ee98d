from django.urls import path

from peerpath.matching import settings_views

urlpatterns = [
    path(
        "programs/<int:program_pk>/matching/settings/", settings_views.settings_edit, name="matching_settings"
    ),
    path(
        "programs/<int:program_pk>/matching/settings/preview/",
        settings_views.settings_preview,
        name="matching_settings_preview",
    ),
]
