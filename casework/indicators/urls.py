from django.urls import path, re_path

from . import views

app_name = "indicators"
urlpatterns = [
    path("early-warning/", views.EarlyWarningSchoolsView.as_view(), name="early_warning_schools"),
    path("schools/<str:code>/early-warning/", views.EarlyWarningView.as_view(), name="early_warning"),
    re_path(r"^schools/(?P<code>[^/]+)/early-warning/export\.(?P<fmt>csv|xlsx)$",
            views.EarlyWarningExportView.as_view(), name="early_warning_export"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("worklist/acknowledge/", views.CrossingsAcknowledgeView.as_view(), name="crossings_acknowledge"),
]
