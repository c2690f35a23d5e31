"""What a Truancy Review Board or District Court packet says, gathered from the record (never typed in):
the student and family, the law, the attendance record by month, the intervention history in date
order, the plans and their progress. packet_pdf.py lays it out; services.packet_generate logs it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from casework.attendance import calendar_view
from casework.cases.models import Case
from casework.cases.timeline import at_start_of
from casework.contacts.models import Contact
from casework.indicators.inputs import IndicatorError, indicators_as_of, school_year_bounds
from casework.indicators.models import StudentIndicator
from casework.indicators.services import default_as_of
from casework.plans.choices import FamilyResponse
from casework.plans.models import Goal, Plan, PlanIntervention, PlanRevision, ProgressPoint
from casework.plans.progress import goal_progress
from casework.students.models import Enrollment, StudentGuardian

from . import letters_link
from .choices import FamilyAttendance, HearingStatus, PacketKind
from .models import Hearing


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    what: str  # "Letter", "Contact", "Attempt", "Hearing", "Hearing refused", "Service offered", "Service refused"...
    text: str

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.when).date()


@dataclass(frozen=True)
class SchoolRecord:
    school_name: str
    months: tuple = ()  # calendar_view.MonthGrid
    unlawful: tuple = ()  # (date, "full day" / "half day", code)
    error: str = ""


@dataclass
class Packet:
    kind: str
    case: Case
    as_of: datetime.date
    today: datetime.date
    age: int | None  # None: no birth date recorded
    guardians: list[dict] = field(default_factory=list)
    schools: list[SchoolRecord] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # days_enrolled, days_absent, days_unlawful, source
    history: list[HistoryEntry] = field(default_factory=list)
    services: dict = field(default_factory=dict)  # offered, accepted, refused, stopped, unanswered; hearings refused
    plans: list[dict] = field(default_factory=list)
    preparer: str = ""
    preparer_title: str = ""

    @property
    def title(self) -> str:
        return PacketKind(self.kind).label

    @property
    def student(self):
        return self.case.student


def statute(kind: str, age: int | None) -> list[str]:
    """The law the packet rests on (rules doc section 1). Penalty amounts are left to the statute's
    current text rather than printed from memory."""
    lines = [
        "Md. Code, Education Article, Sec. 7-301 (compulsory attendance): each child who is 5 or older and under "
        "18 shall attend a public school regularly during the school year unless exempted; the person who has "
        "legal custody or care and control of the child shall see that the child attends (Sec. 7-301(c)).",
        "Sec. 7-302.2: a truant student (unlawfully absent more than 8 days in a quarter, 15 in a semester or 20 "
        "in a year) is referred to the school system's active intervention. COMAR 13A.08.01.04: habitual truant = "
        "unlawfully absent more than 20% of the school days in a marking period, semester or year.",
    ]
    if kind == PacketKind.DISTRICT_COURT:
        if age is None:  # which route applies turns on the age: say so rather than guess
            lines.append(
                "The student's birth date is not recorded, so their age is unknown: parent charges under "
                "Sec. 7-301(e) apply only to a child under 16. Record the birth date before filing.")
        elif age < 16:
            lines.append(
                f"The student is {age}, under 16: Sec. 7-301(e) applies to the parent or person with custody or care "
                "and control who fails to see that the child attends (a misdemeanor; penalties per day of unlawful "
                "absence as the current statute provides). This packet supports that petition in District Court.")
        else:
            lines.append(
                f"The student is {age}, 16 or older: parent charges under Sec. 7-301(e) apply only to a child under "
                "16. The juvenile route applies instead (Child in Need of Supervision petition, or the Truancy "
                "Reduction Program, CJ Title 3 Subtitle 8C, where the county has one).")
    return lines


def _guardians(case: Case, user) -> list[dict]:
    links = (StudentGuardian.objects.for_user(user, "student.view").filter(student_id=case.student_id)
             .select_related("guardian__household").order_by("contact_order", "id"))
    rows = []
    for link in links:
        g = link.guardian
        address = g.household.current_address() if g.household else None
        rows.append({"name": f"{g.first_name} {g.last_name}", "relationship": link.get_relationship_display(),
                     "custody": link.has_custody, "address": address.one_line() if address else "",
                     "phone": g.phone, "language": g.preferred_language or "English",
                     "no_contact": link.no_contact})
    return rows


def _schools(case: Case, user, as_of: datetime.date) -> dict[int, str]:
    """{school id: name} of the student's enrollments in the school year of `as_of`, in order of entry."""
    year_start, year_end = school_year_bounds(as_of)
    enrollments = (Enrollment.objects.for_user(user, "attendance.view")
                   .filter(student_id=case.student_id, entry_date__lte=min(as_of, year_end))
                   .exclude(exit_date__lt=year_start).select_related("school").order_by("entry_date"))
    schools: dict[int, str] = {}
    for e in enrollments:
        schools.setdefault(e.school_id, e.school.name)
    return schools


