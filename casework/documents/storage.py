"""Where document bytes live: a directory outside the web root (DATA_DIR/documents unless
CASEWORK_DOCUMENTS_DIR says otherwise), never under STATIC or MEDIA URLs. Read at call time so tests
and deployments can point it elsewhere."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def documents_dir() -> Path:
    configured = getattr(settings, "CASEWORK_DOCUMENTS_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "documents"


class DocumentStorage(FileSystemStorage):
    def url(self, name):
        """No public URL exists for a document, by construction: the download view is the only way."""
        raise NotImplementedError("Case documents are served only through documents:download")


def document_storage() -> DocumentStorage:
    return DocumentStorage(location=documents_dir(), file_permissions_mode=0o600, directory_permissions_mode=0o700)


def new_stored_name() -> str:
    """Random, with no extension: nothing about the file shows in its name, and a misconfigured web
    server could not serve it as a page or a script."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"
