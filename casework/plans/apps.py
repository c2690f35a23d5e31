from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "casework.plans"
    label = "plans"
    verbose_name = "Intervention plans"

    def ready(self):
        from casework.cases.tabs import CaseTab, register
        from casework.core.navigation import NavItem
        from casework.core.navigation import register as nav_register

        register(CaseTab("plans", "Plans", "plans:case_plans", order=35))
        nav_register(NavItem("Interventions", "plans:interventions", "intervention.manage", order=65))
