"""Pagination and error shape named in REST_FRAMEWORK settings (kept apart from api.py, which DRF
cannot import while it is still reading its settings)."""

from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """DRF's handler, plus plain 404s and Django validation errors as 4xx JSON (never a 500)."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return drf_exception_handler(exc, context)
