from django.urls import path

from peerpath.programs import event_views

urlpatterns = [
    path("programs/<int:program_pk>/events/", event_views.event_list, name="event_list"),
    path("programs/<int:program_pk>/events/new/", event_views.event_create, name="event_create"),
    path("programs/<int:program_pk>/events.ics", event_views.program_events_ics, name="program_events_ics"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", event_views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", event_views.event_delete, name="event_delete"),
    path("events/<int:pk>/rsvp/", event_views.event_rsvp, name="event_rsvp"),
    path("events/<int:pk>/rsvp/cancel/", event_views.event_rsvp_cancel, name="event_rsvp_cancel"),
    path("events/<int:pk>/attendance/", event_views.event_attendance, name="event_attendance"),
    path("events/<int:pk>/event.ics", event_views.event_ics, name="event_ics"),
]
