from django.urls import path

from peerpath.programs import enrollment_views

urlpatterns = [
    path("programs/<int:program_pk>/join/", enrollment_views.enrollment_join, name="enrollment_join"),
    path(
        "programs/<int:program_pk>/join/signup/", enrollment_views.enrollment_signup, name="enrollment_signup"
    ),
    path("programs/<int:program_pk>/refer/", enrollment_views.enrollment_refer, name="enrollment_refer"),
    path("programs/<int:program_pk>/enroll/csv/", enrollment_views.enrollment_csv, name="enrollment_csv"),
    path(
        "programs/<int:program_pk>/participants/", enrollment_views.participant_list, name="participant_list"
    ),
]