def _attendance(case: Case, user, as_of: datetime.date) -> tuple[list[SchoolRecord], dict]:
    """The year's calendar per school and the counts, computed by the engine for this one student."""
    schools = _schools(case, user, as_of)
    records, totals = [], {"days_enrolled": 0, "days_absent": 0.0, "days_unlawful": 0.0,
                        "source": f"counted by the attendance rules engine through {as_of:%m/%d/%Y}"}
    for school_id, name in schools.items():
        try:
            inputs, rows = indicators_as_of(as_of=as_of, school_ids=[school_id], student_ids=[case.student_id])
        except IndicatorError as exc:
            records.append(SchoolRecord(name, error=str(exc)))
            continue
        if not rows:
            continue
        result, pair = rows[0].result, inputs.students[0]
        months = calendar_view.month_grids(school_days=inputs.calendars[school_id].days,
                                           enrollments=pair.enrollments, days=result.days, as_of=as_of)
        unlawful = tuple((d.day, "half day" if d.unlawful < 1 else "full day",
                          " ".join(p for p in (d.mark.value, d.reason_code or "") if p))
                         for d in result.days if d.unlawful > 0)
        records.append(SchoolRecord(name, tuple(months), unlawful))
        ytd = result.year_to_date
        totals["days_enrolled"] += ytd.days_enrolled
        totals["days_absent"] += ytd.days_absent
        totals["days_unlawful"] += ytd.days_unlawful
    if not any(r.months for r in records):  # no calendar: fall back on the stored snapshot
        stored = (StudentIndicator.objects.for_user(user, "indicators.view").year_to_date()
                  .filter(student_id=case.student_id).order_by("-as_of").first())
        if stored is not None:
            totals = {"days_enrolled": stored.days_enrolled, "days_absent": stored.days_absent,
                      "days_unlawful": stored.days_unlawful,
                      "source": f"from the stored indicators as of {stored.as_of:%m/%d/%Y}"}
    return records, totals


def _letter_text(letter) -> str:
    name = getattr(letter, "title", "") or letter.template_key.replace("_", " ").capitalize()
    parts = [f"{name} ({letter.language}) to {letter.recipient_name}"]
    parts.append(f"generated {timezone.localtime(letter.generated_at):%m/%d/%Y}")
    if letter.mailed_on:
        method = getattr(letter, "get_mail_method_display", lambda: letter.mail_method)()
        parts.append(f"mailed {letter.mailed_on:%m/%d/%Y}" + (f" by {method}" if method else ""))
    else:
        parts.append("not recorded as mailed")
    if letter.returned_on:
        parts.append(f"RETURNED {letter.returned_on:%m/%d/%Y}" + (f" ({letter.return_reason})" if letter.return_reason
                                                                   else ""))
    return "; ".join(parts)


