from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "casework.contacts"
    label = "contacts"
    verbose_name = "Contacts and home visits"

    def ready(self):
        from casework.cases.tabs import CaseTab
        from casework.cases.tabs import register as register_tab
        from casework.core.navigation import NavItem, register

        register_tab(CaseTab("contacts", "Contacts", "contacts:case_contacts", order=30))
        register(NavItem("Home-visit safety", "contacts:safety", "case.assign", order=70))
