from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("cases/<int:case_pk>/ladder/", views.CaseLadderView.as_view(), name="case_ladder"),
    path("cases/<int:case_pk>/ladder/override/", views.OverrideView.as_view(), name="override"),
    path("ladder/settings/", views.SettingsView.as_view(), name="settings"),
    path("ladder/run/", views.RunView.as_view(), name="run"),
    path("ladder/settings/steps/<int:pk>/", views.StepEditView.as_view(), name="step_edit"),
    path("ladder/settings/<int:pk>/steps/add/", views.StepAddView.as_view(), name="step_add"),
    path("ladder/settings/steps/<int:pk>/arrange/", views.StepArrangeView.as_view(), name="step_arrange"),
    path("ladder/report/", views.ReportView.as_view(), name="report"),
    path("ladder/report.csv", views.ReportCsvView.as_view(), name="report_csv"),
]
