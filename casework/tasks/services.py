"""Writes of tasks and meetings. Other apps make automatic tasks through task_create."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.audit import services as audit
from casework.cases.choices import EventKind
from casework.cases.models import Case, CaseStudentLink
from casework.cases.timeline import timeline_record
from casework.core.services import create_audited, update_audited
from casework.core.text import fold
from casework.students.models import Student

from .choices import TaskKind, TaskStatus
from .duedates import due_date_problem
from .models import CalendarFeed, Task

NAME_IN_TEXT = "Task titles show in calendars and e-mails: leave the student's name out."
ID_IN_TEXT = "Task titles show in calendars and e-mails: leave the student's id out."
# Particles of family names ("de la Cruz") are ordinary words in a title; the name's other words still count.
_PARTICLES = frozenset({"da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el", "la", "las", "le",
                        "los", "st", "van", "von", "y"})


def _students_of(case: Case) -> list[Student]:
    """The case's student and the siblings linked to the case (one family's truancy)."""
    linked = CaseStudentLink.objects.filter(case_id=case.pk).values("student_id")
    return list(Student.objects.filter(Q(pk=case.student_id) | Q(pk__in=linked)))


def _identifying_words(students: list[Student]) -> tuple[set[str], set[tuple[str, ...]], set[str]]:
    words, phrases, ids = set(), set(), set()
    for s in students:
        for name in (s.first_name, s.last_name, s.preferred_name):
            folded = fold(name).split()
            if len(folded) > 1:
                phrases.add(tuple(folded))
            words.update(w for w in folded if w not in _PARTICLES and len(w) > 1)
        if len(fold(s.district_id)) >= 4:
            ids.add(fold(s.district_id).replace(" ", ""))
    return words, phrases, ids


def check_free_text(case: Case, **texts: str) -> None:
    """Refuse a title or place that names the case's students or gives their district id: these show in the
    calendar feed and the reminder e-mail, which leave Casework. Compared accent- and case-insensitively."""
    words, phrases, ids = _identifying_words(_students_of(case))
    errors: dict[str, str] = {}
    for field, text in texts.items():
        folded = fold(text or "")
        tokens = folded.split()
        padded = f" {folded} "
        if any(t in words for t in tokens) or any(f" {' '.join(p)} " in padded for p in phrases):
            errors[field] = NAME_IN_TEXT
        elif any(i in folded.replace(" ", "") for i in ids):
            errors[field] = ID_IN_TEXT
    if errors:
        raise ValidationError(errors)


def _check_due(due_on: datetime.date | None) -> None:
    problem = due_date_problem(due_on)
    if problem:
        raise ValidationError({"due_on": problem})


@transaction.atomic
def task_create(*, actor, case: Case, title: str, due_on: datetime.date, assignee=None, details: str = "",
                kind: str = TaskKind.TASK, starts_at: datetime.datetime | None = None, location: str = "",
                automatic: str = "") -> Task:
    """`assignee` defaults to the case owner. Automatic tasks name the rule that made them."""
    if not title.strip():
        raise ValidationError({"title": "Say what needs doing."})
    if kind == TaskKind.MEETING and starts_at is None:
        raise ValidationError({"starts_at": "A meeting needs a start time."})
    _check_due(due_on)
    check_free_text(case, title=title, location=location)
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


_EDITABLE = ("title", "details", "due_on", "assignee", "starts_at", "location")


@transaction.atomic
def task_update(*, actor, task: Task, expected_version: int | None = None, **changes) -> Task:
    """Change a task's title, details, due date, assignee or meeting time/place. A moved due date or a
    new assignee goes on the case timeline (the PPW reading the story wants to know)."""
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise TypeError(f"task_update cannot change {', '.join(unknown)}")
    if "title" in changes:
        changes["title"] = changes["title"].strip()
        if not changes["title"]:
            raise ValidationError({"title": "Say what needs doing."})
    if task.status != TaskStatus.OPEN:
        raise ValidationError(f"This task is {task.get_status_display().lower()}; reopen it to change it.")
    if task.kind == TaskKind.MEETING and "starts_at" in changes and changes["starts_at"] is None:
        raise ValidationError({"starts_at": "A meeting needs a start time."})
    if "due_on" in changes and changes["due_on"] != task.due_on:
        _check_due(changes["due_on"])
    check_free_text(task.case, **{k: changes[k] for k in ("title", "location") if k in changes})
    before_due, before_assignee, before_start = task.due_on, task.assignee_id, task.starts_at
    task = update_audited(task, actor=actor, expected_version=expected_version, **changes)
    notes = []
    if task.starts_at != before_start and task.starts_at is not None:
        notes.append(f"now {timezone.localtime(task.starts_at):%m/%d/%Y %I:%M %p}")
    elif task.due_on != before_due:
        notes.append(f"due {before_due:%m/%d/%Y} → {task.due_on:%m/%d/%Y}")
    if task.assignee_id != before_assignee:
        notes.append(f"assigned to {task.assignee or 'nobody'}")
    if notes:
        timeline_record(case=task.case, kind=_event_kind(task), actor=actor,
                        summary=f"{_noun(task)} changed: {task.title} ({'; '.join(notes)})", source=task)
    return task


@transaction.atomic
def task_cancel(*, actor, task: Task, reason: str, expected_version: int | None = None) -> Task:
    """No longer needed (the meeting was called off, the family moved). The reason stays on the record."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why it is no longer needed."})
    if task.status != TaskStatus.OPEN:
        raise ValidationError(f"This task is already {task.get_status_display().lower()}.")
    task = update_audited(task, actor=actor, expected_version=expected_version, status=TaskStatus.CANCELLED,
                          cancel_reason=reason[:200])
    timeline_record(case=task.case, kind=_event_kind(task), actor=actor,
                    summary=f"{_noun(task)} cancelled: {task.title} ({reason})", source=task)
    return task


