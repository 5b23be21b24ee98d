from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from peerpath.accounts.models import Organization
from peerpath.training.library import (
    LibraryDataError,
    load_training_library,
    read_library_modules,
    read_library_resources,
)
from peerpath.training.models import Module, Resource


class Command(BaseCommand):
    help = (
        "Load or refresh the starter training library (modules, quizzes and resources) in one organization "
        "or in all of them. Safe to run again: modules are updated, not duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", metavar="SLUG", help="Only this organization (its short name).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = Organization.objects.order_by("name")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations:
                raise CommandError(f"No organization with the short name {options['organization']!r}.")
        try:
            modules = read_library_modules()
            resources = read_library_resources()
        except LibraryDataError as error:
            raise CommandError(f"The training library was not loaded: {error}") from None
        keys = [item.key for item in modules]
        total_new = 0
        for organization in organizations:
            existing = Module.objects.filter(organization=organization, library_key__in=keys).count()
            resources_before = Resource.objects.filter(organization=organization).count()
            with transaction.atomic():
                written = load_training_library(
                    organization=organization, modules=modules, resources=resources
                )
                resources_added = (
                    Resource.objects.filter(organization=organization).count() - resources_before
                )
                if options["dry_run"]:
                    transaction.set_rollback(True)
            total_new += written - existing
            self.stdout.write(
                f"{organization.name}: {written - existing} modules created, {existing} updated, "
                f"{resources_added} of {len(resources)} starter resources added."
            )
        verb = "would be loaded" if options["dry_run"] else "loaded"
        self.stdout.write(
            f"Training library {verb} in {len(organizations)} organizations ({total_new} new modules)."
            + (" Dry run: nothing was saved." if options["dry_run"] else "")
        )
