from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casework.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self):
        from casework.core.navigation import NavItem, register

        from .tabs import CaseTab
        from .tabs import register as register_tab

        register(NavItem("Cases", "cases:list", "case.work", order=30))
        register(NavItem("Approvals", "cases:approvals", "case.approve", order=32))
        register_tab(CaseTab("timeline", "Overview", "cases:detail", order=0))
