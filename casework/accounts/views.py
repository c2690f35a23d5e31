from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

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


@public  # answers anonymous visitors itself: 401, never a redirect to the sign-in page
@require_GET
def session_state(request):
    """Whose session this browser holds, for session.js: the user's id only, no name, no record.

    It only reads the session, so polling it does not extend the session (SESSION_SAVE_EVERY_REQUEST
    is off: a session ends SESSION_COOKIE_AGE after it was last written, polled or not)."""
    if request.user.is_authenticated:
        response = JsonResponse({"user": request.user.pk})
    else:
        response = JsonResponse({"user": None}, status=401)
        response["WWW-Authenticate"] = "Session"  # a 401 names a scheme: here, the sign-in page's session
    add_never_cache_headers(response)
    return response
