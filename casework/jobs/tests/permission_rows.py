"""Permission rows for the job status URL (merged into tests/test_permission_matrix.py).

A job is followed by the person who started it and by the director: the in-scope job is the PPW's,
the other one the supervisor's."""

from __future__ import annotations

from casework.core.testing.permissions import Rule, lazy


def job_of(objs: dict, role: str):
    from casework.jobs.models import Job

    # Written directly: enqueueing would need a handler, and only the row matters here.
    return lazy(objs, f"job_{role}", lambda: Job.objects.create(kind="reminders.daily_digest",
                                                                created_by=objs["world"].user(role)))


ROWS = {
    "jobs:status": Rule(
        kwargs=lambda o: {"pk": job_of(o, "ppw").pk}, get=(200, 404, 200, 404, 404, 404, 404, 404, 302),
        kwargs_out=lambda o: {"pk": job_of(o, "supervisor").pk}, get_out=(200, 200, 404, 404, 404, 404, 404, 404, 302),
    ),
}
