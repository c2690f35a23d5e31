"""What a PPW needs this morning: overdue and due-soon tasks, upcoming meetings, newly flagged students
in their schools. Every read goes through the policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from casework.indicators.models import Flags
from casework.indicators.selectors import worklist_rows
from casework.tasks.choices import TaskKind
from casework.tasks.models import Task

SOON_DAYS = 7  # "due soon": the next week (calendar days: a PPW's schools keep different calendars)
MEETING_DAYS = 14
FLAGGED_SHOWN = 10


@dataclass
class MyDay:
    today: datetime.date
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    flagged: list = field(default_factory=list)
    flagged_total: int = 0

    def student_ids(self) -> list[int]:
        ids = {t.case.student_id for t in self.overdue + self.due_today + self.due_soon + self.meetings}
        return sorted(ids | {c.student_id for c in self.flagged})


def my_day(user, *, now: datetime.datetime | None = None) -> MyDay:
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = MyDay(today=today)
    open_mine = (Task.objects.for_user(user, "case.work").open().filter(assignee=user)
                 .select_related("case__student").order_by("due_on", "starts_at", "pk"))
    horizon = today + datetime.timedelta(days=SOON_DAYS)
    meeting_end = now + datetime.timedelta(days=MEETING_DAYS)
    upcoming = Q(due_on__lte=horizon) | Q(kind=TaskKind.MEETING, starts_at__lte=meeting_end)
    for task in open_mine.filter(upcoming):
        if task.kind == TaskKind.MEETING and task.starts_at is not None and task.starts_at >= _start_of(today):
            if task.starts_at <= meeting_end:
                day.meetings.append(task)
        elif task.due_on < today:
            day.overdue.append(task)  # an open meeting in the past too: its outcome is still to record
        elif task.due_on == today:
            day.due_today.append(task)
        elif task.due_on <= horizon:
            day.due_soon.append(task)
    for task in day.overdue:
        task.days_late = (today - task.due_on).days
    crossings = worklist_rows(user)
    day.flagged_total = crossings.count()
    day.flagged = list(crossings[:FLAGGED_SHOWN])
    for crossing in day.flagged:
        crossing.flag_label = Flags(crossing.flag).label
    return day


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
