"""Demo hearings on open attendance cases: about a third get one. Roughly half of those are upcoming
(an attendance hearing or a review-board appearance in the next weeks, notice mailed), the rest were held
with an outcome and, usually, an attendance contract and a follow-up date. Synthetic text only; written
through the services."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from casework.cases.choices import CaseType
from casework.cases.models import Case
from casework.students.models import StudentGuardian

from . import services
from .choices import FamilyAttendance, HearingKind, NoticeMethod

PLACES = ("Main office conference room", "PPS office, Central Administration building", "School library",
          "Board of Education, room 110")
OUTCOMES = {
    FamilyAttendance.ATTENDED: ("Reviewed the attendance record with the family. The family agreed to an attendance "
                                "contract; the school will call home by 9 am on any absence.",
                                "Arrive by 8:00 am every day; call the attendance line before 8:30 am when ill and "
                                "bring a doctor's note after 3 days; weekly check-in with the counselor."),
    FamilyAttendance.REFUSED: ("The parent called to say they would not attend. The hearing went ahead; the record "
                               "and the next step (review board referral) were explained by letter.", ""),
    FamilyAttendance.NO_SHOW: ("Nobody from the family came and nobody called. A home visit is planned to deliver "
                               "the summary in person.", ""),
}


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.choice((9, 10, 13, 14)), 0)))


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    cases = list(Case.objects.open().filter(case_type=CaseType.ATTENDANCE, owner__isnull=False)
                 .select_related("owner").order_by("pk"))
    for case in cases:
        if rng.random() > 0.35:
            continue
        links = list(StudentGuardian.objects.filter(student_id=case.student_id, no_contact=False)
                     .select_related("guardian")[:2])
        held = rng.random() < 0.5 and (today - case.opened_on).days > 21
        if held:
            when = _at(today - datetime.timedelta(days=rng.randint(3, min(60, (today - case.opened_on).days - 1))),
                       rng)
            kind = HearingKind.ATTENDANCE_HEARING
        else:
            when = _at(today + datetime.timedelta(days=rng.randint(2, 45)), rng)
            kind = rng.choice((HearingKind.ATTENDANCE_HEARING, HearingKind.ATTENDANCE_HEARING,
                               HearingKind.REVIEW_BOARD))
        notice = timezone.localtime(when).date() - datetime.timedelta(days=rng.randint(7, 12))
        hearing = services.hearing_schedule(
            actor=case.owner, case=case, kind=kind, scheduled_at=when, place=rng.choice(PLACES), guardians=links,
            staff=[case.owner], other_participants=rng.choice(("", "Assistant principal", "Interpreter (Spanish)")),
            notice_sent_on=min(notice, today),
            notice_method=rng.choice((NoticeMethod.FIRST_CLASS, NoticeMethod.CERTIFIED)))
        if held:
            family = rng.choice((FamilyAttendance.ATTENDED, FamilyAttendance.ATTENDED, FamilyAttendance.REFUSED,
                                 FamilyAttendance.NO_SHOW))
            outcome, agreements = OUTCOMES[family]
            services.hearing_record_outcome(
                actor=case.owner, hearing=hearing, family_attendance=family, outcome=outcome, agreements=agreements,
                attended="Parent, PPW, assistant principal" if family == FamilyAttendance.ATTENDED else "PPW, "
                "assistant principal", follow_up_on=today + datetime.timedelta(days=rng.randint(5, 25)))
