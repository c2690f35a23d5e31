from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "casework.attendance"
    label = "attendance"
    verbose_name = "Attendance"
