from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "casework.students"
    label = "students"
    verbose_name = "Students and families"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("Students", "students:search", "student.view", order=10))
