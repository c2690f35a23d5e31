"""Writes of hearings. Each schedules, moves or closes its meeting task (My day, calendar feed) and
writes the case timeline in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.cases.choices import EventKind
from casework.cases.models import Case
from casework.cases.timeline import timeline_record
from casework.core.services import create_audited, update_audited
from casework.students.models import StudentGuardian
from casework.tasks import services as tasks
from casework.tasks.choices import TaskKind, TaskStatus

from .choices import SHORT_NAMES, FamilyAttendance, HearingKind, HearingStatus
from .models import Hearing


def _label(guardians: Sequence[StudentGuardian], staff: Sequence, others: str) -> str:
    names = [f"{g.guardian.first_name} {g.guardian.last_name} ({g.get_relationship_display().lower()})"
             for g in guardians]
    names += [u.get_full_name() or u.username for u in staff]
    names += [line.strip() for line in others.splitlines() if line.strip()]
    return ", ".join(names)[:300]


def _check_participants(case: Case, guardians: Sequence[StudentGuardian]) -> None:
    if any(g.student_id != case.student_id for g in guardians):
        raise ValidationError({"guardians": "Only this student's own guardians can be invited."})


def _when(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at):%m/%d/%Y %I:%M %p}"


def _meeting_title(kind: str, case: Case) -> str:
    # Shown in calendar feeds and e-mails: the case number, never the student's name.
    return f"{SHORT_NAMES[HearingKind(kind)]} ({case.number})"


@transaction.atomic
def hearing_schedule(*, actor, case: Case, kind: str, scheduled_at: datetime.datetime, place: str,
                     guardians: Sequence[StudentGuardian] = (), staff: Sequence = (), other_participants: str = "",
                     notice_sent_on: datetime.date | None = None, notice_method: str = "",
                     notice_letter_id: int | None = None) -> Hearing:
    """Schedule a hearing: a meeting task for the case owner at that time and place, and a timeline entry."""
    place = place.strip()
    if not place:
        raise ValidationError({"place": "Say where it takes place."})
    if notice_sent_on and not notice_method:
        raise ValidationError({"notice_method": "Say how the notice was sent."})
    _check_participants(case, guardians)
    hearing = create_audited(Hearing, actor=actor, case=case, kind=kind, scheduled_at=scheduled_at, place=place,
                             other_participants=other_participants.strip(),
                             participants_label=_label(guardians, staff, other_participants),
                             notice_sent_on=notice_sent_on, notice_method=notice_method,
                             notice_letter_id=notice_letter_id)
    hearing.guardians.set(guardians)
    hearing.staff.set(staff)
    task = tasks.task_create(actor=actor, case=case, title=_meeting_title(kind, case),
                             due_on=timezone.localtime(scheduled_at).date(), kind=TaskKind.MEETING,
                             starts_at=scheduled_at, location=place, automatic="hearing")
    hearing = update_audited(hearing, actor=actor, meeting_task=task)
    notice = f"; notice sent {notice_sent_on:%m/%d/%Y}" if notice_sent_on else "; no notice sent yet"
    timeline_record(case=case, kind=EventKind.MEETING, actor=actor, source=hearing,
                    summary=f"{hearing.short_name} scheduled for {_when(scheduled_at)} at {place}{notice}")
    return hearing


_EDITABLE = ("kind", "scheduled_at", "place", "other_participants", "notice_sent_on", "notice_method",
             "notice_letter_id", "status", "status_reason")


@transaction.atomic
def hearing_update(*, actor, hearing: Hearing, expected_version: int | None = None,
                   guardians: Sequence[StudentGuardian] | None = None, staff: Sequence | None = None,
                   **changes) -> Hearing:
    """Change the date, place, participants or notice, or postpone / cancel it (with a reason).

    A move updates the meeting task; postponing or cancelling cancels it; scheduling a postponed
    hearing again makes a new one."""
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise TypeError(f"hearing_update cannot change {', '.join(unknown)}")
    if hearing.status in (HearingStatus.HELD, HearingStatus.CANCELLED):
        raise ValidationError(f"This hearing is {hearing.get_status_display().lower()}: it can no longer change.")
    status = changes.get("status", hearing.status)
    if status == HearingStatus.HELD:
        raise ValidationError({"status": "Record the outcome to mark a hearing held."})
    if status in (HearingStatus.POSTPONED, HearingStatus.CANCELLED):
        changes["status_reason"] = (changes.get("status_reason") or "").strip()
        if not changes["status_reason"]:
            raise ValidationError({"status_reason": "Say why it is postponed or cancelled."})
    else:
        changes["status_reason"] = ""
    if "place" in changes:
        changes["place"] = changes["place"].strip()
        if not changes["place"]:
            raise ValidationError({"place": "Say where it takes place."})
    if changes.get("notice_sent_on") and not changes.get("notice_method", hearing.notice_method):
        raise ValidationError({"notice_method": "Say how the notice was sent."})
    case = hearing.case
    if guardians is not None:
        _check_participants(case, guardians)
    guardians = list(hearing.guardians.select_related("guardian")) if guardians is None else list(guardians)
    staff = list(hearing.staff.all()) if staff is None else list(staff)
    others = changes.get("other_participants", hearing.other_participants)
    before_status, before_at, before_place = hearing.status, hearing.scheduled_at, hearing.place
    hearing = update_audited(hearing, actor=actor, expected_version=expected_version,
                             participants_label=_label(guardians, staff, others), **changes)
    hearing.guardians.set(guardians)
    hearing.staff.set(staff)
    _follow_meeting_task(actor, hearing)
    if hearing.status != before_status and hearing.status != HearingStatus.SCHEDULED:
        summary = f"{hearing.short_name} {hearing.get_status_display().lower()}: {hearing.status_reason}"
    elif hearing.status != before_status:
        summary = f"{hearing.short_name} rescheduled for {_when(hearing.scheduled_at)} at {hearing.place}"
    elif hearing.scheduled_at != before_at or hearing.place != before_place:
        summary = f"{hearing.short_name} moved to {_when(hearing.scheduled_at)} at {hearing.place}"
    else:
        summary = ""
    if summary:
        timeline_record(case=case, kind=EventKind.MEETING, actor=actor, source=hearing, summary=summary)
    return hearing


def _follow_meeting_task(actor, hearing: Hearing) -> None:
    """Keep the meeting task in step with the hearing (it is what My day and the feed show)."""
    task = hearing.meeting_task
    live = task is not None and task.status == TaskStatus.OPEN
    if hearing.status in (HearingStatus.POSTPONED, HearingStatus.CANCELLED):
        if live:
            tasks.task_cancel(actor=actor, task=task, reason=f"Hearing {hearing.get_status_display().lower()}")
        return
    title = _meeting_title(hearing.kind, hearing.case)
    when = timezone.localtime(hearing.scheduled_at)
    if live:
        tasks.task_update(actor=actor, task=task, title=title, due_on=when.date(), starts_at=hearing.scheduled_at,
                          location=hearing.place)
    else:
        task = tasks.task_create(actor=actor, case=hearing.case, title=title, due_on=when.date(),
                                 kind=TaskKind.MEETING, starts_at=hearing.scheduled_at, location=hearing.place,
                                 automatic="hearing")
        update_audited(hearing, actor=actor, meeting_task=task)
        hearing.meeting_task = task


@transaction.atomic
def hearing_record_outcome(*, actor, hearing: Hearing, family_attendance: str, outcome: str,
                           attended: str = "", agreements: str = "", follow_up_on: datetime.date | None = None,
                           expected_version: int | None = None) -> Hearing:
    """Mark it held: who came, what was decided, the attendance-contract terms, and a follow-up task."""
    if hearing.status == HearingStatus.CANCELLED:
        raise ValidationError("This hearing was cancelled: schedule a new one instead.")
    if family_attendance not in FamilyAttendance.values:
        raise ValidationError({"family_attendance": "Say whether the family attended, refused or did not come."})
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": "Write what was decided (or what happened)."})
    held_on = timezone.localtime(hearing.scheduled_at).date()
    if follow_up_on is not None and follow_up_on < held_on:
        raise ValidationError({"follow_up_on": "The follow-up date must be on or after the hearing."})
    hearing = update_audited(hearing, actor=actor, expected_version=expected_version, status=HearingStatus.HELD,
                             status_reason="", family_attendance=family_attendance, outcome=outcome,
                             attended=attended.strip(), agreements=agreements.strip(), follow_up_on=follow_up_on)
    case = hearing.case
    if hearing.meeting_task is not None and hearing.meeting_task.status == TaskStatus.OPEN:
        tasks.task_complete(actor=actor, task=hearing.meeting_task, completed_on=held_on)
    if follow_up_on is not None:
        old = hearing.follow_up_task
        if old is not None and old.status == TaskStatus.OPEN and old.due_on != follow_up_on:
            tasks.task_update(actor=actor, task=old, due_on=follow_up_on)
        elif old is None or old.status != TaskStatus.OPEN:
            task = tasks.task_create(actor=actor, case=case, title=f"Follow up: {hearing.short_name} ({case.number})",
                                     due_on=follow_up_on, automatic="hearing_follow_up",
                                     details=hearing.agreements or hearing.outcome)
            hearing = update_audited(hearing, actor=actor, follow_up_task=task)
    family = FamilyAttendance(family_attendance).label.lower()
    timeline_record(case=case, kind=EventKind.MEETING, actor=actor, source=hearing, occurred_at=hearing.scheduled_at,
                    summary=f"{hearing.short_name} held {held_on:%m/%d/%Y}: {family}. {outcome}")
    return hearing


@transaction.atomic
def packet_generate(*, actor, case: Case, kind: str, today: datetime.date | None = None) -> tuple[str, bytes]:
    """Build the review-board or court packet from the record. It is a disclosure of the student's
    record: logged (export, with its purpose) and noted on the case timeline. Returns (file name, PDF)."""
    from casework.audit import services as audit
    from casework.audit.models import AccessLog

    from . import packet as packets
    from . import packet_pdf
    from .choices import PACKET_PURPOSES, PacketKind

    if kind not in PacketKind.values:
        raise ValidationError({"kind": "Choose the Truancy Review Board or the District Court packet."})
    data = packets.build(case=case, user=actor, kind=kind, today=today)
    pdf = packet_pdf.render(data)
    audit.log_access(actor=actor, student=case.student, action=AccessLog.Action.EXPORT,
                     purpose=PACKET_PURPOSES[PacketKind(kind)], detail="packet")
    timeline_record(case=case, kind=EventKind.DOCUMENT, actor=actor,
                    summary=f"{PacketKind(kind).label} generated ({len(data.history)} history entries)")
    # Named by case number and date only: the file name travels in e-mails and download folders.
    prefix = "review-board-packet" if kind == PacketKind.REVIEW_BOARD else "court-petition-packet"
    return f"{prefix}-{case.number}-{data.today:%Y-%m-%d}.pdf", pdf
