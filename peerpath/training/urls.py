from django.urls import path

from peerpath.training import views

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
