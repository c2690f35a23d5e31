from django.urls import path

from . import guide, views

app_name = "imports"
urlpatterns = [
    path("", views.RunsView.as_view(), name="runs"),
    path("codes/", views.CodeMappingsView.as_view(), name="codes"),
    path("guide/", guide.ImportGuideView.as_view(), name="guide"),
    path("recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("templates/<slug:kind>.csv", views.TemplateView.as_view(), name="template"),
    path("<int:pk>/", views.RunView.as_view(), name="run"),
    path("<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("<int:pk>/rejects.csv", views.RejectsView.as_view(), name="rejects"),
]
