from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "casework.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import digest
        from .registry import daily

        # Key "digest:YYYY-MM-DD" as before the registry: an upgrade does not send a second digest that day.
        daily(digest.KIND, "CASEWORK_DIGEST_HOUR", 6, key="digest")

        # Other apps put their handlers in <app>/jobs.py (e.g. casework/letters/jobs.py).
        autodiscover_modules("jobs")
