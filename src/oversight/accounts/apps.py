from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oversight.accounts"
    verbose_name = "Accounts, roles and audit"
