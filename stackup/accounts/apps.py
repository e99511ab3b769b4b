from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stackup.accounts"
    label = "accounts"
    verbose_name = "Accounts"
