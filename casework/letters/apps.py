from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "casework.letters"
    label = "letters"
    verbose_name = "Letters"

    def ready(self):
        from casework.cases.tabs import CaseTab
        from casework.cases.tabs import register as register_tab
        from casework.core.navigation import NavItem, register

        register_tab(CaseTab("letters", "Letters", "letters:case_letters", 45))
        register(NavItem("Letter templates", "letters:templates", "letter.templates", order=90))
