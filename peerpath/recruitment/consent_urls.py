from django.urls import path

from peerpath.recruitment import consent_views

urlpatterns = [
    path("programs/<int:program_pk>/consent/", consent_views.consent_list, name="consent_list"),
    path("programs/<int:program_pk>/consent/request/", consent_views.consent_request, name="consent_request"),
    # Public by design: the signed token is the credential.
    path("consent/<str:token>/", consent_views.consent_respond, name="consent_respond"),
    path("consents/", consent_views.my_consents, name="my_consents"),
    path("consents/<int:pk>/", consent_views.consent_answer, name="consent_answer"),
]
