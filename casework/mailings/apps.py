from django.apps import AppConfig


class MailingsConfig(AppConfig):
    name = "casework.mailings"
    label = "mailings"
    verbose_name = "Batch letters"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("Batch letters", "mailings:list", "mailing.run", order=22))
