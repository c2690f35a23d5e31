from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "casework.rules"
    label = "rules"
    verbose_name = "Attendance rules and indicators"
