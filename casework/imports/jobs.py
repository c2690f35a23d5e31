"""Background jobs of the imports app: an import and a full recompute started from the import page
(background.py queues them), and the daily sweep of uploaded files no running import needs (uploads.py)."""

from __future__ import annotations

from casework.jobs.registry import job_handler

from .background import IMPORT_JOB, RECOMPUTE_JOB, import_stored, recompute_now

KIND = "imports.sweep_uploads"


@job_handler(IMPORT_JOB)
def run_import(job, progress) -> str:
    args = job.args
    run = import_stored(int(args["run"]), fmt=args["format"], kind=args["kind"], partial=bool(args["partial"]),
                        actor=job.created_by)
    return f"Import run {run.pk}: {run.get_status_display()}"


@job_handler(RECOMPUTE_JOB)
def run_recompute(job, progress) -> str:
    recompute_now(job.created_by)
    return "Indicators recomputed"


@job_handler(KIND)
def sweep_uploads(job, progress) -> str:
    from .uploads import sweep

    return f"{sweep()} upload folder(s) removed"
