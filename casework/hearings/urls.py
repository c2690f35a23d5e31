from django.urls import path

from . import views

app_name = "hearings"
urlpatterns = [
    path("hearings/", views.CalendarView.as_view(), name="calendar"),
    path("cases/<int:case_pk>/hearings/", views.CaseHearingsView.as_view(), name="case_hearings"),
    path("cases/<int:case_pk>/hearings/new/", views.ScheduleView.as_view(), name="schedule"),
    path("cases/<int:case_pk>/hearings/packet/<slug:kind>/", views.PacketView.as_view(), name="packet"),
    path("hearings/<int:pk>/edit/", views.HearingEditView.as_view(), name="edit"),
    path("hearings/<int:pk>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("hearings/<int:pk>/letter/<slug:which>/", views.HearingLetterView.as_view(), name="letter"),
]
