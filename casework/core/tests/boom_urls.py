"""The project's URLs plus views that fail, for the error-handler tests (`@pytest.mark.urls`)."""

from django.db import OperationalError
from django.urls import path

from config.urls import handler400, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urls


def database_down(request):
    raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed: secret detail')


def wrapped_database_down(request):
    try:
        database_down(request)
    except OperationalError as exc:
        raise RuntimeError("could not load the caseload") from exc


def plain_bug(request):
    raise ValueError("internal detail: student 4411 has no household")


urlpatterns = [
    path("boom/db/", database_down),
    path("boom/db-wrapped/", wrapped_database_down),
    path("boom/bug/", plain_bug),
    path("api/v1/boom/db/", database_down),
    *project_urls,
]
