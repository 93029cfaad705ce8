from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "oversight.improvement"
    verbose_name = "Inspections and improvement plans"
