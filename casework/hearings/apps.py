from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "casework.hearings"
    label = "hearings"
    verbose_name = "Hearings and review board"

    def ready(self):
        from casework.cases.tabs import CaseTab
        from casework.cases.tabs import register as register_tab
        from casework.core.navigation import NavItem, register

        register_tab(CaseTab("hearings", "Hearings", "hearings:case_hearings", order=50))
        register(NavItem("Hearings", "hearings:calendar", "case.work", order=45))
        from casework.letters.services import MAILED_HOOKS, RETURNED_HOOKS

        from .services import notice_letter_mailed, notice_letter_returned

        if notice_letter_mailed not in MAILED_HOOKS:
            MAILED_HOOKS.append(notice_letter_mailed)
        if notice_letter_returned not in RETURNED_HOOKS:
            RETURNED_HOOKS.append(notice_letter_returned)
