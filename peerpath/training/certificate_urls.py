from django.urls import path

from peerpath.training import certificate_views

urlpatterns = [
    path("training/certificate/", certificate_views.certificate_issue, name="certificate_issue"),
    path("training/certificates/<int:pk>.pdf", certificate_views.certificate_pdf, name="certificate_pdf"),
    # Public: printed on the certificate so that anyone can check it.
    path("verify/<str:code>/", certificate_views.certificate_verify, name="certificate_verify"),
]
