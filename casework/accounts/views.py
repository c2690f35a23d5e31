from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse

from casework.core.views import public

from .forms import LoginForm

DEMO_ACCOUNTS = [
    ("director", "PPS director — every school, access logs"),
    ("supervisor", "PPS supervisor — every school, closure approvals"),
    ("ppw1", "Pupil personnel worker — first set of schools"),
    ("ppw2", "Pupil personnel worker — second set of schools"),
    ("principal1", "Principal of one school"),
    ("teacher1", "Teacher at that school"),
    ("steward", "Data steward"),
    ("auditor", "Auditor / records custodian"),
]
DEMO_PASSWORD = "casework-demo"  # noqa: S105 - synthetic demo accounts, shown only in demo mode


@public
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """PPWs, supervisors and the director start on My day (a `next` parameter still wins)."""
        from casework.core import policy

        if policy.has_action(self.request.user, "myday.view"):
            return reverse("caseloads:my_day")
        return super().get_default_redirect_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            ctx["demo_accounts"] = DEMO_ACCOUNTS
            ctx["demo_password"] = DEMO_PASSWORD
        return ctx


@public
class LogoutView(auth_views.LogoutView):
    pass
