from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bookclub.accounts"
    label = "accounts"
    verbose_name = "Members"
