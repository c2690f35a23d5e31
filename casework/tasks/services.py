"""Writes of tasks and meetings. Other apps make automatic tasks through task_create."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.cases.choices import EventKind
from casework.cases.models import Case
from casework.cases.timeline import timeline_record
from casework.core.services import create_audited, update_audited

from .choices import TaskKind, TaskStatus
from .models import Task


@transaction.atomic
def task_create(*, actor, case: Case, title: str, due_on: datetime.date, assignee=None, details: str = "",
                kind: str = TaskKind.TASK, starts_at: datetime.datetime | None = None, location: str = "",
                automatic: str = "") -> Task:
    """`assignee` defaults to the case owner. Automatic tasks name the rule that made them."""
    if not title.strip():
        raise ValidationError({"title": "Say what needs doing."})
    if kind == TaskKind.MEETING and starts_at is None:
        raise ValidationError({"starts_at": "A meeting needs a start time."})
    task = create_audited(Task, actor=actor, case=case, title=title.strip(), due_on=due_on, kind=kind,
                          assignee=assignee if assignee is not None else case.owner, details=details,
                          starts_at=starts_at, location=location, automatic=automatic)
    what = "Meeting scheduled" if kind == TaskKind.MEETING else "Task added"
    timeline_record(case=case, kind=EventKind.MEETING if kind == TaskKind.MEETING else EventKind.TASK, actor=actor,
                    summary=f"{what}: {task.title} (due {due_on:%m/%d/%Y})", source=task)
    return task


@transaction.atomic
def task_complete(*, actor, task: Task, completed_on: datetime.date | None = None,
                  expected_version: int | None = None) -> Task:
    if task.status != TaskStatus.OPEN:
        raise ValidationError(f"This task is already {task.get_status_display().lower()}.")
    task = update_audited(task, actor=actor, expected_version=expected_version, status=TaskStatus.DONE,
                          completed_on=completed_on or timezone.localdate())
    timeline_record(case=task.case, kind=EventKind.TASK, actor=actor, summary=f"Task done: {task.title}", source=task)
    return task
