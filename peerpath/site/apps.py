from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: dashboards per role, navigation and the demo; it may import every app."""

    name = "peerpath.site"
    label = "site"
    verbose_name = "PeerPath site"