@transaction.atomic
def task_reopen(*, actor, task: Task, expected_version: int | None = None) -> Task:
    """Undo a completion or a cancellation made by mistake."""
    if task.status == TaskStatus.OPEN:
        raise ValidationError("This task is already open.")
    task = update_audited(task, actor=actor, expected_version=expected_version, status=TaskStatus.OPEN,
                          completed_on=None, cancel_reason="")
    timeline_record(case=task.case, kind=_event_kind(task), actor=actor,
                    summary=f"{_noun(task)} reopened: {task.title}", source=task)
    return task


def _event_kind(task: Task) -> str:
    return EventKind.MEETING if task.kind == TaskKind.MEETING else EventKind.TASK


def _noun(task: Task) -> str:
    return "Meeting" if task.kind == TaskKind.MEETING else "Task"


# --- the personal calendar feed -------------------------------------------------------------------------


@transaction.atomic
def feed_issue(*, actor, user) -> str:
    """A new secret feed URL token for `user`; any previous one stops working. Shown once."""
    _revoke_live(user)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=CalendarFeed.hash(token), prefix=token[:8])
    audit.record_change(actor=actor, instance=user, action=audit.UPDATE, before={"calendar_feed": None},
                        after={"calendar_feed": f"issued {token[:8]}…"})
    return token


@transaction.atomic
def feed_revoke(*, actor, user) -> bool:
    """Stop the user's feed URL working. False when there was none."""
    prefix = _revoke_live(user)
    if prefix is None:
        return False
    audit.record_change(actor=actor, instance=user, action=audit.UPDATE,
                        before={"calendar_feed": f"active {prefix}…"}, after={"calendar_feed": "revoked"})
    return True


def _revoke_live(user) -> str | None:
    live = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    if live is None:
        return None
    live.revoked_at = timezone.now()
    live.save(update_fields=["revoked_at"])
    return live.prefix
