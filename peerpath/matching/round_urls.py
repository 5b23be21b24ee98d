from django.urls import path

from peerpath.matching import round_views as views

urlpatterns = [
    path("programs/<int:program_pk>/matching/", views.round_list, name="match_rounds"),
    path("programs/<int:program_pk>/matching/compare/", views.round_compare, name="match_round_compare"),
    path("matching/rounds/<int:pk>/", views.round_detail, name="match_round_detail"),
    path("matching/rounds/<int:pk>/progress/", views.round_progress, name="match_round_progress"),
    path("matching/rounds/<int:pk>/decide/", views.round_decide, name="match_round_decide"),
    path("matching/rounds/<int:pk>/exclude/", views.round_exclude, name="match_round_exclude"),
    path("matching/rounds/<int:pk>/rerun/", views.round_rerun, name="match_round_rerun"),
    path("matching/rounds/<int:pk>/publish/", views.round_publish, name="match_round_publish"),
    path("matching/proposals/<int:pk>/lock/", views.proposal_lock, name="match_proposal_lock"),
    path("matching/proposals/<int:pk>/swap/", views.proposal_swap, name="match_proposal_swap"),
]
