"""Writes of referrals. Every status change leaves a ReferralStatusChange (what the referrer reads) and
an audited change record; accepting one also writes the case timeline and a follow-up task, all in
one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.calendars.schooldays import CalendarError, add_school_days
from casework.cases.choices import CaseType, EventKind
from casework.cases.models import Case
from casework.cases.services import case_open
from casework.cases.timeline import timeline_record
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.services import create_audited, update_audited
from casework.schools.models import School
from casework.students.models import Student
from casework.tasks.services import task_create

from . import selectors
from .choices import ReasonCategory, ReferralStatus, Urgency, matching_case_types
from .models import Referral, ReferralStatusChange

FOLLOW_UP_SCHOOL_DAYS = 10
FOLLOW_UP_FALLBACK_DAYS = 14  # calendar days, when the school's calendar is not imported


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "the PPS office"


def _clean_reasons(reasons) -> list[str]:
    chosen = set(reasons or ())
    unknown = sorted(chosen - set(ReasonCategory.values))
    if unknown:
        raise ValidationError({"reasons": f"Unknown reason {', '.join(unknown)}."})
    if not chosen:
        raise ValidationError({"reasons": "Pick at least one reason for the referral."})
    return [r for r in ReasonCategory.values if r in chosen]  # the form's order, whatever order they came in


def _check_text(details: str, already_tried: str, urgency: str) -> None:
    errors = {}
    if not (details or "").strip():
        errors["details"] = "Say what you have seen: the PPW decides from this."
    if not (already_tried or "").strip():
        errors["already_tried"] = ("Say what the school already tried (calls home, conferences, SST...). "
                                   "Write \"nothing yet\" if that is the case.")
    if urgency not in Urgency.values:
        errors["urgency"] = "Pick how soon the PPW should act."
    if errors:
        raise ValidationError(errors)


def _history(*, actor, referral: Referral, status: str, note: str = "") -> ReferralStatusChange:
    return create_audited(ReferralStatusChange, actor=actor, referral=referral, status=status,
                          changed_by=actor if getattr(actor, "is_authenticated", False) else None,
                          note=note.strip())


@transaction.atomic
def referral_create(*, actor, student: Student, school: School, reasons: list[str], details: str,
                    already_tried: str, urgency: str = Urgency.ROUTINE) -> Referral:
    """The student must be in the actor's referral.create scope and currently enrolled at `school`
    (a school the actor refers from). A student with an open case of a matching type is flagged."""
    if actor is None or not Student.objects.for_user(actor, "referral.create").filter(pk=student.pk).exists():
        raise ValidationError("You can refer only current students of your schools.")
    if school.pk not in {s.pk for s in selectors.referring_schools(actor, student)}:
        raise ValidationError({"school": "The student is not currently enrolled at that school of yours."})
    reasons = _clean_reasons(reasons)
    _check_text(details, already_tried, urgency)
    duplicate = selectors.matching_open_case(student, matching_case_types(reasons))
    referral = create_audited(Referral, actor=actor, student=student, school=school, referred_by=actor,
                              reasons=reasons, details=details.strip(), already_tried=already_tried.strip(),
                              urgency=urgency, status=ReferralStatus.SUBMITTED, duplicate_of_case=duplicate)
    _history(actor=actor, referral=referral, status=ReferralStatus.SUBMITTED)
    return referral


@transaction.atomic
def referral_bulk_create(*, actor, school: School, student_ids: list[int], reasons: list[str], details: str,
                         already_tried: str, urgency: str = Urgency.ROUTINE) -> list[Referral]:
    """One referral per student, same reasons and text, all or nothing: one student who cannot be
    referred from `school` stops the whole batch with a message naming the student ids."""
    if actor is None or not policy.has_action(actor, "referral.bulk"):
        raise ValidationError("Referring several students at once is for school and PPS administrators.")
    bulk_schools = policy.school_ids_for(actor, "referral.bulk")
    if bulk_schools is not None and school.pk not in bulk_schools:
        raise ValidationError("You can refer students in bulk only at your own schools.")
    ids = list(dict.fromkeys(int(i) for i in student_ids))
    if not ids:
        raise ValidationError("Select at least one student.")
    reasons = _clean_reasons(reasons)
    _check_text(details, already_tried, urgency)
    students = {s.pk: s for s in Student.objects.for_user(actor, "referral.bulk").filter(pk__in=ids)}
    bad = [i for i in ids if i not in students
           or school.pk not in {s.pk for s in selectors.referring_schools(actor, students[i])}]
    if bad:
        raise ValidationError(
            f"{len(bad)} of the {len(ids)} selected students cannot be referred from {school.name} "
            f"(record {', '.join(str(i) for i in bad)}): they are not current students there. Nothing was sent.")
    return [referral_create(actor=actor, student=students[i], school=school, reasons=reasons, details=details,
                            already_tried=already_tried, urgency=urgency) for i in ids]


def _lock(referral: Referral, expected_version: int | None) -> Referral:
    """The current row, locked. A closed referral is refused first: "already accepted by ..." tells the
    user more than "someone changed it"."""
    current = Referral.objects.select_for_update().select_related("student", "school", "referred_by").get(
        pk=referral.pk)
    if current.is_closed:
        last = current.history.order_by("-created_at", "-id").first()
        by = f" by {_person(last.changed_by)}" if last and last.changed_by_id else ""
        when = f" on {timezone.localtime(last.created_at):%m/%d/%Y}" if last else ""
        raise ValidationError(f"Referral {current.number} was already {current.get_status_display().lower()}"
                              f"{by}{when}; it can no longer change.")
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("referral", current.pk, expected_version, current.version)
    return current


def follow_up_due(school: School, today: datetime.date) -> tuple[datetime.date, str]:
    """10 school days on the referring school's calendar; 14 calendar days when it has none (and the
    task says so, so nobody trusts a date the calendar did not give)."""
    try:
        return add_school_days(school, today, FOLLOW_UP_SCHOOL_DAYS), ""
    except CalendarError:
        return (today + datetime.timedelta(days=FOLLOW_UP_FALLBACK_DAYS),
                f"{school.name} has no school calendar in Casework, so this is due in {FOLLOW_UP_FALLBACK_DAYS} "
                f"calendar days instead of {FOLLOW_UP_SCHOOL_DAYS} school days.")


@transaction.atomic
def referral_accept(*, actor, referral: Referral, case: Case | None = None, case_type: str | None = None,
                    owner=None, note: str = "", expected_version: int | None = None,
                    today: datetime.date | None = None) -> Referral:
    """Accept into `case` (an open case of the same student) or a new case of `case_type` owned by
    `owner` (default: the actor). Writes the REFERRAL timeline entry, dated when the school referred,
    and the "follow up with the referrer" task."""
    referral = _lock(referral, expected_version)
    today = today or timezone.localdate()
    if case is not None:
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.student_id != referral.student_id:
            raise ValidationError({"case": "That case is about another student."})
        if not case.is_open:
            raise ValidationError({"case": f"Case {case.number} is closed; open a new case instead."})
    else:
        if case_type not in CaseType.values:
            raise ValidationError({"case_type": "Pick the type of case to open."})
        case = case_open(actor=actor, student=referral.student, case_type=case_type,
                         owner=owner if owner is not None else actor, opened_on=today)
    referral = update_audited(referral, actor=actor, status=ReferralStatus.ACCEPTED, case=case)
    _history(actor=actor, referral=referral, status=ReferralStatus.ACCEPTED,
             note=note or "Accepted by the PPS office. The PPW will be in touch.")
    timeline_record(case=case, kind=EventKind.REFERRAL, actor=actor, occurred_at=referral.created_at,
                    source=referral,
                    summary=(f"Referral {referral.number} from {_person(referral.referred_by)} "
                             f"({referral.school.name}): {', '.join(referral.reason_labels)}"
                             f"; {referral.get_urgency_display().lower()}"))
    due_on, fallback = follow_up_due(referral.school, today)
    details = (f"Tell {_person(referral.referred_by)} at {referral.school.name} what happens next "
               f"(they see the referral's status, not the case notes).")
    task_create(actor=actor, case=case, title=f"Follow up with referrer on referral {referral.number}",
                due_on=due_on, automatic="referral_follow_up", details=f"{details} {fallback}".strip())
    return referral


@transaction.atomic
def referral_return(*, actor, referral: Referral, reason: str, expected_version: int | None = None) -> Referral:
    """Back to the school, with a reason the referrer reads ("try an SST meeting first")."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why it is returned: the referrer reads this."})
    referral = _lock(referral, expected_version)
    referral = update_audited(referral, actor=actor, status=ReferralStatus.RETURNED)
    _history(actor=actor, referral=referral, status=ReferralStatus.RETURNED, note=reason)
    return referral


