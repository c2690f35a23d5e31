"""Production (and the demo): debug off, secrets from the environment or the data directory."""

import os
import secrets

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BEHIND_PROXY, DATA_DIR, DEMO_MODE, env_bool


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise one generated once and kept in the data directory."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    if env_bool("CASEWORK_REQUIRE_SECRET_KEY"):
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment.")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

# Behind TLS (the default for a real deployment) cookies are secure and HSTS is on.
# The demo serves plain http on localhost, so it turns this off unless told otherwise.
HTTPS = env_bool("CASEWORK_HTTPS", default=not DEMO_MODE)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("CASEWORK_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
