from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("cases/<int:case_pk>/letters/", views.CaseLettersView.as_view(), name="case_letters"),
    path("letters/<int:pk>/pdf/", views.LetterDownloadView.as_view(kind="pdf"), name="pdf"),
    path("letters/<int:pk>/docx/", views.LetterDownloadView.as_view(kind="docx"), name="docx"),
    path("letters/<int:pk>/mailed/", views.LetterMailedView.as_view(), name="mailed"),
    path("letters/<int:pk>/returned/", views.LetterReturnedView.as_view(), name="returned"),
    path("letter-templates/", views.TemplateListView.as_view(), name="templates"),
    path("letter-templates/<int:pk>/", views.TemplateEditView.as_view(), name="template_edit"),
]
