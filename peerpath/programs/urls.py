from django.urls import path

from peerpath.programs import views

# The parts of a program managed from its page, and the path segment of each.
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
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
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
