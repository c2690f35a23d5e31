"""Background jobs of the imports app: an import and a full recompute started from the import page
(background.py queues them), the daily sweep of uploaded files no running import needs (uploads.py), and
the nightly full recompute."""

from __future__ import annotations

from casework.jobs.registry import JobError, job_handler

from .background import IMPORT_JOB, RECOMPUTE_JOB, import_stored, recompute_now, recompute_status, start_recompute

KIND = "imports.sweep_uploads"
NIGHTLY_RECOMPUTE = "imports.nightly_recompute"


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


@job_handler(NIGHTLY_RECOMPUTE)
def nightly_recompute(job, progress) -> str:
    """Every student x school counted through the same day before the ladder reads them: an import
    recomputes only the students it changed, so the others keep the day of the last full recompute
    (the early-warning list says "some students counted as of ...")."""
    from casework.indicators.models import StudentIndicator
    from casework.indicators.services import default_as_of, rules_changed_since_full_recompute

    as_of = default_as_of()
    stored = StudentIndicator.objects.all()
    if stored.exists() and not stored.exclude(as_of=as_of).exists() and not rules_changed_since_full_recompute(as_of):
        # Nothing has moved since (a demo just seeded, a night without an import): no lock taken for nothing.
        return f"Every stored indicator is already counted through {as_of.isoformat()} under the rules in force"
    if not start_recompute(actor_pk=None, queue=False):
        return "A recompute started on the import page is running: not started again"
    recompute_now(None)
    state = recompute_status() or {}
    if state.get("state") != "done":
        raise JobError(state.get("message") or "The recompute did not finish.")
    return (f"Indicators recomputed as of {state['as_of']}: {state['pairs']} student x school pair(s), "
            f"{state['crossed']} newly crossed, {state['cleared']} cleared")
