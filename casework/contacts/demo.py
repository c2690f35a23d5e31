"""Demo contacts: 2-8 per open case over the case's life (calls, letters, unanswered doors, conferences),
and a few home visits with their safety check-in and check-out (all checked out: an overdue worker in
a demo would look like a real alarm). Synthetic text only; written through the services."""

from __future__ import annotations

import datetime
import random

from django.db.models import Prefetch
from django.utils import timezone

from casework.cases.models import Case
from casework.students.models import StudentGuardian

from . import services
from .choices import ContactType, VisitOutcome

DEMO_ACCOUNTS = ("ppw1", "ppw2")

# (type, reached, minutes, summary). {who} is a guardian's relationship ("grandmother") or "parent".
SCRIPTS = [
    (ContactType.PHONE_CALL, True, 15, "Spoke with {who} about recent absences. {who_cap} says the student has "
     "trouble getting up for the bus; agreed to try an earlier alarm and a check-in next week."),
    (ContactType.PHONE_CALL, False, None, "Called the number on file; no answer, voicemail full."),
    (ContactType.PHONE_CALL, False, None, "Called twice; the number is disconnected. Asked the school to check "
     "for a new number."),
    (ContactType.LETTER, True, None, "Mailed the attendance letter and a copy of the attendance record to the "
     "address on file."),
    (ContactType.ATTEMPTED, False, None, "Left a message with the front office for {who} to call back."),
    (ContactType.HOME_VISIT, False, 20, "Home visit: nobody answered. Left a door hanger with my number."),
    (ContactType.HOME_VISIT, True, 45, "Home visit: met {who}. Discussed transportation and the morning "
     "routine; {who} signed the attendance contract."),
    (ContactType.CONFERENCE, True, 40, "Conference at school with {who}, the counselor and the assistant "
     "principal. Agreed on a check-in/check-out plan and a review in four weeks."),
    (ContactType.STAFF_CONSULTATION, True, 10, "Consulted the classroom teacher: attendance better this week, "
     "work completion still low."),
    (ContactType.TEXT, True, None, "Texted {who} a reminder about Thursday's meeting; {who} confirmed."),
    (ContactType.EMAIL, False, None, "E-mailed {who} the meeting summary; no reply yet."),
    (ContactType.AGENCY, True, 20, "Called the social services caseworker to coordinate; the family has an "
     "open housing referral."),
    (ContactType.COUNSELING, True, 30, "Counseling session with the student about school avoidance; "
     "practised a plan for the first period."),
]


def _moment(rng: random.Random, day: datetime.date, latest: datetime.datetime) -> datetime.datetime:
    at = datetime.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
    return min(timezone.make_aware(datetime.datetime.combine(day, at)), latest)


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    latest = timezone.now() - datetime.timedelta(minutes=30)
    cases = list(Case.objects.open().filter(owner__isnull=False).select_related("student", "owner")
                 .prefetch_related(Prefetch("student__guardian_links",
                                            queryset=StudentGuardian.objects.select_related("guardian")))
                 .order_by("pk"))
    visits_left = 3
    for case in cases:
        end = min(case.closed_on or today, today)
        span = max((end - case.opened_on).days, 0)
        links = [g for g in case.student.guardian_links.all() if not g.no_contact]
        # The demo accounts' cases get the full story; the rest of the district fewer, to keep the seed fast.
        most = 8 if case.owner.username in DEMO_ACCOUNTS else 4
        n = rng.randint(2, most) if span >= 7 else rng.randint(1, 2)
        days = sorted(_weekday(case.opened_on + datetime.timedelta(days=rng.randint(0, span))) for _ in range(n))
        for day in days:
            if day < case.opened_on:
                day = case.opened_on
            kind, reached, minutes, text = rng.choice(SCRIPTS)
            link = rng.choice(links) if links else None
            who = link.get_relationship_display().lower() if link else "parent"
            occurred_at = _moment(rng, day, latest)
            recent = (today - day).days <= 7 and case.closed_on is None
            follow_up = recent and reached and rng.random() < 0.5
            visit = None
            if kind == ContactType.HOME_VISIT and visits_left and case.closed_on is None and (today - day).days <= 14:
                visits_left -= 1
                visit = services.home_visit_check_in(actor=case.owner, case=case,
                                                     now=occurred_at - datetime.timedelta(minutes=10))
            contact = services.contact_log(
                actor=case.owner, case=case, contact_type=kind, occurred_at=occurred_at, reached=reached,
                duration_minutes=minutes, summary=text.format(who=who, who_cap=who.capitalize()),
                guardians=[link] if link and reached and kind not in (ContactType.LETTER, ContactType.AGENCY,
                                                                     ContactType.STAFF_CONSULTATION) else [],
                location="Home" if kind == ContactType.HOME_VISIT else "",
                follow_ups="Check attendance for the next two weeks and call back." if follow_up else "",
                follow_up_due=today + datetime.timedelta(days=rng.randint(3, 10)) if follow_up else None,
                home_visit=visit)
            if visit is not None:
                services.home_visit_check_out(
                    actor=case.owner, visit=visit,
                    outcome=VisitOutcome.MET if contact.reached else VisitOutcome.NO_ANSWER,
                    now=min(occurred_at + datetime.timedelta(minutes=(minutes or 15) + 15), timezone.now()))
