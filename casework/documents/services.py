"""Writes of case documents. The bytes are stored before the row (a row never points at nothing) and
removed again if the row cannot be written; a deletion keeps its change record and removes the bytes
only once the deletion has committed."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.cases.choices import EventKind
from casework.cases.models import Case
from casework.cases.timeline import timeline_record
from casework.core.services import create_audited, delete_audited

from .choices import DocumentType
from .models import Document
from .sniffing import check_upload
from .storage import document_storage, new_stored_name

log = logging.getLogger(__name__)


@transaction.atomic
def document_upload(*, actor, case: Case, upload, doc_type: str, title: str = "") -> Document:
    """Check the file (type, size, content), store it under a random name, record it on the case."""
    if doc_type not in DocumentType.values:
        raise ValidationError({"doc_type": "Choose what kind of document this is."})
    checked = check_upload(upload)
    title = (title or "").strip() or checked.original_name
    storage = document_storage()
    stored_name = storage.save(new_stored_name(), upload)
    try:
        document = create_audited(Document, actor=actor, case=case, doc_type=doc_type, title=title[:200],
                                  original_name=checked.original_name, content_type=checked.content_type,
                                  size=checked.size, sha256=checked.sha256, stored_name=stored_name,
                                  uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
        timeline_record(case=case, kind=EventKind.DOCUMENT, actor=actor, source=document,
                        summary=f"Document added: {document.title} ({document.get_doc_type_display().lower()})")
    except BaseException:
        storage.delete(stored_name)
        raise
    return document


@transaction.atomic
def document_delete(*, actor, document: Document, reason: str, expected_version: int | None = None) -> None:
    """Remove a document filed by mistake (wrong case, wrong family). The reason goes on the timeline;
    the change record keeps what the row said."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the document is being removed (e.g. filed on the wrong case)."})
    stored_name = document.stored_name
    case = document.case
    timeline_record(case=case, kind=EventKind.DOCUMENT, actor=actor, source=document,
                    summary=f"Document removed: {document.title} — {reason}")
    delete_audited(document, actor=actor, expected_version=expected_version)

    def remove_file() -> None:
        try:
            document_storage().delete(stored_name)
        except OSError:
            log.warning("document file %s could not be removed", stored_name)

    transaction.on_commit(remove_file)
