from django.urls import path

from peerpath.programs.views import events as event_views
from peerpath.programs.views import programs as views

PART_SEGMENTS = {
    "objective": "objectives",
    "staff": "staff",
    "supporter": "supporters",
    "cohort": "cohorts",
    "phase": "phases",
}

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("p/<slug:org_slug>/<slug:program_slug>/", views.program_public, name="program_public"),
    path(
        "programs/<int:pk>/cohorts/<int:cohort_pk>/phases/new/",
        views.part_add,
        {"kind": "phase"},
        name="program_phase_add",
    ),
]
for kind, segment in PART_SEGMENTS.items():
    if kind != "phase":  # a phase is added to a cohort (above)
        urlpatterns.append(
            path(
                f"programs/<int:pk>/{segment}/new/",
                views.part_add,
                {"kind": kind},
                name=f"program_{kind}_add",
            )
        )
    urlpatterns += [
        path(
            f"programs/<int:pk>/{segment}/<int:item_pk>/edit/",
            views.part_edit,
            {"kind": kind},
            name=f"program_{kind}_edit",
        ),
        path(
            f"programs/<int:pk>/{segment}/<int:item_pk>/delete/",
            views.part_delete,
            {"kind": kind},
            name=f"program_{kind}_delete",
        ),
    ]

# event
urlpatterns += [
    path("programs/<int:program_pk>/events/", event_views.event_list, name="event_list"),
    path("programs/<int:program_pk>/events/new/", event_views.event_create, name="event_create"),
    path("programs/<int:program_pk>/events.ics", event_views.program_events_ics, name="program_events_ics"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", event_views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", event_views.event_delete, name="event_delete"),
    path("events/<int:pk>/rsvp/", event_views.event_rsvp, name="event_rsvp"),
    path("events/<int:pk>/rsvp/cancel/", event_views.event_rsvp_cancel, name="event_rsvp_cancel"),
    path("events/<int:pk>/event.ics", event_views.event_ics, name="event_ics"),
]
