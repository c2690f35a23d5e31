"""Background job: `imports.sweep_uploads` deletes uploaded import files no running import needs (uploads.py)."""

from __future__ import annotations

from casework.jobs.registry import job_handler

KIND = "imports.sweep_uploads"


@job_handler(KIND)
def sweep_uploads(job, progress) -> str:
    from .uploads import sweep

    return f"{sweep()} upload folder(s) removed"
