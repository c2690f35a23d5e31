from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from . import throttle

GENERIC_ERROR = "That username and password did not match. Check both and try again."


def locked_error() -> str:
    minutes = max(1, round(settings.LOGIN_FAILURE_WINDOW / 60))
    return (f"Too many failed sign-in attempts. Wait {minutes} minute{'s' if minutes != 1 else ''} "
            "and try again, or ask your administrator.")


class LoginForm(AuthenticationForm):
    """Same message for an unknown user and a wrong password; throttled after repeated failures."""

    error_messages = {"invalid_login": GENERIC_ERROR, "inactive": GENERIC_ERROR}

    def clean(self):
        username = self.data.get("username", "")
        address = throttle.client_address(self.request) if self.request else ""
        if throttle.is_locked(username, address):
            throttle.record_failure(username, address)
            raise forms.ValidationError(locked_error(), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear(username, address)
        return cleaned
