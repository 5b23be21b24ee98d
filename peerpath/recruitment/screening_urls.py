from django.urls import path

from peerpath.recruitment import screening_views as views

urlpatterns = [
    path("programs/<int:program_pk>/review/", views.application_review, name="application_review"),
    path(
        "programs/<int:program_pk>/review/status/",
        views.application_bulk_status,
        name="application_bulk_status",
    ),
    path("programs/<int:program_pk>/rubric/", views.rubric_edit, name="rubric_edit"),
    path("rubric/criteria/<int:pk>/edit/", views.rubric_criterion_edit, name="rubric_criterion_edit"),
    path("rubric/criteria/<int:pk>/delete/", views.rubric_criterion_delete, name="rubric_criterion_delete"),
    path("rubric/criteria/<int:pk>/move/", views.rubric_criterion_move, name="rubric_criterion_move"),
    path("screening/applications/<int:pk>/", views.application_screening, name="application_screening"),
    path("screening/applications/<int:pk>/interviews/", views.interview_schedule, name="interview_schedule"),
    path("screening/applications/<int:pk>/references/", views.reference_request, name="reference_request"),
    path("interviews/<int:pk>/", views.interview_score, name="interview_score"),
    path("r/<str:token>/", views.reference_respond, name="reference_respond"),
    path(
        "programs/<int:program_pk>/people/<int:user_id>/checks/new/",
        views.background_check_add,
        name="background_check_add",
    ),
    path("screening/checks/<int:pk>/", views.background_check_edit, name="background_check_edit"),
    path("programs/<int:program_pk>/attention/", views.screening_attention, name="screening_attention"),
]
