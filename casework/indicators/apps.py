from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "casework.indicators"
    label = "indicators"
    verbose_name = "Attendance indicators"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("Worklist", "indicators:worklist", "worklist.view", order=15))
        register(NavItem("Early warning", "indicators:early_warning_schools", "indicators.view", order=20))
