from django.urls import include, path

from casework.core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("casework.accounts.urls")),
    path("schools/", include("casework.schools.urls")),
    path("students/", include("casework.students.urls")),
    path("dashboard/", include("casework.reports.urls")),
    path("", include("casework.indicators.urls")),  # /early-warning/, /schools/<code>/early-warning/, /worklist/
    path("imports/", include("casework.imports.urls")),
    path("attendance/", include("casework.attendance.urls")),  # /attendance/descriptors/
    path("referrals/", include("casework.referrals.urls")),
    path("cases/", include("casework.cases.urls")),
    # Case tabs live under /cases/<case_pk>/<tab>/ but belong to their own apps.
    path("", include("casework.contacts.urls")),
    path("", include("casework.plans.urls")),
    path("", include("casework.tasks.urls")),
    path("", include("casework.documents.urls")),
    path("", include("casework.caseloads.urls")),  # /my-day/, /caseloads/
    path("jobs/", include("casework.jobs.urls")),
    path("", include("casework.enforcement.urls")),  # /ladder/..., /cases/<case_pk>/ladder/
    path("", include("casework.letters.urls")),  # /letter-templates/..., /cases/<case_pk>/letters/
    path("", include("casework.mailings.urls")),  # /mailings/...
    path("", include("casework.hearings.urls")),  # /hearings/..., /cases/<case_pk>/hearings/
    path("api/v1/", include("casework.api.urls")),
]

handler400 = "casework.core.views.bad_request"
handler404 = "casework.core.views.not_found"
handler500 = "casework.core.views.server_error"
