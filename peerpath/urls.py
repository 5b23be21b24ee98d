from django.urls import include, path, re_path

from peerpath.accounts import views as accounts_views
from peerpath.core import views as core_views
from peerpath.site.views import audit as audit_views
from peerpath.site.views import dashboard as dashboard_views
from peerpath.site.views import programs as site_program_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("language/", accounts_views.set_language, name="set_language"),
    path("orgs/", accounts_views.organization_list, name="organization_list"),
    path("org/<slug:slug>/", accounts_views.organization_detail, name="organization_detail"),
    path("org/<slug:slug>/people/", accounts_views.people, name="people"),
    path("org/<slug:slug>/people/<int:user_id>/", accounts_views.person_detail, name="person_detail"),
    path("org/<slug:slug>/audit/", audit_views.audit_log, name="audit_log"),
    path("programs/<int:pk>/", site_program_views.program_detail, name="program_detail"),
    path(
        "programs/<int:program_pk>/attention/",
        site_program_views.screening_attention,
        name="screening_attention",
    ),
    path("events/<int:pk>/attendance/", site_program_views.event_attendance, name="event_attendance"),
    path("", include("peerpath.programs.urls")),
    path("", include("peerpath.recruitment.urls")),
    path("", include("peerpath.training.urls")),
    path("", include("peerpath.matching.urls")),
    path("", include("peerpath.mentorships.urls")),
    # Same pattern as allauth's, listed first so that bad reset links are audited.
    re_path(
        r"^accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        accounts_views.AuditedPasswordResetFromKeyView.as_view(),
        name="account_reset_password_from_key",
    ),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("peerpath.api.urls")),
]
