"""The daily reminder digest: one e-mail per person with something overdue, due soon, or a meeting in
the next two days. Tasks are read through the policy (a PPW moved off a school, or off a sensitive case,
stops hearing about its tasks). Subjects carry counts only; bodies carry case numbers, task titles
(written without student names) and links."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from casework.tasks.choices import TaskKind, TaskStatus
from casework.tasks.models import Task

from .registry import JobError, job_handler

log = logging.getLogger(__name__)

KIND = "reminders.daily_digest"
MEETING_DAYS = 2  # "meetings in the next 2 days"


def days_ahead() -> int:
    return int(getattr(settings, "CASEWORK_DIGEST_DAYS_AHEAD", 7))


@dataclass
class Digest:
    user: object
    today: datetime.date
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    meetings: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.meetings)

    @property
    def subject(self) -> str:
        """Counts only: a subject line shows on lock screens and in mail-server logs."""
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.due_soon:
            parts.append(f"{len(self.due_soon)} due this week")
        if self.meetings:
            parts.append(f"{len(self.meetings)} meeting{'s' if len(self.meetings) != 1 else ''} soon")
        return "Casework: " + ", ".join(parts)


def digest_for(user, today: datetime.date) -> Digest:
    """What the user's e-mail would list on `today` (also used by tests and a preview)."""
    tasks = (Task.objects.for_user(user, "case.work")
             .filter(assignee_id=user.pk, status=TaskStatus.OPEN)
             .select_related("case").order_by("due_on", "starts_at", "id"))
    horizon = today + datetime.timedelta(days=days_ahead())
    meeting_horizon = today + datetime.timedelta(days=MEETING_DAYS)
    digest = Digest(user=user, today=today)
    for task in tasks.filter(due_on__lte=max(horizon, meeting_horizon)):
        if task.kind == TaskKind.MEETING:
            if today <= task.due_on <= meeting_horizon:
                digest.meetings.append(task)
        elif task.due_on < today:
            digest.overdue.append(task)
        elif task.due_on <= horizon:
            digest.due_soon.append(task)
    return digest


def task_link(task) -> str:
    base = getattr(settings, "CASEWORK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/cases/{task.case_id}/tasks/"


def render_digest(digest: Digest) -> str:
    def rows(tasks):
        return [{"task": t, "case_number": t.case.number, "link": task_link(t),
                 "late_days": (digest.today - t.due_on).days} for t in tasks]

    return render_to_string("jobs/digest_email.txt", {
        "user": digest.user, "today": digest.today, "days_ahead": days_ahead(),
        "overdue": rows(digest.overdue), "due_soon": rows(digest.due_soon), "meetings": rows(digest.meetings),
        "base_url": getattr(settings, "CASEWORK_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
    })


def recipients():
    """Active people with an open task assigned and an address to write to."""
    return (get_user_model().objects.filter(is_active=True, tasks__status=TaskStatus.OPEN)
            .exclude(email="").distinct().order_by("pk"))


@job_handler(KIND)
def send_daily_digest(job, progress) -> str:
    today = (datetime.date.fromisoformat(job.args["date"]) if job.args.get("date") else timezone.localdate())
    people = list(recipients())
    sent = failed = 0
    progress(0, len(people), "Writing the reminder e-mails")
    for n, user in enumerate(people, start=1):
        digest = digest_for(user, today)
        if not digest.empty:
            message = EmailMessage(subject=digest.subject, body=render_digest(digest), to=[user.email])
            try:
                message.send()
                sent += 1
            except Exception as exc:  # one bad address must not stop (or re-send) everyone else's
                failed += 1
                log.warning("digest for user %s not sent: %s", user.pk, type(exc).__name__)
        progress(n, len(people), f"{sent} sent")
    if failed and not sent:
        raise JobError(f"No reminder e-mail could be sent ({failed} failed); check the mail settings.")
    outcome = f"{sent} reminder e-mail{'s' if sent != 1 else ''} sent"
    return outcome + (f", {failed} failed" if failed else "")
