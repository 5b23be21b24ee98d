from django.urls import path

from peerpath.training.views import certificates as certificate_views
from peerpath.training.views import modules as views
from peerpath.training.views import progress as progress_views
from peerpath.training.views import resources as resources_views

urlpatterns = [
    path("training/", views.module_list, name="module_list"),
    path("training/modules/new/", views.module_create, name="module_create"),
    path("training/modules/<int:pk>/", views.module_detail, name="module_detail"),
    path("training/modules/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path("training/modules/<int:module_pk>/complete/", views.module_complete, name="module_complete"),
    path("training/modules/<int:module_pk>/lessons/new/", views.lesson_create, name="lesson_create"),
    path("training/lessons/<int:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("training/lessons/<int:pk>/move/", views.lesson_move, name="lesson_move"),
    path("training/lessons/<int:pk>/delete/", views.lesson_delete, name="lesson_delete"),
    path("training/lessons/<int:pk>/file/", views.lesson_file, name="lesson_file"),
    path("training/modules/<int:module_pk>/quiz/edit/", views.quiz_edit, name="quiz_edit"),
    path("training/questions/<int:pk>/edit/", views.quiz_question_edit, name="quiz_question_edit"),
    path("training/questions/<int:pk>/move/", views.quiz_question_move, name="quiz_question_move"),
    path("training/questions/<int:pk>/delete/", views.quiz_question_delete, name="quiz_question_delete"),
    path("training/modules/<int:module_pk>/quiz/", views.quiz_take, name="quiz_take"),
    path("training/attempts/<int:pk>/", views.quiz_result, name="quiz_result"),
]

# resource
urlpatterns += [
    path("resources/", resources_views.resource_list, name="resource_list"),
    path("resources/new/", resources_views.resource_create, name="resource_create"),
    path("resources/<int:pk>/", resources_views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/edit/", resources_views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", resources_views.resource_delete, name="resource_delete"),
    path("resources/<int:pk>/file/", resources_views.resource_file, name="resource_file"),
]

# progress
urlpatterns += [
    path("training/my/", progress_views.my_training, name="my_training"),
    path("programs/<int:program_pk>/training/", progress_views.training_matrix_view, name="training_matrix"),
    path(
        "programs/<int:program_pk>/training/export.csv",
        progress_views.training_matrix_csv,
        name="training_matrix_csv",
    ),
    path(
        "programs/<int:program_pk>/training/reminders/",
        progress_views.training_reminders,
        name="training_reminders",
    ),
    path(
        "programs/<int:program_pk>/training/requirements/",
        progress_views.training_requirements,
        name="training_requirements",
    ),
    path(
        "training/requirements/<int:pk>/delete/",
        progress_views.training_requirement_delete,
        name="training_requirement_delete",
    ),
    path(
        "programs/<int:program_pk>/training/workshops/",
        progress_views.workshop_credits,
        name="workshop_credits",
    ),
    path(
        "training/workshop-credits/<int:pk>/delete/",
        progress_views.workshop_credit_delete,
        name="workshop_credit_delete",
    ),
    path(
        "org/<slug:slug>/roleplay-checklists/", progress_views.roleplay_checklists, name="roleplay_checklists"
    ),
    path("events/<int:event_pk>/roleplay/", progress_views.roleplay_record, name="roleplay_record"),
]

# certificate
urlpatterns += [
    path("training/certificate/", certificate_views.certificate_issue, name="certificate_issue"),
    path("training/certificates/<int:pk>.pdf", certificate_views.certificate_pdf, name="certificate_pdf"),
    # Public: printed on the certificate so that anyone can check it.
    path("verify/<str:code>/", certificate_views.certificate_verify, name="certificate_verify"),
]
