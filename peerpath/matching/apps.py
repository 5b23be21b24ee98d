from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peerpath.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from peerpath.matching import policies  # noqa: F401
