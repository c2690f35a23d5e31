from django.urls import path

from . import attendance_views, views

app_name = "students"
urlpatterns = [
    path("", views.StudentSearchView.as_view(), name="search"),
    path("<int:pk>/", views.StudentDetailView.as_view(), name="detail"),
    path("<int:pk>/access/", views.StudentAccessLogView.as_view(), name="access-log"),
    path("<int:pk>/attendance/", attendance_views.StudentAttendanceView.as_view(), name="attendance"),
]
