import re
import uuid

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

from . import context

_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class RequestContextMiddleware:
    """Opens the audit context for the request; the API and auth middleware fill in actor and source."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            # PostgreSQL cannot store NUL characters; refuse such input up front with a 400, not a 500.
            from .views import bad_request

            return bad_request(request)
        # A client could forge the id stored in audit rows; only a trusted proxy's id is kept.
        incoming = request.headers.get("X-Request-ID", "") if settings.BEHIND_PROXY else ""
        # fullmatch: `$` would let a trailing newline through, and a newline in a response header is a 500.
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        source = context.Source.API if request.path.startswith("/api/") else context.Source.WEB
        with context.audit_context(actor=None, source=source, request_id=request_id):
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class AuditActorMiddleware:
    """Session users are known here; API token users are set by the authentication class.

    Every signed-in response is marked no-store: Back after sign-out on a shared phone or a school
    computer must not bring a child's record out of the browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context.set_actor(user)
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF puts a token user here during the view
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


def _has_nul(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    return "\x00" in request.path or "%00" in query or "\x00" in query
