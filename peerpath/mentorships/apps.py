from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "peerpath.mentorships"
    label = "mentorships"
    verbose_name = "Mentorships"

    def ready(self) -> None:
        from peerpath.mentorships import impact, policies  # noqa: F401
