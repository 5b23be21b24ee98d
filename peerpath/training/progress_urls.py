from django.urls import path

from peerpath.training import progress_views as views

urlpatterns = [
    path("training/my/", views.my_training, name="my_training"),
    path("programs/<int:program_pk>/training/", views.training_matrix_view, name="training_matrix"),
    path(
        "programs/<int:program_pk>/training/export.csv",
        views.training_matrix_csv,
        name="training_matrix_csv",
    ),
    path(
        "programs/<int:program_pk>/training/reminders/", views.training_reminders, name="training_reminders"
    ),
    path(
        "programs/<int:program_pk>/training/requirements/",
        views.training_requirements,
        name="training_requirements",
    ),
    path(
        "training/requirements/<int:pk>/delete/",
        views.training_requirement_delete,
        name="training_requirement_delete",
    ),
    path("programs/<int:program_pk>/training/workshops/", views.workshop_credits, name="workshop_credits"),
    path(
        "training/workshop-credits/<int:pk>/delete/",
        views.workshop_credit_delete,
        name="workshop_credit_delete",
    ),
    path("org/<slug:slug>/roleplay-checklists/", views.roleplay_checklists, name="roleplay_checklists"),
    path("events/<int:event_pk>/roleplay/", views.roleplay_record, name="roleplay_record"),
]
