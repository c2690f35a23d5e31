"""/api/v1/: one router over every domain app's viewsets, the OpenAPI schema and its docs page."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from casework.audit.api import AccessLogViewSet
from casework.core.views import public
from casework.schools.api import SchoolViewSet
from casework.students.api import StudentViewSet


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False


router = Router(trailing_slash=True)
router.register("schools", SchoolViewSet, basename="school")
router.register("students", StudentViewSet, basename="student")
router.register("audit/access", AccessLogViewSet, basename="access-log")

# Casework apps list their endpoints in <app>/api.py as ROUTES = [(prefix, viewset, basename), ...].
for _config in apps.get_app_configs():
    if _config.name.startswith("casework.") and find_spec(f"{_config.name}.api"):
        for _prefix, _viewset, _basename in getattr(import_module(f"{_config.name}.api"), "ROUTES", ()):
            router.register(_prefix, _viewset, basename=_basename)

app_name = "api"
urlpatterns = [
    path("schema/", public(SpectacularAPIView.as_view()), name="schema"),
    *router.urls,
]
