from django.urls import path

from . import views

app_name = "attendance"
urlpatterns = [
    path("descriptors/", views.DescriptorMappingsView.as_view(), name="descriptors"),
]
