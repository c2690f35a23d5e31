"""Demo referrals: about fifteen across the demo schools, in every state. teacher1 and principal1 refer
students of principal1's school (ppw1 triages it); the supervisor refers two at ppw2's schools. A few wait
in ppw1's queue, so the demo's "My day" has new referrals. Synthetic text only; written through the
services, then back-dated so the queue shows plausible ages."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from casework.accounts.models import RoleAssignment, User
from casework.cases.choices import OPEN_STATUSES
from casework.students.models import Student

from . import services
from .choices import default_case_type
from .models import Referral, ReferralStatusChange

TEXTS = {
    "attendance": ("Absent 9 of the last 20 days, mostly Mondays and Fridays. Late most other days.",
                   "Two calls home (no answer), attendance letter sent, met with the student."),
    "behaviour": ("Three office referrals this month for leaving class; one fight in the cafeteria.",
                  "Behaviour contract, two parent conferences, counselor check-ins."),
    "academic": ("Failing three classes; missing most homework since the grading period started.",
                 "After-school help offered; SST meeting held on the 10th."),
    "family": ("Student says there is not enough food at home and came in wearing the same clothes all week.",
               "Counselor spoke with the student; weekend food bag started."),
    "homelessness": ("Family told the front office they are staying with relatives after an eviction.",
                     "Nothing yet: the family only told us yesterday."),
    "health": ("Student will be out at least six weeks after surgery; parent asked about home teaching.",
               "Nurse has the doctor's note; teachers are sending work home."),
    "mental_health": ("Student has been withdrawn and tearful; told a friend they do not want to come to school.",
                      "Counselor met the student twice; parent informed."),
}
# (referrer, reasons, urgency, what happens: submitted / accepted / returned / withdrawn / forwarded)
SCRIPT = [
    ("teacher1", ["attendance"], "soon", "submitted"),
    ("teacher1", ["family"], "urgent", "submitted"),
    ("teacher1", ["attendance", "academic"], "routine", "accepted"),
    ("teacher1", ["behaviour"], "routine", "accepted"),
    ("teacher1", ["academic"], "routine", "returned"),
    ("teacher1", ["attendance"], "routine", "withdrawn"),
    ("teacher1", ["health"], "soon", "accepted"),
    ("teacher1", ["mental_health"], "soon", "accepted"),
    ("teacher1", ["academic"], "routine", "submitted"),
    ("principal1", ["homelessness"], "urgent", "accepted"),
]
BULK = ["submitted", "accepted", "forwarded"]  # principal1's "refer these 3 students"
RETURN_REASONS = ["Please hold an SST meeting and try the school's attendance plan first; refer again in "
                  "four weeks if nothing changes.", "This is for the school counselor; I have passed it on."]


def _at(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(7, 15), rng.randint(0, 59))))


def _school_day(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _current_students(school_ids, today, rng, n):
    ids = list(Student.objects.filter(enrollments__school_id__in=school_ids, enrollments__exit_date__isnull=True,
                                      enrollments__entry_date__lte=today)
               .exclude(cases__status__in=OPEN_STATUSES).order_by("pk").values_list("pk", flat=True).distinct()[:400])
    return [Student.objects.get(pk=pk) for pk in rng.sample(ids, min(n, len(ids)))]


def _backdate(referral: Referral, sent: datetime.datetime, decided: datetime.datetime | None) -> None:
    # Timestamps only: the services wrote the rows "now"; a demo queue of zero-day-old referrals is not plausible.
    Referral.objects.filter(pk=referral.pk).update(created_at=sent)
    steps = list(referral.history.order_by("id").values_list("pk", flat=True))
    ReferralStatusChange.objects.filter(pk=steps[0]).update(created_at=sent)
    if decided and len(steps) > 1:
        ReferralStatusChange.objects.filter(pk__in=steps[1:]).update(created_at=decided)


def _school_of(student: Student, school_ids):
    return student.enrollments.filter(school_id__in=school_ids, exit_date__isnull=True).select_related(
        "school").first().school


def _play(rng, referral, outcome, *, ppw, supervisor, referrer, today, ages) -> None:
    """Back-date the sending first (the accept's timeline entry is dated when the school referred), then decide."""
    sent_day = _school_day(today - datetime.timedelta(days=rng.randint(*ages)))
    sent = _at(rng, sent_day)
    _backdate(referral, sent, None)
    referral, decided = _decide(rng, referral, outcome, ppw=ppw, supervisor=supervisor, referrer=referrer,
                                today=today, sent_day=sent_day)
    _backdate(referral, sent, decided)


def _decide(rng, referral, outcome, *, ppw, supervisor, referrer, today, sent_day):
    decided_day = min(_school_day(sent_day + datetime.timedelta(days=rng.randint(1, 3))), today)
    if outcome == "accepted":
        referral = services.referral_accept(actor=ppw, referral=referral, case_type=default_case_type(referral.reasons),
                                            note="Accepted. I will contact the family this week.", today=decided_day)
    elif outcome == "returned":
        referral = services.referral_return(actor=ppw, referral=referral, reason=rng.choice(RETURN_REASONS))
    elif outcome == "withdrawn":
        referral = services.referral_withdraw(actor=referrer, referral=referral,
                                              reason="Resolved: the family came in and attendance improved.")
    elif outcome == "forwarded" and supervisor is not None:
        referral = services.referral_forward(actor=ppw, referral=referral, to_user=supervisor,
                                             note="Forwarded to the PPS supervisor for a district-level placement.")
    latest = timezone.now() - datetime.timedelta(hours=1)  # never in the future
    return referral, (None if outcome == "submitted" else min(_at(rng, decided_day), latest))


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    users = {u.username: u for u in User.objects.filter(
        username__in=["teacher1", "principal1", "ppw1", "ppw2", "supervisor"])}
    if not {"teacher1", "principal1", "ppw1"} <= set(users):
        return  # demo accounts not made yet: nothing to refer with
    principal_school = (RoleAssignment.objects.filter(user=users["principal1"], role="school_admin")
                        .values_list("school_id", flat=True).first())
    if principal_school is None:
        return
    ppw, supervisor = users["ppw1"], users.get("supervisor")
    students = _current_students([principal_school], today, rng, len(SCRIPT) + len(BULK))
    made: list[tuple[Referral, str, User]] = []
    for (who, reasons, urgency, outcome), student in zip(SCRIPT, students, strict=False):
        details, tried = TEXTS[reasons[0]]
        r = services.referral_create(actor=users[who], student=student, school=_school_of(student, [principal_school]),
                                     reasons=reasons, details=details, already_tried=tried, urgency=urgency)
        made.append((r, outcome, users[who]))
    bulk_students = students[len(SCRIPT):]
    if bulk_students:
        details, tried = TEXTS["attendance"]
        bulk = services.referral_bulk_create(
            actor=users["principal1"], school=_school_of(bulk_students[0], [principal_school]),
            student_ids=[s.pk for s in bulk_students], reasons=["attendance"], details=details, already_tried=tried)
        made += [(r, outcome, users["principal1"]) for r, outcome in zip(bulk, BULK, strict=False)]
    for r, outcome, referrer in made:
        _play(rng, r, outcome, ppw=ppw, supervisor=supervisor, referrer=referrer, today=today, ages=(4, 30))
    # A second referral for a student whose case is now open: the duplicate flag in ppw1's queue.
    accepted = next((r for r, outcome, _ in made if outcome == "accepted" and "attendance" in r.reasons), None)
    if accepted is not None:
        details, tried = TEXTS["attendance"]
        dup = services.referral_create(actor=users["teacher1"], student=accepted.student, school=accepted.school,
                                       reasons=["attendance"], details="Still missing Mondays. " + details,
                                       already_tried=tried, urgency="routine")
        _backdate(dup, _at(rng, _school_day(today - datetime.timedelta(days=1))), None)
    _seed_other_cluster(rng, today, users)


def _seed_other_cluster(rng, today, users) -> None:
    """Two referrals by the supervisor at ppw2's schools: one waiting for ppw2, one returned."""
    if "ppw2" not in users or "supervisor" not in users:
        return
    schools = list(RoleAssignment.objects.filter(user=users["ppw2"], role="ppw").values_list("school_id", flat=True))
    for student, outcome in zip(_current_students(schools, today, rng, 2), ["submitted", "returned"], strict=False):
        details, tried = TEXTS["attendance"]
        r = services.referral_create(actor=users["supervisor"], student=student, school=_school_of(student, schools),
                                     reasons=["attendance"], details=details, already_tried=tried, urgency="soon")
        _play(rng, r, outcome, ppw=users["ppw2"], supervisor=None, referrer=users["supervisor"], today=today,
              ages=(2, 12))
