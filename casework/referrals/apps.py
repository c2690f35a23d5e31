from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "casework.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from casework.core.navigation import NavItem, register

        register(NavItem("Referrals", "referrals:triage", "referral.triage", order=12))
        register(NavItem("My referrals", "referrals:mine", "referral.create", order=13))
