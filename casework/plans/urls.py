from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("cases/<int:case_pk>/plans/", views.CasePlansView.as_view(), name="case_plans"),
    path("cases/<int:case_pk>/plans/new/", views.PlanCreateView.as_view(), name="create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="edit"),
    path("plans/<int:pk>/progress/", views.ProgressRecordView.as_view(), name="progress"),
    path("plans/<int:pk>/services/<int:item_pk>/answer/", views.FamilyResponseView.as_view(), name="answer"),
    path("plans/<int:pk>/pull/", views.ProgressPullView.as_view(), name="pull"),
    path("interventions/", views.InterventionListView.as_view(), name="interventions"),
    path("interventions/<int:pk>/edit/", views.InterventionEditView.as_view(), name="intervention_edit"),
]
