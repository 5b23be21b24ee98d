from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "peerpath.integrations"
    label = "integrations"
    verbose_name = "Integrations: rosters and single sign-on"
