from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "casework.reports"
    label = "reports"
    verbose_name = "District reports"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("District dashboard", "reports:dashboard", "reports.district", order=40))
