from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "casework.imports"
    label = "imports"
    verbose_name = "Imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("Imports", "imports:runs", "import.run", order=70))
