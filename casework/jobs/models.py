"""Background jobs: work that should not hold a page open (the daily reminder digest, batch letters).

A Job row is a queue entry, not a record of the student's story: the work a handler does is audited by
its own services (run under the job creator's audit context, source "job"). Job rows are therefore
written by the runner in jobs/services.py with plain conditional updates, which is also what makes
claiming a job atomic across workers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.core.querysets import ScopedQuerySet


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobQuerySet(ScopedQuerySet):
    """A job reaches no school: its creator follows it (and the director, who answers for the office)."""

    def in_schools(self, school_ids):
        return self

    def restrict_for(self, user, action: str):
        from casework.core.policy import roles_of
        from casework.core.roles import Role

        if Role.DIRECTOR in roles_of(user):
            return self
        return self.filter(created_by_id=user.pk)

    def due(self, now=None):
        return self.filter(status=JobStatus.QUEUED, run_after__lte=now or timezone.now())


class Job(models.Model):
    kind = models.CharField(max_length=100, help_text="The registered handler, e.g. reminders.daily_digest")
    # Ids and dates only, never names: args show in the admin's eyes and in logs.
    args = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=200, blank=True, help_text="Short progress or outcome note")
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    error = models.CharField(max_length=300, blank=True, help_text="Exception type and place; no student data")
    worker = models.CharField(max_length=100, blank=True, help_text="Who claimed it last")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Bumped by each progress report: a long job that reports is alive; a silent one may be a dead worker's.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    unique_key = models.CharField(max_length=100, blank=True,
                                  help_text="At most one waiting or running job per key (digest:2026-11-24)")

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "run_after"], name="jobs_status_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["unique_key"], condition=Q(status__in=ACTIVE_STATUSES) & ~Q(unique_key=""),
                                    name="jobs_unique_key_active"),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.status})"

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
