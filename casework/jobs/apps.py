from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "casework.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import digest  # noqa: F401  registers reminders.daily_digest

        # Other apps put their handlers in <app>/jobs.py (e.g. casework/letters/jobs.py).
        autodiscover_modules("jobs")
