from django.urls import path

from . import views

app_name = "caseloads"
urlpatterns = [
    path("my-day/", views.MyDayView.as_view(), name="my_day"),
    path("caseloads/", views.CaseloadDashboardView.as_view(), name="dashboard"),
    path("caseloads/weights/", views.WeightsView.as_view(), name="weights"),
]
