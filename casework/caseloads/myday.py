"""What a PPW needs this morning: new referrals, closures waiting for approval (leaders), overdue and
due-soon tasks, upcoming meetings, newly flagged students in their schools. Every read goes through the
policy. Each list shows its first SHOWN rows: the page is a starting point, the full lists have pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from casework.cases.models import ClosureRequest
from casework.core import policy
from casework.indicators.models import Flags
from casework.indicators.selectors import worklist_alerts
from casework.referrals.choices import Urgency
from casework.referrals.selectors import triage_queue
from casework.tasks.choices import TaskKind, TaskStatus
from casework.tasks.models import Task

SOON_DAYS = 7  # "due soon": the next week (calendar days: a PPW's schools keep different calendars)
MEETING_DAYS = 14
SHOWN = 10  # rows per list; "and N more" links to the full list
FLAGGED_SHOWN = 10  # students, not flags


@dataclass
class FlaggedStudent:
    """One student with every unacknowledged crossing in the user's schools (newest first)."""

    student: object
    latest: datetime.date
    flags: list = field(default_factory=list)  # (label, school name, crossed on)

    @property
    def student_id(self) -> int:
        return self.student.pk

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys(label for label, _school, _on in self.flags))

    @property
    def schools(self) -> list[str]:
        return list(dict.fromkeys(school for _label, school, _on in self.flags))


@dataclass
class MyDay:
    today: datetime.date
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    done_today: list = field(default_factory=list)  # marked done today, newest first: a slip can be undone
    flagged: list = field(default_factory=list)  # FlaggedStudent, the FLAGGED_SHOWN newest
    flagged_total: int = 0  # students
    referrals: list = field(default_factory=list)
    referrals_total: int | None = None  # None: the user does not triage (no card)
    closures: list = field(default_factory=list)
    closures_total: int | None = None  # None: the user does not approve closures (no card)

    @property
    def referrals_more(self) -> int:
        return max((self.referrals_total or 0) - len(self.referrals), 0)

    @property
    def closures_more(self) -> int:
        return max((self.closures_total or 0) - len(self.closures), 0)

    def shown(self, name: str) -> list:
        return getattr(self, name)[:SHOWN]

    def more(self, name: str) -> int:
        return max(len(getattr(self, name)) - SHOWN, 0)

    @property
    def lists(self) -> dict:
        """{name: (rows shown, how many more)} for the template, which cannot call with arguments."""
        return {n: (self.shown(n), self.more(n)) for n in ("overdue", "due_today", "due_soon", "meetings")}

    def student_ids(self) -> list[int]:
        """Every student named on the page (the access log)."""
        tasks = [t for n in ("overdue", "due_today", "due_soon", "meetings") for t in self.shown(n)]
        tasks += self.done_today
        ids = {t.case.student_id for t in tasks} | {c.case.student_id for c in self.closures}
        return sorted(ids | {s.student_id for s in self.flagged} | {r.student_id for r in self.referrals})


def my_day(user, *, now: datetime.datetime | None = None) -> MyDay:
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = MyDay(today=today)
    _tasks(day, user, now)
    _flagged(day, user)
    if policy.has_action(user, "referral.triage"):
        _referrals(day, user)
    if policy.has_action(user, "case.approve"):
        _closures(day, user)
    return day


def _tasks(day: MyDay, user, now: datetime.datetime) -> None:
    today = day.today
    open_mine = (Task.objects.for_user(user, "case.work").open().filter(assignee=user)
                 .select_related("case__student").order_by("due_on", "starts_at", "pk"))
    horizon = today + datetime.timedelta(days=SOON_DAYS)
    meeting_end = now + datetime.timedelta(days=MEETING_DAYS)
    upcoming = Q(due_on__lte=horizon) | Q(kind=TaskKind.MEETING, starts_at__lte=meeting_end)
    for task in open_mine.filter(upcoming):
        task.can_complete = _can_complete(task, now)
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
    day.done_today = list(Task.objects.for_user(user, "case.work").filter(assignee=user, status=TaskStatus.DONE,
                                                                           completed_on=today)
                          .select_related("case__student").order_by("-updated_at", "-pk")[:SHOWN])


def _can_complete(task: Task, now: datetime.datetime) -> bool:
    """A meeting is done once it has started (or, without a time, on its day); any other task any time."""
    if task.kind != TaskKind.MEETING:
        return True
    if task.starts_at is not None:
        return task.starts_at <= now
    return task.due_on <= timezone.localdate(now)


def _flagged(day: MyDay, user) -> None:
    """One row per student (a student crossing three thresholds is one child to look at), newest first."""
    if not policy.has_action(user, "worklist.view"):
        return
    crossings = worklist_alerts(user)
    students = crossings.order_by().values("student_id")
    day.flagged_total = students.distinct().count()
    newest = list(students.annotate(latest=Max("crossed_on"))
                  .order_by("-latest", "student__search_text", "student_id")[:FLAGGED_SHOWN])
    rows = {s["student_id"]: None for s in newest}
    for c in crossings.filter(student_id__in=list(rows)):  # newest crossing first (worklist order)
        row = rows[c.student_id]
        if row is None:
            row = rows[c.student_id] = FlaggedStudent(student=c.student, latest=c.crossed_on)
        row.flags.append((Flags(c.flag).label, c.school.name, c.crossed_on))
    day.flagged = [r for r in rows.values() if r is not None]


def _referrals(day: MyDay, user) -> None:
    """New referrals waiting for this user's triage, urgent first, with how long each has waited."""
    queue = triage_queue(user).select_related("student", "school")
    day.referrals_total = queue.count()
    day.referrals = list(queue[:SHOWN])
    for r in day.referrals:
        r.waiting_days = (day.today - timezone.localdate(r.created_at)).days
        r.waited = waited(r.waiting_days)
        r.is_urgent = r.urgency == Urgency.URGENT


def _closures(day: MyDay, user) -> None:
    """Closure requests waiting for this supervisor's decision, oldest first (the Approvals page's rows)."""
    pending = (ClosureRequest.objects.for_user(user, "case.approve").filter(status=ClosureRequest.Status.PENDING)
               .select_related("case__student", "case__owner", "requested_by").order_by("requested_on", "id"))
    day.closures_total = pending.count()
    day.closures = list(pending[:SHOWN])
    for r in day.closures:
        r.waiting_days = (day.today - r.requested_on).days
        r.waited = waited(r.waiting_days)


def waited(days: int) -> str:
    """How long something has waited: "waiting 6 days", "waiting 1 day", "received today"."""
    if days <= 0:
        return "received today"
    return f"waiting {days} day{'s' if days != 1 else ''}"


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
