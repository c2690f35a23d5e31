"""Tests: SQLite in memory unless DATABASE_URL points at PostgreSQL; fast hashing; memory cache."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
CASEWORK_IMPORTS_INLINE = True  # the import page runs imports synchronously (one in-memory database)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files the app writes (import uploads, mailing PDFs) go to a throwaway directory, never ./var: the
# daily upload sweep a test runs must not touch a developer's data.
DATA_DIR = Path(tempfile.mkdtemp(prefix="casework-test-data-"))
# Uploaded case documents go to a throwaway directory, never ./var.
CASEWORK_DOCUMENTS_DIR = tempfile.mkdtemp(prefix="casework-test-documents-")
