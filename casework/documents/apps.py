from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "casework.documents"
    label = "documents"
    verbose_name = "Case documents"

    def ready(self):
        from casework.cases.tabs import CaseTab, register

        register(CaseTab("documents", "Documents", "documents:case_documents", order=60))
