from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peerpath.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from peerpath.training import policies  # noqa: F401
