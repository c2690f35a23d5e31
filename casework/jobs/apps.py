from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "casework.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
