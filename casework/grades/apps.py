from django.apps import AppConfig


class GradesConfig(AppConfig):
    name = "casework.grades"
    label = "grades"
    verbose_name = "Course grades"
