"""Tasks and meetings on a case: what a PPW must do by when. Manual, or made by other services
("plan review due", "follow up on referral in 10 school days")."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.cases.models import CaseRecordQuerySet
from casework.core.models import AuditedModel

from .choices import TaskKind, TaskStatus


class TaskQuerySet(CaseRecordQuerySet):
    def open(self):
        return self.filter(status=TaskStatus.OPEN)


class Task(AuditedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    title = models.CharField(max_length=200, help_text="No student name: it shows in calendar feeds and e-mails")
    details = models.TextField(blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tasks")
    due_on = models.DateField()
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Meetings: when it starts")
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True, help_text="Why it no longer needs doing")
    # Made by a rule, not a person ("plan_review", "referral_follow_up"); blank for manual tasks.
    automatic = models.CharField(max_length=40, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "status", "due_on"], name="tasks_assignee_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.DONE) & Q(completed_on__isnull=False))
                | (~Q(status=TaskStatus.DONE) & Q(completed_on__isnull=True)),
                name="tasks_done_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on:%m/%d/%Y})"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def is_meeting(self) -> bool:
        return self.kind == TaskKind.MEETING

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today


class CalendarFeed(models.Model):
    """A user's secret calendar URL (/feed/<token>.ics). Only the token's SHA-256 is stored, as for API
    tokens: the URL is shown once. Revoking it (or making a new one) makes the old URL answer 404."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell feeds apart")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True),
                                               name="tasks_one_live_feed_per_user")]

    def __str__(self) -> str:
        return f"feed {self.prefix}… of {self.user_id}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
