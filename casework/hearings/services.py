"""Writes of hearings. Each schedules, moves or closes its meeting task (My day, calendar feed) and
writes the case timeline in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.cases.choices import EventKind
from casework.cases.models import Case
from casework.cases.timeline import timeline_record
from casework.core.errors import ConflictError
from casework.core.services import create_audited, update_audited
from casework.students.models import StudentGuardian
from casework.tasks import services as tasks
from casework.tasks.choices import TaskKind, TaskStatus

from . import letters_link
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
    notice_sent_on, notice_method = letters_link.mailing(notice_letter_id) or (notice_sent_on, notice_method)
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
    if _moved(hearing, changes):
        _withdraw_notice(hearing, changes)
    mailed = letters_link.mailing(changes.get("notice_letter_id", hearing.notice_letter_id))
    if mailed:  # the linked letter's mailing is the notice of record (see notice_letter_mailed)
        changes["notice_sent_on"], changes["notice_method"] = mailed
    if changes.get("notice_sent_on") and not changes.get("notice_method", hearing.notice_method):
        raise ValidationError({"notice_method": "Say how the notice was sent."})
    case = hearing.case
    if guardians is not None:
        _check_participants(case, guardians)
    guardians = list(hearing.guardians.select_related("guardian")) if guardians is None else list(guardians)
    staff = list(hearing.staff.all()) if staff is None else list(staff)
    others = changes.get("other_participants", hearing.other_participants)
    before_status, before_at, before_place = hearing.status, hearing.scheduled_at, hearing.place
    had_notice = bool(hearing.notice_sent_on or hearing.notice_letter_id)
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
    if summary and had_notice and not (hearing.notice_sent_on or hearing.notice_letter_id):
        summary += "; the earlier notice no longer stands: a new notice is needed"
    if summary:
        timeline_record(case=case, kind=EventKind.MEETING, actor=actor, source=hearing, summary=summary)
    return hearing


def _moved(hearing: Hearing, changes: dict) -> bool:
    """Does the edit change what a notice told the family (kind, date and time, place), or put a
    postponed hearing back on the calendar? Then the notice given no longer stands."""
    if hearing.status == HearingStatus.POSTPONED and changes.get("status") == HearingStatus.SCHEDULED:
        return True
    return any(name in changes and changes[name] != getattr(hearing, name)
               for name in ("kind", "scheduled_at", "place"))


def _withdraw_notice(hearing: Hearing, changes: dict) -> None:
    """Unlink the notice letter (it names the old date and place; it stays on the case's letters) and
    clear the notice of record. The change form posts the stored notice back unchanged: only a notice
    entered on this very edit (a different date or method, e.g. a phone call about the new date) stands."""
    changes["notice_letter_id"] = None
    entered = (changes.get("notice_sent_on"), changes.get("notice_method", ""))
    if not entered[0] or entered == (hearing.notice_sent_on, hearing.notice_method):
        changes.update(notice_sent_on=None, notice_method="")


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


# Which letter each button makes from a hearing, and the Hearing field that links it. The notice's
# template depends on the kind of hearing (NOTICE_TEMPLATES).
HEARING_LETTERS = {"notice": ("hearing_notice", "notice_letter_id"),
                   "contract": ("attendance_contract", "contract_letter_id")}
# Only an attendance hearing has a notice letter that fits: the shipped review-board letter is the
# referral (it tells the family a notice of the Board's date will follow), and the court notices its own.
NOTICE_TEMPLATES = {HearingKind.ATTENDANCE_HEARING: "hearing_notice"}
NO_NOTICE_LETTER = {
    HearingKind.REVIEW_BOARD: "There is no notice letter for a Truancy Review Board meeting: record the notice "
                              "the Board sent (date and method) on the change form.",
    HearingKind.DISTRICT_COURT: "District Court hearings are noticed by the court: Casework makes no notice "
                                "letter for them.",
}


def notice_stands(hearing: Hearing) -> bool:
    """Is the linked notice letter mailed and not returned? Then it is the notice of record and is kept:
    a new notice is made only once the hearing moves (which withdraws it) or the letter comes back."""
    return letters_link.mailing(hearing.notice_letter_id) is not None


def notice_refusal(hearing: Hearing) -> str:
    """Why no notice can be made from this hearing now ("" when it can)."""
    if hearing.status != HearingStatus.SCHEDULED:
        return (f"This hearing is {hearing.get_status_display().lower()}: a notice is made only for a scheduled "
                "hearing.")
    if hearing.kind not in NOTICE_TEMPLATES:
        return NO_NOTICE_LETTER.get(hearing.kind, "There is no notice letter for this kind of hearing.")
    if notice_stands(hearing):
        return ("The notice mailed for this hearing still stands. A new notice is made when the hearing moves "
                "or the mailed notice comes back returned.")
    return ""


def contract_refusal(hearing: Hearing) -> str:
    """Why no attendance contract can be made from this hearing ("" when it can)."""
    if hearing.status != HearingStatus.HELD or not hearing.agreements.strip():
        return "Record the outcome with the agreed terms first: the contract is made from them."
    if hearing.family_attendance != FamilyAttendance.ATTENDED:
        return "The family did not attend this hearing: an attendance contract is made only with a family who came."
    return ""


def _addressee(hearing: Hearing):
    """The invited guardian the letter goes to: the letters app's choice (default_guardian: by contact
    order, custody or living with the student first, never one with a no-contact order) among the
    invited who receive school mail. None (no such guardian invited): letter_create's default guardian."""
    invited = [link for link in hearing.guardians.select_related("guardian").order_by("contact_order", "id")
               if link.receives_mail]
    return letters_link.default_guardian(hearing.case.student, invited) if invited else None


