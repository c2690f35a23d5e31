"""Files on a case (signed forms, medical notes, court orders). The bytes live outside the web root
under a random name (documents/storage.py); the row holds what a PPW and an auditor need to know
about them, and the download view is the only way back to the bytes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from casework.cases.models import CaseRecordQuerySet
from casework.core.models import AuditedModel

from .choices import DocumentType


class DocumentQuerySet(CaseRecordQuerySet):
    pass


class Document(AuditedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField("type", max_length=20, choices=DocumentType.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=150, help_text="The uploaded file's name, cleaned")
    content_type = models.CharField(max_length=100, help_text="Decided from the file's first bytes")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True, help_text="Random; never the original name")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="documents_case_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.title}"

    @property
    def download_name(self) -> str:
        """`<case number>-<id>-<type>.<ext>`: the uploaded name often is the child's name, and a saved
        download lands in Downloads folders, recent-file lists and e-mail attachments."""
        from .sniffing import SUFFIXES

        return f"{self.case.number}-{self.pk}-{self.doc_type}.{SUFFIXES.get(self.content_type, 'bin')}"

    @property
    def kind_label(self) -> str:
        from .sniffing import LABELS

        return LABELS.get(self.content_type, self.content_type)
