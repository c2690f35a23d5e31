from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "casework.calendars"
    label = "calendars"
    verbose_name = "School calendars"