@transaction.atomic
def hearing_letter_generate(*, actor, hearing: Hearing, which: str, expected_version: int | None = None):
    """Make the hearing notice (a scheduled attendance hearing) or the attendance contract (a held hearing
    the family attended, with agreements) filled from this hearing, in the guardian's language, and link it.

    The notice of record is not touched: a notice recorded by hand stays until the new letter is mailed
    (notice_letter_mailed then copies its date and method); while a mailed notice stands, none is made
    (notice_refusal). Returns the Letter."""
    if which not in HEARING_LETTERS:
        raise ValidationError("Choose the hearing notice or the attendance contract.")
    template_key, link_field = HEARING_LETTERS[which]
    # Fill the letter from the hearing as saved now; one that changed since the page was opened is refused.
    current = Hearing.objects.select_for_update().select_related("case").get(pk=hearing.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(Hearing._meta.verbose_name, current.pk, expected_version, current.version)
    hearing = current
    refusal = notice_refusal(hearing) if which == "notice" else contract_refusal(hearing)
    if refusal:
        raise ValidationError(refusal)
    if which == "notice":
        template_key = NOTICE_TEMPLATES[hearing.kind]
    letter = letters_link.generate(actor=actor, case=hearing.case, template_key=template_key, hearing=hearing,
                                   guardian=_addressee(hearing))
    update_audited(hearing, actor=actor, **{link_field: letter.pk})
    return letter


def notice_letter_mailed(*, actor, letter) -> None:
    """letters.services.MAILED_HOOKS: the mailing of a hearing's notice letter is the hearing's notice."""
    if letter.returned_on is not None:
        return  # came back: it is no notice
    for hearing in Hearing.objects.filter(notice_letter_id=letter.pk).select_related("case"):
        if (hearing.notice_sent_on, hearing.notice_method) != (letter.mailed_on, letter.mail_method):
            update_audited(hearing, actor=actor, notice_sent_on=letter.mailed_on, notice_method=letter.mail_method)


def notice_letter_returned(*, actor, letter) -> None:
    """letters.services.RETURNED_HOOKS: a notice that came back was not given. The hearing keeps the link
    (its tab shows the letter returned) but no longer claims notice from that mailing."""
    for hearing in Hearing.objects.filter(notice_letter_id=letter.pk).select_related("case"):
        if hearing.notice_sent_on and (hearing.notice_sent_on, hearing.notice_method) == (letter.mailed_on,
                                                                                          letter.mail_method):
            update_audited(hearing, actor=actor, notice_sent_on=None, notice_method="")
            timeline_record(case=hearing.case, kind=EventKind.MEETING, actor=actor, source=hearing,
                            summary=f"{hearing.short_name} of {_when(hearing.scheduled_at)}: the notice came back "
                                    "returned, so no notice stands: a new notice is needed")


class GeneratedPacket(NamedTuple):
    filename: str
    pdf: bytes
    unprintable: str  # characters of the record the PDF's fonts lack, printed as U+FFFD ("": none)


@transaction.atomic
def packet_generate(*, actor, case: Case, kind: str, today: datetime.date | None = None) -> GeneratedPacket:
    """Build the review-board or court packet from the record. It is a disclosure of the student's
    record: logged (export, with its purpose) and noted on the case timeline."""
    from casework.audit import services as audit
    from casework.audit.models import AccessLog

    from . import packet as packets
    from . import packet_pdf
    from .choices import PACKET_PURPOSES, PacketKind

    if kind not in PacketKind.values:
        raise ValidationError({"kind": "Choose the Truancy Review Board or the District Court packet."})
    data = packets.build(case=case, user=actor, kind=kind, today=today)
    pdf, unprintable = packet_pdf.render(data)
    audit.log_access(actor=actor, student=case.student, action=AccessLog.Action.EXPORT,
                     purpose=PACKET_PURPOSES[PacketKind(kind)], detail="packet")
    timeline_record(case=case, kind=EventKind.DOCUMENT, actor=actor,
                    summary=f"{PacketKind(kind).label} generated ({len(data.history)} history entries)")
    # Named by case number and date only: the file name travels in e-mails and download folders.
    prefix = "review-board-packet" if kind == PacketKind.REVIEW_BOARD else "court-petition-packet"
    return GeneratedPacket(f"{prefix}-{case.number}-{data.today:%Y-%m-%d}.pdf", pdf, unprintable)
