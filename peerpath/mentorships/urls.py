from django.urls import path

from peerpath.mentorships import views

urlpatterns = [
    path("programs/<int:program_pk>/matches/", views.match_list, name="match_list"),
    path("matches/<int:pk>/return-to-pool/", views.match_return_to_pool, name="match_return_to_pool"),
]
