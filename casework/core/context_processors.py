from django.conf import settings

from . import navigation


def shell(request):
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,  # session.js reads the current token from it
        "nav_items": navigation.items_for(user) if user is not None and user.is_authenticated else [],
    }
