"""Writes of contacts and home-visit check-ins. Every contact is also a CONTACT entry on the case
timeline, written in the same transaction and dated when the contact happened."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.audit.services import _actor
from casework.cases.choices import EventKind
from casework.cases.models import Case, CaseEvent
from casework.cases.timeline import timeline_record
from casework.core.services import create_audited, update_audited
from casework.students.models import StudentGuardian
from casework.tasks.services import task_create

from .choices import NOT_REACHED_WORDS, ContactType, VisitOutcome
from .models import Contact, HomeVisit

# A phone's clock may run a little ahead of the server's; more than this is a typo in the date.
CLOCK_SLACK = datetime.timedelta(minutes=5)
DEFAULT_VISIT_MINUTES = 60
MAX_VISIT_HOURS = 12
MAX_DURATION_MINUTES = 24 * 60


def _who(guardians: Sequence[StudentGuardian], staff: Sequence, agency_people: Sequence[dict]) -> list[str]:
    """Participants as the timeline names them: guardians by relationship (no names needed there)."""
    return ([g.get_relationship_display().lower() for g in guardians]
            + [u.get_full_name() or u.username for u in staff]
            + [p["name"] + (f" ({p['agency']})" if p.get("agency") else "") for p in agency_people])


def participants_label(guardians, staff, agency_people) -> str:
    people = ([f"{g.get_relationship_display()} ({g.guardian.first_name} {g.guardian.last_name})" for g in guardians]
              + _who([], staff, agency_people))
    return "; ".join(people)[:300]


def timeline_summary(*, contact_type: str, reached: bool, duration_minutes: int | None, guardians=(), staff=(),
                     agency_people=()) -> str:
    """"Home visit — no answer", "Phone call with grandmother, 15 min"."""
    label = ContactType(contact_type).label
    who = _who(list(guardians), list(staff), list(agency_people))
    text = f"{label} with {', '.join(who)}" if who else label
    if not reached and contact_type != ContactType.ATTEMPTED:
        text += f" — {NOT_REACHED_WORDS.get(contact_type, 'not reached')}"
    if duration_minutes:
        text += f", {duration_minutes} min"
    return text


def _check(*, case: Case, contact_type: str, occurred_at: datetime.datetime, summary: str,
           duration_minutes: int | None, guardians: Sequence[StudentGuardian], follow_ups: str,
           follow_up_due: datetime.date | None, check_due_in_past: bool = True) -> None:
    errors: dict[str, str] = {}
    if contact_type not in ContactType.values:
        errors["contact_type"] = "Choose the type of contact."
    if occurred_at is None:
        errors["occurred_at"] = "Say when it happened."
    elif timezone.is_naive(occurred_at):
        raise TypeError("occurred_at must be timezone-aware")
    elif occurred_at > timezone.now() + CLOCK_SLACK:
        errors["occurred_at"] = "A contact cannot be in the future. Check the date and time."
    if not summary.strip():
        errors["summary"] = "Write a short summary of what happened (or what you tried)."
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = "Minutes must be between 0 and 1440."
    others = [g for g in guardians if g.student_id != case.student_id]
    if others:
        errors["guardians"] = "Only this student's own guardians can be listed as taking part."
    if follow_up_due is not None and not follow_ups.strip():
        errors["follow_ups"] = "Say what the follow-up is, or clear the follow-up date."
    if follow_up_due is not None and check_due_in_past and follow_up_due < timezone.localdate():
        errors["follow_up_due"] = "The follow-up date is in the past."
    if errors:
        raise ValidationError(errors)


def _clean_agency_people(agency_people: Iterable[dict]) -> list[dict]:
    people = []
    for p in agency_people:
        name, agency = str(p.get("name", "")).strip()[:100], str(p.get("agency", "")).strip()[:100]
        if name or agency:
            people.append({"name": name or "(name not given)", "agency": agency})
    return people


def _follow_up_task(*, actor, contact: Contact):
    when = timezone.localtime(contact.occurred_at)
    # No student name in a task title: it shows in calendar feeds and e-mail digests.
    return task_create(actor=actor, case=contact.case, due_on=contact.follow_up_due, automatic="contact_follow_up",
                       title=f"Follow up: {contact.get_contact_type_display().lower()} of {when:%m/%d/%Y}",
                       details=contact.follow_ups, assignee=contact.worker)


@transaction.atomic
def contact_log(*, actor, case: Case, contact_type: str, occurred_at: datetime.datetime, summary: str,
                reached: bool, duration_minutes: int | None = None, location: str = "",
                guardians: Sequence[StudentGuardian] = (), staff: Sequence = (),
                agency_people: Iterable[dict] = (), follow_ups: str = "",
                follow_up_due: datetime.date | None = None, client_key: uuid.UUID | str | None = None,
                home_visit: HomeVisit | None = None) -> Contact:
    """Log one contact. With `client_key`, a repeat of the same submit returns the first contact.

    `reached` has no default: an unanswered attempt must never count as reached because the caller did not
    say. An attempted contact is never reached, whatever is passed."""
    if client_key:
        try:
            client_key = uuid.UUID(str(client_key))
        except ValueError:
            raise ValidationError({"client_key": "The form's submission key is damaged; reload the page."}) from None
        existing = Contact.objects.filter(client_key=client_key).first()
        if existing is not None:
            return _replayed(existing, case)
    guardians, staff = list(guardians), list(staff)
    agency_people = _clean_agency_people(agency_people)
    _check(case=case, contact_type=contact_type, occurred_at=occurred_at, summary=summary,
           duration_minutes=duration_minutes, guardians=guardians, follow_ups=follow_ups,
           follow_up_due=follow_up_due)
    if contact_type == ContactType.ATTEMPTED:
        reached = False
    try:
        with transaction.atomic():  # a savepoint: a simultaneous retry loses the race cleanly
            contact = create_audited(
                Contact, actor=actor, case=case, contact_type=contact_type, occurred_at=occurred_at,
                duration_minutes=duration_minutes, reached=reached, worker=_actor(actor),
                location=location.strip(), summary=summary.strip(), follow_ups=follow_ups.strip(),
                follow_up_due=follow_up_due, agency_people=agency_people, client_key=client_key or None,
                participants_label=participants_label(guardians, staff, agency_people))
    except (IntegrityError, ValidationError) as exc:
        existing = Contact.objects.filter(client_key=client_key).first() if client_key else None
        if existing is None:
            raise
        if isinstance(exc, ValidationError) and "client_key" not in getattr(exc, "error_dict", {}):
            raise
        return _replayed(existing, case)
    if guardians:  # a new row has none: skip the read that set() would make
        contact.guardians.add(*guardians)
    if staff:
        contact.staff.add(*staff)
    if follow_up_due is not None:
        task = _follow_up_task(actor=actor, contact=contact)
        contact = update_audited(contact, actor=actor, follow_up_task=task)
    timeline_record(case=case, kind=EventKind.CONTACT, actor=actor, occurred_at=occurred_at, source=contact,
                    summary=timeline_summary(contact_type=contact_type, reached=reached,
                                             duration_minutes=duration_minutes, guardians=guardians, staff=staff,
                                             agency_people=agency_people))
    if home_visit is not None and home_visit.case_id == case.pk and home_visit.contact_id is None:
        update_audited(home_visit, actor=actor, contact=contact)
    contact.replayed = False
    return contact


def _replayed(existing: Contact, case: Case) -> Contact:
    if existing.case_id != case.pk:
        raise ValidationError({"client_key": "This form was already used for another case; reload the page."})
    existing.replayed = True
    return existing


@transaction.atomic
def contact_edit(*, actor, contact: Contact, expected_version: int | None, contact_type: str,
                 occurred_at: datetime.datetime, summary: str, reached: bool,
                 duration_minutes: int | None = None, location: str = "", guardians: Sequence[StudentGuardian] = (),
                 staff: Sequence = (), agency_people: Iterable[dict] = (), follow_ups: str = "",
                 follow_up_due: datetime.date | None = None) -> Contact:
    """Correct a logged contact. A stale copy raises ConflictError (nothing is overwritten)."""
    guardians, staff = list(guardians), list(staff)
    agency_people = _clean_agency_people(agency_people)
    _check(case=contact.case, contact_type=contact_type, occurred_at=occurred_at, summary=summary,
           duration_minutes=duration_minutes, guardians=guardians, follow_ups=follow_ups,
           follow_up_due=follow_up_due, check_due_in_past=follow_up_due != contact.follow_up_due)
    if contact_type == ContactType.ATTEMPTED:
        reached = False
    contact = update_audited(
        contact, actor=actor, expected_version=expected_version, contact_type=contact_type, occurred_at=occurred_at,
        duration_minutes=duration_minutes, reached=reached, location=location.strip(), summary=summary.strip(),
        follow_ups=follow_ups.strip(), follow_up_due=follow_up_due, agency_people=agency_people,
        participants_label=participants_label(guardians, staff, agency_people))
    contact.guardians.set(guardians)
    contact.staff.set(staff)
    if follow_up_due is not None and contact.follow_up_task_id is None:
        contact = update_audited(contact, actor=actor, follow_up_task=_follow_up_task(actor=actor, contact=contact))
    # The timeline entry tells the corrected story; the change record keeps the old one.
    CaseEvent.objects.filter(source_model=Contact._meta.label_lower, source_id=contact.pk).update(
        occurred_at=occurred_at,
        summary=timeline_summary(contact_type=contact_type, reached=reached, duration_minutes=duration_minutes,
                                 guardians=guardians, staff=staff, agency_people=agency_people)[:300])
    return contact


# --- home-visit safety check-in -------------------------------------------------------------------------


def planned_address(case: Case) -> str:
    household = case.student.household
    address = household.current_address if household is not None else None
    return address.one_line if address is not None else ""


@transaction.atomic
def home_visit_check_in(*, actor, case: Case, expected_back_at: datetime.datetime | None = None,
                        now: datetime.datetime | None = None) -> HomeVisit:
    """Start a visit. A second tap (or a retry) while already out returns the open check-in."""
    worker = _actor(actor)
    if worker is None:
        raise ValidationError("A check-in needs a signed-in worker.")
    now = now or timezone.now()
    open_visit = HomeVisit.objects.still_out().filter(case=case, worker=worker).first()
    if open_visit is not None:
        return open_visit
    expected_back_at = expected_back_at or now + datetime.timedelta(minutes=DEFAULT_VISIT_MINUTES)
    if expected_back_at <= now:
        raise ValidationError({"expected_back_at": "The time you expect to be back must be later than now."})
    if expected_back_at > now + datetime.timedelta(hours=MAX_VISIT_HOURS):
        raise ValidationError({"expected_back_at": f"A visit longer than {MAX_VISIT_HOURS} hours: check the time."})
    return create_audited(HomeVisit, actor=actor, case=case, worker=worker, address=planned_address(case),
                          checked_in_at=now, expected_back_at=expected_back_at)


@transaction.atomic
def home_visit_check_out(*, actor, visit: HomeVisit, outcome: str = "",
                         now: datetime.datetime | None = None) -> HomeVisit:
    """Close a check-in ("I'm safe"). Repeating it changes nothing."""
    if visit.checked_out_at is not None:
        return visit
    if outcome and outcome not in VisitOutcome.values:
        raise ValidationError({"outcome": "Choose how the visit ended."})
    now = now or timezone.now()
    who = _actor(actor)
    return update_audited(visit, actor=actor, checked_out_at=max(now, visit.checked_in_at), outcome=outcome,
                          checked_out_by=who if who is not None and who.pk != visit.worker_id else None)
