from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("cases/<int:case_pk>/documents/", views.CaseDocumentsView.as_view(), name="case_documents"),
    path("documents/<int:pk>/download/", views.DocumentDownloadView.as_view(), name="download"),
    path("documents/<int:pk>/remove/", views.DocumentDeleteView.as_view(), name="remove"),
]
