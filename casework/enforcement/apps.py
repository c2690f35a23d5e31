from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "casework.enforcement"
    label = "enforcement"
    verbose_name = "Attendance enforcement ladder"

    def ready(self):
        from casework.cases.tabs import CaseTab
        from casework.cases.tabs import register as register_tab
        from casework.core.navigation import NavItem, register
        from casework.jobs.registry import daily

        # Every morning before the digest (6 AM), so the steps made due tonight are in it.
        daily("enforcement.evaluate", "CASEWORK_LADDER_HOUR", 5, date_arg="as_of")

        register(NavItem("Ladder report", "enforcement:report", "ladder.report", order=60))
        register(NavItem("Ladder settings", "enforcement:settings", "ladder.manage", order=66))
        register_tab(CaseTab("ladder", "Ladder", "enforcement:case_ladder", order=40))
