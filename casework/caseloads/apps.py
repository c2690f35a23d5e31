from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    name = "casework.caseloads"
    label = "caseloads"
    verbose_name = "Caseloads and my day"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("My day", "caseloads:my_day", "myday.view", order=5))
        register(NavItem("Caseloads", "caseloads:dashboard", "caseload.view", order=45))