# The history's "What" for the family's answer to a service, and for a hearing by the family's attendance.
_ANSWERS = {FamilyResponse.ACCEPTED: "Service accepted", FamilyResponse.REFUSED: "Service refused",
            FamilyResponse.STOPPED: "Service stopped by family"}
_HEARING_WHAT = {FamilyAttendance.REFUSED: "Hearing refused by family",
                 FamilyAttendance.NO_SHOW: "Hearing, family absent"}


def _service_rows(pi: PlanIntervention) -> list[HistoryEntry]:
    """The offer on its start date, and the family's answer (with their reason) on the day they gave it."""
    name = f"{pi.intervention.name} (tier {pi.tier})"
    text = f"{name} in plan \"{pi.plan.title}\""
    if pi.frequency:
        text += f", {pi.frequency}"
    if pi.end_on:
        text += f"; ended {pi.end_on:%m/%d/%Y}"
    rows = [HistoryEntry(at_start_of(pi.start_on), "Service offered", text)]
    if pi.family_response:
        answer = f"{name}, offered {pi.start_on:%m/%d/%Y}"
        if pi.family_response_note:
            answer += f": {pi.family_response_note}"
        # After the day's other entries: an offer and a refusal on one day read in that order.
        when = at_start_of(pi.family_response_on) + datetime.timedelta(hours=23, minutes=59)
        rows.append(HistoryEntry(when, _ANSWERS[FamilyResponse(pi.family_response)], answer))
    return rows


def service_counts(items: list[PlanIntervention], hearings: list[Hearing]) -> dict:
    """How many services were offered and what the family answered; meetings the family refused."""
    answers = [pi.family_response for pi in items]
    return {"offered": len(items), "accepted": answers.count(FamilyResponse.ACCEPTED),
            "refused": answers.count(FamilyResponse.REFUSED), "stopped": answers.count(FamilyResponse.STOPPED),
            "unanswered": answers.count(""),
            "hearings_held": sum(h.status == HearingStatus.HELD for h in hearings),
            "hearings_refused": sum(h.status == HearingStatus.HELD and h.family_attendance == FamilyAttendance.REFUSED
                                    for h in hearings)}


def _services(case: Case, user) -> list[PlanIntervention]:
    return list(PlanIntervention.objects.for_user(user, "case.work").filter(plan__case=case)
                .select_related("intervention", "plan"))


def _hearings(case: Case, user) -> list[Hearing]:
    return list(Hearing.objects.for_user(user, "case.work").filter(case=case).exclude(status=HearingStatus.SCHEDULED))


def history(case: Case, user, *, items: list[PlanIntervention] | None = None,
            hearings: list[Hearing] | None = None) -> list[HistoryEntry]:
    """Every letter, contact and attempt, hearing (those the family refused marked so), service offered and
    the family's answer to it, oldest first."""
    rows: list[HistoryEntry] = []
    for letter in letters_link.letters_of(case, user):
        rows.append(HistoryEntry(letter.generated_at, "Letter", _letter_text(letter)))
    for c in Contact.objects.for_user(user, "case.work").filter(case=case).select_related("worker"):
        who = f" with {c.participants_label}" if c.participants_label else ""
        reached = "reached" if c.reached else "NOT reached"
        rows.append(HistoryEntry(c.occurred_at, "Contact" if c.reached else "Attempt",
                                 f"{c.get_contact_type_display()} ({reached}){who}: {c.summary}"))
    for h in hearings if hearings is not None else _hearings(case, user):
        if h.status == HearingStatus.HELD:
            if h.family_attendance == FamilyAttendance.REFUSED:
                text = f"{h.short_name} held without the family: FAMILY REFUSED TO ATTEND. {h.outcome}"
            else:
                text = f"{h.short_name} held: {h.get_family_attendance_display().lower()}. {h.outcome}"
            if h.agreements:
                text += f" Agreed: {h.agreements}"
        else:
            text = f"{h.short_name} {h.get_status_display().lower()}: {h.status_reason}"
        if h.notice_sent_on:
            text += f" (notice sent {h.notice_sent_on:%m/%d/%Y}, {h.get_notice_method_display().lower()})"
        what = _HEARING_WHAT.get(h.family_attendance, "Hearing") if h.status == HearingStatus.HELD else "Hearing"
        rows.append(HistoryEntry(h.scheduled_at, what, text))
    for pi in items if items is not None else _services(case, user):
        rows.extend(_service_rows(pi))
    rows.sort(key=lambda r: r.when)
    return rows


