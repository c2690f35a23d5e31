from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("cases/<int:case_pk>/contacts/", views.CaseContactsView.as_view(), name="case_contacts"),
    path("contacts/<int:pk>/", views.ContactDetailView.as_view(), name="detail"),
    path("home-visits/new/<int:case_pk>/", views.HomeVisitView.as_view(), name="home_visit"),
    path("home-visits/new/<int:case_pk>/check-in/", views.CheckInView.as_view(), name="check_in"),
    path("home-visits/<int:pk>/check-out/", views.CheckOutView.as_view(), name="check_out"),
    path("home-visits/safety/", views.SafetyView.as_view(), name="safety"),
]
