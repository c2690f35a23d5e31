from django.urls import path

from . import views

app_name = "mailings"
urlpatterns = [
    path("mailings/", views.MailingListView.as_view(), name="list"),
    path("mailings/new/<str:code>/", views.MailingNewView.as_view(), name="new"),
    path("mailings/<int:pk>/", views.MailingDetailView.as_view(), name="detail"),
    path("mailings/<int:pk>/status/", views.MailingStatusView.as_view(), name="status"),
    path("mailings/<int:pk>/letters.pdf", views.MailingPdfView.as_view(), name="pdf"),
    path("mailings/<int:pk>/mailed/", views.MailingMarkMailedView.as_view(), name="mark_mailed"),
]
