from django.urls import path

from peerpath.recruitment import views

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
