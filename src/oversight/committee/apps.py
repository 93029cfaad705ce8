from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "oversight.committee"
    verbose_name = "Committee reporting"
