from django.urls import path

from peerpath.recruitment.views import applications as views
from peerpath.recruitment.views import consent as consent_views
from peerpath.recruitment.views import enrollment as enrollment_views
from peerpath.recruitment.views import screening as screening_views

urlpatterns = [
    path(
        "programs/<int:program_pk>/form/<str:role>/",
        views.application_form_edit,
        name="application_form_edit",
    ),
    path(
        "programs/<int:program_pk>/form/<str:role>/<int:pk>/edit/",
        views.application_question_edit,
        name="application_question_edit",
    ),
    path(
        "programs/<int:program_pk>/form/<str:role>/<int:pk>/move/",
        views.application_question_move,
        name="application_question_move",
    ),
    path(
        "programs/<int:program_pk>/form/<str:role>/<int:pk>/delete/",
        views.application_question_delete,
        name="application_question_delete",
    ),
    path("apply/<int:cohort_pk>/<str:role>/", views.application_apply, name="application_apply"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/status/", views.application_set_status, name="application_set_status"),
    path("programs/<int:program_pk>/nominate/", views.nomination_create, name="nomination_create"),
    path("programs/<int:program_pk>/nominations/", views.nomination_list, name="nomination_list"),
    path("programs/<int:program_pk>/funnel/", views.recruitment_funnel, name="recruitment_funnel"),
]

# screening
urlpatterns += [
    path("programs/<int:program_pk>/review/", screening_views.application_review, name="application_review"),
    path(
        "programs/<int:program_pk>/review/status/",
        screening_views.application_bulk_status,
        name="application_bulk_status",
    ),
    path("programs/<int:program_pk>/rubric/", screening_views.rubric_edit, name="rubric_edit"),
    path(
        "rubric/criteria/<int:pk>/edit/", screening_views.rubric_criterion_edit, name="rubric_criterion_edit"
    ),
    path(
        "rubric/criteria/<int:pk>/delete/",
        screening_views.rubric_criterion_delete,
        name="rubric_criterion_delete",
    ),
    path(
        "rubric/criteria/<int:pk>/move/", screening_views.rubric_criterion_move, name="rubric_criterion_move"
    ),
    path(
        "screening/applications/<int:pk>/",
        screening_views.application_screening,
        name="application_screening",
    ),
    path(
        "screening/applications/<int:pk>/interviews/",
        screening_views.interview_schedule,
        name="interview_schedule",
    ),
    path(
        "screening/applications/<int:pk>/references/",
        screening_views.reference_request,
        name="reference_request",
    ),
    path("interviews/<int:pk>/", screening_views.interview_score, name="interview_score"),
    path("r/<str:token>/", screening_views.reference_respond, name="reference_respond"),
    path(
        "programs/<int:program_pk>/people/<int:user_id>/checks/new/",
        screening_views.background_check_add,
        name="background_check_add",
    ),
    path("screening/checks/<int:pk>/", screening_views.background_check_edit, name="background_check_edit"),
]

# consent
urlpatterns += [
    path("programs/<int:program_pk>/consent/", consent_views.consent_list, name="consent_list"),
    path("programs/<int:program_pk>/consent/request/", consent_views.consent_request, name="consent_request"),
    # Public by design: the signed token is the credential.
    path("consent/<str:token>/", consent_views.consent_respond, name="consent_respond"),
    path("consents/", consent_views.my_consents, name="my_consents"),
    path("consents/<int:pk>/", consent_views.consent_answer, name="consent_answer"),
]

# enrollment
urlpatterns += [
    path("programs/<int:program_pk>/join/", enrollment_views.enrollment_join, name="enrollment_join"),
    path(
        "programs/<int:program_pk>/join/signup/", enrollment_views.enrollment_signup, name="enrollment_signup"
    ),
    path("programs/<int:program_pk>/refer/", enrollment_views.enrollment_refer, name="enrollment_refer"),
    path("programs/<int:program_pk>/enroll/csv/", enrollment_views.enrollment_csv, name="enrollment_csv"),
]
