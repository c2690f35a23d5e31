from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "casework.tasks"
    label = "tasks"
    verbose_name = "Tasks and meetings"
