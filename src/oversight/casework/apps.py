from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "oversight.casework"
    label = "casework"
    verbose_name = "Casework measures"
