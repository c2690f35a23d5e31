from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("<int:case_pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:case_pk>/status/", views.CaseStatusView.as_view(), name="status"),
    path("<int:case_pk>/co-workers/", views.CaseWorkerView.as_view(), name="workers"),
    path("<int:case_pk>/linked-students/", views.CaseLinkView.as_view(), name="links"),
    path("<int:case_pk>/owner/", views.CaseAssignView.as_view(), name="assign"),
    path("open/<int:student_pk>/", views.CaseOpenView.as_view(), name="open"),
    path("reassign/", views.BulkReassignView.as_view(), name="reassign"),
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApprovalDecideView.as_view(), name="approval_decide"),
    path("settings/", views.CaseSettingsView.as_view(), name="settings"),
]
