from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "casework.programs"
    label = "programs"
    verbose_name = "Program participation"
