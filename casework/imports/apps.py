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
        # After the night's SIS import, before the ladder (5 AM) reads the indicators: every student counted
        # through the same day, not only those the import changed.
        daily("imports.nightly_recompute", "CASEWORK_RECOMPUTE_HOUR", 4)
