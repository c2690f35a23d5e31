"""The student's attendance tab: calendar, running rate, discipline, course grades, programs and each flag's
explanation, computed on the fly for this one student (the stored indicators may be a night old; a PPW on
the phone with a parent needs today's count)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from casework.attendance import calendar_view
from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.calendars import schooldays
from casework.calendars.choices import CalendarSource
from casework.core import charts, policy
from casework.core.dates import ISO_DAY
from casework.discipline.models import Action
from casework.grades.models import CourseGrade
from casework.indicators.inputs import IndicatorError, indicators_as_of, school_year_bounds
from casework.indicators.models import Flags, StudentIndicator
from casework.indicators.services import default_as_of
from casework.programs.models import ProgramParticipation
from casework.rules import engine
from casework.rules.selectors import ruleset_in_force

from .models import Enrollment, Student
from .views import StudentDetailView

FLAG_LABELS = dict(Flags.choices)
CALENDAR_LABELS = dict(CalendarSource.choices) | {
    schooldays.MIXED: "Mixed (some sessions list every school day, others give day counts)",
    schooldays.NONE: "No calendar",
}
PERIOD_FLAGS = ("chronic_absent", "habitual_truant", "truant_7_302_2", "abc_attendance", "abc_behavior")


@dataclass(frozen=True)
class SchoolAttendance:
    """One school's part of the tab (a student who moved has one per school)."""

    school_id: int
    school_name: str
    error: str = ""
    calendar_method: str = ""  # schooldays' method code; calendar_label is what the page shows
    calendar_label: str = ""
    months: tuple = ()
    chart: str = ""
    weeks: tuple = ()
    year_to_date: engine.PeriodIndicators | None = None
    band_label: str = ""
    rate_text: str = "—"
    flags: tuple = ()  # (label, Flag) student-level
    periods: tuple = ()  # (PeriodIndicators, [(label, Flag | None)])
    notes: tuple = ()


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def parse_as_of(raw: str | None, default: datetime.date, today: datetime.date) -> tuple[datetime.date, str]:
    """The date asked for, or `default` with a message saying why and which date is shown instead. Never
    after today: the days after it have no attendance yet, and the engine would count them as present."""
    default = min(default, today)
    if not raw:
        return default, ""
    instead = f"showing attendance as of {default:%m/%d/%Y}."
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        if ISO_DAY.fullmatch(raw):
            return default, f"{raw} is not a date that exists (check the month and day); {instead}"
        return default, f"“{raw[:20]}” is not a date written YYYY-MM-DD; {instead}"
    if not 1901 <= day.year <= 9998:  # the school year around it must exist (1 July to 30 June)
        return default, f"{raw[:20]} is outside any school year; {instead}"
    if day > today:
        return today, f"Attendance is known up to today; showing as of {today:%m/%d/%Y}."
    return day, ""


def rate_chart(weeks: list[calendar_view.WeekRate], goal: float, school_pk: int) -> str:
    values = [w.rate * 100 for w in weeks]
    y_min = 50 if values and min(values) >= 50 else 0
    ticks = [y_min + (100 - y_min) * i / 4 for i in range(5)]
    return charts.responsive(
        charts.line_chart, chart_id=f"rate-{school_pk}", title="Running attendance rate by week",
        desc=f"Attendance rate from the first day enrolled through the end of each week, with the {goal:g}% line. "
             "The table below gives the same figures.",
        series=[charts.Series("Attendance rate", [(w.through, v) for w, v in zip(weeks, values, strict=True)])],
        y_min=y_min, y_max=100, y_ticks=ticks, y_format=lambda v: f"{v:g}%", goal=goal, goal_label=f"{goal:g}%")


def school_attendance(*, school_id: int, school_name: str, student_pk: int, as_of: datetime.date) -> SchoolAttendance:
    try:
        inputs, rows = indicators_as_of(as_of=as_of, school_ids=[school_id], student_ids=[student_pk])
    except IndicatorError as exc:
        return SchoolAttendance(school_id, school_name, error=str(exc))
    if not rows:
        return SchoolAttendance(school_id, school_name, error="Not enrolled at this school by this date.")
    row, pair = rows[0], inputs.students[0]
    result = row.result
    cal = inputs.calendars[school_id]
    months = calendar_view.month_grids(school_days=cal.days, enrollments=pair.enrollments, days=result.days,
                                       as_of=as_of)
    weeks = calendar_view.running_rate_by_week(result.days)
    goal = float(inputs.rules.abc_attendance_rate_below) * 100
    bands = {b.name: b.label for b in inputs.rules.bands}
    periods = tuple(
        (p, [(FLAG_LABELS[name], getattr(p, name)) for name in PERIOD_FLAGS])
        for p in (*result.periods, result.year_to_date)
    )
    return SchoolAttendance(
        school_id, school_name, calendar_method=row.calendar_method,
        calendar_label=CALENDAR_LABELS.get(row.calendar_method, row.calendar_method), months=tuple(months),
        chart=rate_chart(weeks, goal, school_id), weeks=tuple((w, percent(w.rate)) for w in weeks),
        year_to_date=result.year_to_date, band_label=bands.get(result.year_to_date.band or "", ""),
        rate_text=percent(result.year_to_date.attendance_rate),
        flags=tuple((FLAG_LABELS[name], fl) for name, fl in result.flags.items()),
        periods=periods, notes=tuple(row.notes) + tuple(result.ignored))


