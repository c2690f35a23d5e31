from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "casework.imports"
    label = "imports"
    verbose_name = "Imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casework.core.navigation import NavItem, register
        from casework.jobs.registry import daily

        register(NavItem("Imports", "imports:runs", "import.run", order=70))
        # Uploads are deleted when their run ends; this catches those of a process that died mid-run.
        daily("imports.sweep_uploads", "CASEWORK_UPLOAD_SWEEP_HOUR", 3)
