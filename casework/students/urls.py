from django.urls import path

from . import views

app_name = "students"
urlpatterns = [
    path("", views.StudentSearchView.as_view(), name="search"),
    path("<int:pk>/", views.StudentDetailView.as_view(), name="detail"),
    path("<int:pk>/access/", views.StudentAccessLogView.as_view(), name="access-log"),
]
