from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "casework.tasks"
    label = "tasks"
    verbose_name = "Tasks and meetings"

    def ready(self):
        from casework.cases.tabs import CaseTab
        from casework.cases.tabs import register as register_tab
        from casework.core.navigation import NavItem, register

        register(NavItem("My tasks", "tasks:my_tasks", "myday.view", order=8))
        register_tab(CaseTab("tasks", "Tasks", "tasks:case_tasks", order=40))
