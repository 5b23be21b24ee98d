from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "peerpath.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment and screening"

    def ready(self) -> None:
        from peerpath.recruitment import impact, policies  # noqa: F401
