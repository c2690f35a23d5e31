"""Where merged mailing PDFs live: DATA_DIR/mailings (or CASEWORK_MAILINGS_DIR), outside the web root,
read only through the mailings download view (a logged disclosure)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from casework.documents.storage import DocumentStorage, new_stored_name

__all__ = ["mailing_storage", "mailings_dir", "new_stored_name"]


def mailings_dir() -> Path:
    configured = getattr(settings, "CASEWORK_MAILINGS_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "mailings"


def mailing_storage() -> DocumentStorage:
    return DocumentStorage(location=mailings_dir(), file_permissions_mode=0o600, directory_permissions_mode=0o700)
