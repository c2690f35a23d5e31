from django.apps import AppConfig


class SeedConfig(AppConfig):
    name = "casework.seed"
    label = "seed"
    verbose_name = "Synthetic data"
