from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "peerpath.programs"
    label = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from peerpath.programs import policies  # noqa: F401
