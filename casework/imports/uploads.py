"""Files a data steward uploaded for an import: kept only while their run reads them.

An upload is a district's student data in its rawest form, so it lives in DATA_DIR/imports/<run id>/
(owner-only, never under a static or media root) and is deleted as soon as the run ends, whatever the
outcome: the run's counts, messages and rejected rows (file, line, field, reason) stay in the
database, and a steward who wants to try again uploads again. A process that dies mid-run cannot
delete its files; the daily sweep removes every folder whose run is no longer running, or has been
"running" longer than any import takes."""

from __future__ import annotations

import datetime
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import ImportRun

log = logging.getLogger(__name__)

# Longer than any import runs: a run still "running" after this has died with its process.
STALE_AFTER = datetime.timedelta(hours=12)


def upload_root() -> Path:
    """Uploads live in the data directory, next to the database: never under a static or media root."""
    return Path(settings.DATA_DIR) / "imports"


def stored_paths(run: ImportRun) -> list[Path]:
    """The run's uploaded files, in the order they were given (the view stored them under these names)."""
    return [upload_root() / str(run.pk) / name for name in run.source_files]


def discard(run_pk: int) -> None:
    """Delete one run's uploaded files (nothing when there are none)."""
    shutil.rmtree(upload_root() / str(run_pk), ignore_errors=True)


def sweep(now: datetime.datetime | None = None) -> int:
    """Delete the upload folders no running import needs; return how many were removed."""
    root = upload_root()
    if not root.is_dir():
        return 0
    cutoff = (now or timezone.now()) - STALE_AFTER
    folders = {p.name: p for p in root.iterdir() if p.is_dir()}
    running = set(ImportRun.objects.filter(
        pk__in=[int(name) for name in folders if name.isdigit()], status=ImportRun.Status.RUNNING,
        started_at__gt=cutoff).values_list("pk", flat=True))
    removed = 0
    for name, path in folders.items():
        if name.isdigit() and int(name) in running:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += not path.exists()
    if removed:
        log.info("import uploads: removed %d folder(s) no run needs", removed)
    return removed
