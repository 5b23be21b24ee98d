from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerpath.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from peerpath.accounts import policies  # noqa: F401