@transaction.atomic
def referral_forward(*, actor, referral: Referral, to_user, note: str = "",
                     expected_version: int | None = None) -> Referral:
    """To another PPW or a supervisor who may triage this student (a specialist, the right school's PPW)."""
    referral = _lock(referral, expected_version)
    if to_user is None:
        raise ValidationError({"to_user": "Pick who should take it."})
    if actor is not None and to_user.pk == actor.pk:
        raise ValidationError({"to_user": "Pick someone else: it is already with you."})
    if not to_user.is_active or not policy.can(to_user, "referral.triage", referral):
        raise ValidationError({"to_user": f"{_person(to_user)} does not triage referrals for this student."})
    referral = update_audited(referral, actor=actor, status=ReferralStatus.FORWARDED, forwarded_to=to_user)
    _history(actor=actor, referral=referral, status=ReferralStatus.FORWARDED,
             note=note or f"Forwarded to {_person(to_user)}.")
    return referral


@transaction.atomic
def referral_withdraw(*, actor, referral: Referral, reason: str = "", expected_version: int | None = None) -> Referral:
    """The referrer takes it back while nobody has decided yet (the family moved, it was resolved)."""
    referral = _lock(referral, expected_version)
    if actor is None or referral.referred_by_id != actor.pk:
        raise ValidationError("Only the person who made a referral can withdraw it.")
    referral = update_audited(referral, actor=actor, status=ReferralStatus.WITHDRAWN)
    _history(actor=actor, referral=referral, status=ReferralStatus.WITHDRAWN, note=reason)
    return referral
