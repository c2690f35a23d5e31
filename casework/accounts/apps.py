from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casework.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from . import schema  # noqa: F401  registers the token scheme with the OpenAPI generator