def _chart(plan, goal, progress, revisions) -> str:
    """The plan page's SVG progress chart, for the PDF; "" when there is nothing to draw."""
    if len(progress.weeks) < 2:
        return ""
    from casework.plans.charts import goal_chart

    return str(goal_chart(plan=plan, goal=goal, progress=progress, revisions=revisions, printed=True))


def _plans(case: Case, user) -> list[dict]:
    plans = []
    for plan in Plan.objects.for_user(user, "case.work").filter(case=case).order_by("start_on", "id"):
        goals = []
        revisions = list(PlanRevision.objects.for_user(user, "case.work").filter(plan=plan, number__gt=1))
        for goal in Goal.objects.for_user(user, "case.work").filter(plan=plan):
            points = list(ProgressPoint.objects.for_user(user, "case.work").filter(goal=goal))
            progress = goal_progress(goal, points)
            goals.append({"text": goal.text, "unit": goal.unit, "progress": progress, "dropped": goal.dropped_in,
                          "chart": _chart(plan, goal, progress, revisions)})
        plans.append({"title": plan.title, "start_on": plan.start_on, "review_on": plan.review_on,
                      "status": plan.get_status_display(), "goals": goals})
    return plans


def build(*, case: Case, user, kind: str, today: datetime.date | None = None) -> Packet:
    today = today or timezone.localdate()
    as_of = min(default_as_of(), today)
    schools, counts = _attendance(case, user, as_of)
    items, hearings = _services(case, user), _hearings(case, user)
    return Packet(kind=kind, case=case, as_of=as_of, today=today, age=case.student.age_on(today),
                  guardians=_guardians(case, user), schools=schools, counts=counts,
                  history=history(case, user, items=items, hearings=hearings),
                  services=service_counts(items, hearings), plans=_plans(case, user),
                  preparer=user.get_full_name() or user.username,
                  preparer_title=getattr(user, "title", "") or "Pupil Personnel Worker")


def record_text(*, case: Case, user, today: datetime.date | None = None) -> str:
    """The record's own words a packet prints (names, addresses, schools, the history, plans, the preparer),
    gathered without the attendance engine, the charts or the PDF, so the Hearings tab can say before a
    download what the packet's fonts lack (pdffonts.unprintable). Everything else the packet prints is
    Casework's own text, dates and counts. test_packet checks it against what render() finds."""
    today = today or timezone.localdate()
    s = case.student
    owner = case.owner.get_full_name() or case.owner.username if case.owner else ""
    words = [s.legal_name, s.district_id, s.state_id or "", s.get_grade_display(), case.number,
             case.get_case_type_display(), owner, user.get_full_name() or user.username,
             getattr(user, "title", "") or ""]
    # The school year of today, not of the stored indicators' date (default_as_of reads the whole attendance
    # table): they differ only between the end of one year's records and today's, in the summer.
    words += _schools(case, user, today).values()
    for g in _guardians(case, user):
        words += [g["name"], g["relationship"], g["address"], g["phone"], g["language"]]
    for entry in history(case, user):
        words += [entry.what, entry.text]
    for plan in Plan.objects.for_user(user, "case.work").filter(case=case):
        words += [plan.title, plan.get_status_display()]
    for goal in Goal.objects.for_user(user, "case.work").filter(plan__case=case):
        words += [goal.text, goal.unit]
    return "\n".join(w for w in words if w)
