"""Tasks and meetings on a case: what a PPW must do by when. Manual, or made by other services
("plan review due", "follow up on referral in 10 school days")."""

from __future__ import annotations

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