class StudentAttendanceView(StudentDetailView):
    action = "attendance.view"
    tab = "attendance"

    def get_student(self, request, pk):
        try:
            student = Student.objects.for_user(request.user, "student.view").get(pk=pk)
        except Student.DoesNotExist:
            raise Http404 from None
        if not policy.can(request.user, self.action, student):
            raise Http404
        return student

    def default_as_of(self, request, student) -> datetime.date:
        """The date the lists show this student as of (the stored snapshot's), so the tab and the
        early-warning list agree; without a snapshot, today or the last day attendance was recorded."""
        stored = (StudentIndicator.objects.for_user(request.user, "indicators.view").filter(student=student)
                  .aggregate(latest=Max("as_of"))["latest"])
        return stored or default_as_of()

    @staticmethod
    def grades(request, student, as_of: datetime.date, year_end: datetime.date) -> list | None:
        """The year's course grades, each with whether the rule set in force on `as_of` calls it failing and
        the day it counts from; None for a user who does not read grades."""
        if not policy.has_action(request.user, "grades.view"):
            return None
        try:
            rules = ruleset_in_force(as_of).rules()
        except ImproperlyConfigured:
            rules = None
        rows = (CourseGrade.objects.for_user(request.user, "grades.view")
                .filter(student=student, grading_period__school_year=year_end.year)
                .select_related("school", "grading_period").order_by("course_code", "grading_period__begin", "id"))
        return [(g, rules is not None and engine.course_failing(rules, g.letter_grade, g.numeric_grade), g.given_on())
                for g in rows]

    def get(self, request, pk: int):
        student = self.get_student(request, pk)
        as_of, as_of_error = parse_as_of(request.GET.get("as_of"), self.default_as_of(request, student),
                                        timezone.localdate())
        audit.log_access(actor=request.user, student=student, action=AccessLog.Action.VIEW,
                         purpose=request.GET.get("purpose", ""), detail=self.tab)
        year_start, year_end = school_year_bounds(as_of)
        # Only the schools whose attendance this user reads (a PPW: their schools).
        reach = policy.school_ids_for(request.user, self.action)
        enrollments = (Enrollment.objects.for_user(request.user, self.action)
                       .filter(student=student, entry_date__lte=min(as_of, year_end))
                       .exclude(exit_date__lt=year_start).select_related("school").order_by("entry_date"))
        schools: dict[int, str] = {}
        for e in enrollments:
            if reach is None or e.school_id in reach:
                schools.setdefault(e.school_id, e.school.name)
        sections = [school_attendance(school_id=sid, school_name=name, student_pk=student.pk, as_of=as_of)
                    for sid, name in schools.items()]
        actions = (Action.objects.for_user(request.user, "discipline.view")
                   .filter(student=student, start_date__gte=year_start, start_date__lte=year_end)
                   .select_related("school").order_by("start_date", "id"))
        grades = self.grades(request, student, as_of, year_end)
        programs = (ProgramParticipation.objects.for_user(request.user, "programs.view")
                    .filter(student=student).order_by("-begin", "kind"))
        ctx = self.context(request, student) | {
            "show_identity": True,  # this tab is a logged opening of the record, like the profile
            "as_of": as_of, "as_of_error": as_of_error, "year_start": year_start, "year_end": year_end,
            "sections": sections, "legend": calendar_view.LEGEND, "weekdays": calendar_view.WEEKDAY_HEADERS,
            "actions": actions if policy.has_action(request.user, "discipline.view") else None,
            "grades": grades,
            "programs": [(p, p.is_active_on(as_of)) for p in programs]
            if policy.has_action(request.user, "programs.view") else None,
        }
        return render(request, "students/attendance.html", ctx)
