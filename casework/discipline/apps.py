from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "casework.discipline"
    label = "discipline"
    verbose_name = "Discipline"
