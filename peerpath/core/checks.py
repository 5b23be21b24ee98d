"""System checks of a deployment that Django's own `check --deploy` does not make."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, Tags, register
from django.core.files.storage import storages


@register(Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    """With the manifest storage and DEBUG off, every page that links a static file needs the manifest
    written by `collectstatic`: without it (or with a file missing from it) each such page answers 500."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    manifest = storage.read_manifest()
    if manifest is None:
        return [
            Error(
                f"No static files manifest in STATIC_ROOT ({settings.STATIC_ROOT}): "
                "every page would answer 500.",
                hint="Run `manage.py collectstatic --noinput` with the production settings.",
                id="peerpath.E001",
            )
        ]
    listed, _hash = storage.load_manifest()
    missing = sorted(
        path
        for finder in finders.get_finders()
        for path, _storage in finder.list(["CVS", ".*", "*~"])
        if path not in listed
    )
    if missing:
        return [
            Error(
                f"{len(missing)} static file(s) are not in the manifest, e.g. {', '.join(missing[:3])}.",
                hint="Run `manage.py collectstatic --noinput` again after changing static files.",
                id="peerpath.E002",
            )
        ]
    return []
