"""Background job: `enforcement.evaluate` runs the ladder evaluation (args: as_of, school_id)."""

from __future__ import annotations

import datetime

from casework.jobs.registry import JobError, job_handler


@job_handler("enforcement.evaluate")
def evaluate(job, progress) -> str:
    from django.utils import timezone

    from casework.schools.models import School

    from .services import ladder_evaluate

    args = job.args or {}
    try:
        as_of = datetime.date.fromisoformat(args["as_of"]) if args.get("as_of") else timezone.localdate()
    except ValueError:
        raise JobError("The as-of date must be YYYY-MM-DD.") from None
    school = None
    if args.get("school_id"):
        school = School.objects.filter(pk=args["school_id"]).first()
        if school is None:
            raise JobError("That school no longer exists.")
    summary = ladder_evaluate(as_of=as_of, school=school, actor=job.created_by, progress=progress)
    return (f"{summary.total_due} ladder step(s) made due, {summary.cases_opened} case(s) opened "
            f"({summary.students_checked} students checked)")
