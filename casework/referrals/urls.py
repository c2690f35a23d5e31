from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("new/", views.StudentPickView.as_view(), name="pick"),
    path("new/<int:student_pk>/", views.ReferralCreateView.as_view(), name="new"),
    path("bulk/<str:code>/", views.BulkReferralView.as_view(), name="bulk"),
    path("triage/", views.TriageView.as_view(), name="triage"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("<int:pk>/", views.ReferralDetailView.as_view(), name="detail"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("<int:pk>/forward/", views.ForwardView.as_view(), name="forward"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
]
