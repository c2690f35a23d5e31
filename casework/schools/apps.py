from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "casework.schools"
    label = "schools"
    verbose_name = "Schools"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("Schools", "schools:list", "school.view", order=50))
