"""Writes a planned synthetic district into the database.

Students, families and enrollments are bulk-inserted in one transaction (a district is about a million
rows; see `bulk` for why not `bulk_create`). Bulk inserts bypass the services, so this module fills the
derived `search_text` itself (with `Student.refresh_search_text`) and writes one summary change record
per model instead of one per row. Schools go in with `bulk_create`. Staff accounts are few and go
through the account services like any other write.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from casework.accounts.models import User
from casework.accounts.services import role_assign, user_create
from casework.attendance.models import AttendanceEvent
from casework.audit.services import record_bulk
from casework.calendars.models import CalendarDate, GradingPeriod, Session
from casework.core.bulk import BulkTable
from casework.core.context import Source, audit_context
from casework.discipline.models import Action, Incident
from casework.grades.models import CourseGrade
from casework.indicators.models import FlagCrossing, StudentIndicator
from casework.indicators.services import indicators_recompute
from casework.programs.models import ProgramParticipation
from casework.schools.models import School
from casework.students.models import Enrollment, Guardian, Household, HouseholdAddress, Student, StudentGuardian

from .attendance_plan import student_year
from .calendar_plan import plan_calendars
from .families import plan_households
from .grades_plan import student_grades
from .plan import AS_OF, FIRST_DAY, SCHOOL_YEAR, HouseholdPlan, Scale, StudentPlan, plan_layout, plan_staff
from .year_writer import YearTables, write_calendars

CHUNK_HOUSEHOLDS = 2_000  # households generated and inserted per step

Progress = Callable[[int, int, float], None]  # (students written, students planned, seconds)


class SeedRefused(Exception):
    """The database is not empty; the seed only fills an empty one."""


@dataclass
class Summary:
    scale: str
    seed: int
    schools: Counter = field(default_factory=Counter)
    households: int = 0
    addresses: int = 0
    students: int = 0
    guardians: int = 0
    links: int = 0
    enrollments: int = 0
    staff: Counter = field(default_factory=Counter)
    year: Counter = field(default_factory=Counter)  # calendars, attendance events, discipline, programs, grades
    seconds: float = 0.0
    recompute_seconds: float = 0.0
    indicators: int = 0

    def lines(self) -> list[str]:
        levels = ", ".join(f"{n} {level}" for level, n in sorted(self.schools.items(), key=lambda kv: -kv[1]))
        staff = ", ".join(f"{n} {role}" for role, n in sorted(self.staff.items(), key=lambda kv: -kv[1]))
        return [
            f"Synthetic district ({self.scale} scale, seed {self.seed}, school year {SCHOOL_YEAR}):",
            f"  schools      {sum(self.schools.values()):>9,}  ({levels})",
            f"  students     {self.students:>9,}",
            f"  guardians    {self.guardians:>9,}  ({self.links:,} student links)",
            f"  households   {self.households:>9,}  ({self.addresses:,} addresses)",
            f"  enrollments  {self.enrollments:>9,}",
            f"  staff        {sum(self.staff.values()):>9,}  ({staff})",
            f"  calendars    {self.year['sessions']:>9,} sessions, {self.year['grading_periods']:,} grading periods, "
            f"{self.year['calendar_dates']:,} listed dates",
            f"  attendance   {self.year['events']:>9,} events (by exception, through the snapshot)",
            f"  discipline   {self.year['actions']:>9,} actions ({self.year['incidents']:,} incidents)",
            f"  programs     {self.year['programs']:>9,} participations",
            f"  grades       {self.year['grades']:>9,} course grades (grades 06-12, through the snapshot)",
            f"  indicators   {self.indicators:>9,} student x school results "
            + (f"(recomputed in {self.recompute_seconds:.1f} s)" if self.recompute_seconds else "(not recomputed)"),
            f"  took {self.seconds:.1f} s",
        ]


def check_empty() -> None:
    for model in (Student, School):
        count = model._default_manager.count()
        if count:
            noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            raise SeedRefused(f"the database already has {count:,} {noun}; seed an empty database")


def seed_database(*, scale: Scale, seed: int, as_of: date = AS_OF, progress: Progress | None = None,
                  recompute: bool = True, grades: bool = True) -> Summary:
    """Plan and write a whole district in one transaction (course grades unless `grades` is false), then
    recompute every indicator as of `as_of`. Refuses a database that has students."""
    started = time.monotonic()
    summary = Summary(scale=scale.name, seed=seed)
    with audit_context(source=Source.SEED), transaction.atomic():
        check_empty()
        layout = plan_layout(scale, seed)
        schools = School.objects.bulk_create(
            [School(code=s.code, name=s.name, level=s.level, street=s.street, city=s.city,
                    postal_code=s.postal_code, phone=s.phone) for s in layout.schools]
        )
        school_ids = {s.code: s.pk for s in schools}
        summary.schools.update(s.level for s in layout.schools)

        taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
        by_code = {s.code: s for s in schools}
        for person in plan_staff(layout, scale, seed, taken=taken):
            user = user_create(actor=None, username=person.username, password=None, first_name=person.first_name,
                               last_name=person.last_name, email=f"{person.username}@schools.example.org",
                               title=person.title)
            role_assign(actor=None, user=user, role=person.role, schools=[by_code[c] for c in person.schools])
            summary.staff[person.role] += 1

        tables = _Tables()
        calendars = plan_calendars(layout, seed)
        counts, period_ids = write_calendars(calendars, school_ids, tables.now)
        summary.year.update(counts)
        year = _Year(YearTables(tables.now), calendars, period_ids, seed, as_of, grades=grades)
        chunk: list[HouseholdPlan] = []
        for household in plan_households(layout, scale, seed, as_of):
            chunk.append(household)
            if len(chunk) >= CHUNK_HOUSEHOLDS:
                _write(chunk, tables, school_ids, summary, year)
                chunk = []
                if progress:
                    progress(summary.students, scale.students, time.monotonic() - started)
        if chunk:
            _write(chunk, tables, school_ids, summary, year)
            if progress:
                progress(summary.students, scale.students, time.monotonic() - started)

        note = f"Synthetic seed, {scale.name} scale, seed {seed}"
        for model, count in [(School, len(schools)), (Household, summary.households),
                             (HouseholdAddress, summary.addresses), (Student, summary.students),
                             (Guardian, summary.guardians), (StudentGuardian, summary.links),
                             (Enrollment, summary.enrollments), (Session, summary.year["sessions"]),
                             (GradingPeriod, summary.year["grading_periods"]),
                             (CalendarDate, summary.year["calendar_dates"]),
                             (AttendanceEvent, year.tables.counts["events"]),
                             (Incident, year.tables.counts["incidents"]), (Action, year.tables.counts["actions"]),
                             (ProgramParticipation, year.tables.counts["programs"]),
                             (CourseGrade, year.tables.counts["grades"])]:
            record_bulk(actor=None, model=model, summary=f"{note}: {count:,} {model._meta.verbose_name_plural}")
        summary.year.update(year.tables.counts)
    _analyze()
    # After the commit of every row the indicators read, grades included (the course-failure flag).
    if recompute:
        recompute_indicators(summary, as_of)
    summary.seconds = time.monotonic() - started
    return summary


# Up to this many students, the seed also recomputes every Friday since the first day of school, as a
# district that recomputes weekly would have: the worklist's crossings then carry the week each flag
# was first raised, and the dashboard has a trend. Above it (the district scale), only the snapshot.
WEEKLY_HISTORY_UP_TO = 20_000


def recompute_indicators(summary: Summary, as_of: date = AS_OF) -> None:
    """Every indicator as of the snapshot, so the demo shows flags at once."""
    begun = time.monotonic()
    with audit_context(source=Source.SEED):
        if summary.students <= WEEKLY_HISTORY_UP_TO:
            friday = FIRST_DAY + timedelta(days=(4 - FIRST_DAY.weekday()) % 7 + 7)  # the second Friday
            while friday < as_of:
                indicators_recompute(as_of=friday)
                friday += timedelta(days=7)
        summary.indicators = indicators_recompute(as_of=as_of).pairs
    if connection.vendor == "postgresql":
        # The statistics _analyze took predate these rows; with autovacuum off (or before it wakes) the
        # district worklist planned without them took 4-11 s instead of 0.3-0.6 s.
        with connection.cursor() as cursor:
            for model in (StudentIndicator, FlagCrossing):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    summary.recompute_seconds = time.monotonic() - begun
    summary.seconds += summary.recompute_seconds


class _Year:
    """Each student's planned year and course grades, cut at the snapshot, written right after the chunk's
    students."""

    def __init__(self, tables: YearTables, calendars, period_ids: dict[tuple[str, str], int], seed: int,
                 as_of: date, *, grades: bool = True):
        self.tables, self.calendars, self.period_ids, self.seed, self.as_of = tables, calendars, period_ids, seed, as_of
        self.grades = grades

    def write(self, chunk: list[HouseholdPlan], student_ids: list[int], school_ids: dict[str, int]) -> None:
        ids = iter(student_ids)
        years = []
        for h in chunk:
            for s in h.students:
                year = student_year(s, h, self.calendars, self.seed).through(self.as_of)
                grades = student_grades(s, year, self.calendars, self.seed, through=self.as_of,
                                        snapshot=self.as_of) if self.grades else []
                years.append((next(ids), year, grades))
        self.tables.write(years, school_ids, self.period_ids)


class _Tables:
    """One BulkTable per model, all stamped with the same creation time."""

    def __init__(self):
        now = self.now = timezone.now()
        self.household = BulkTable(Household, ["label", "phone"], now=now)
        self.address = BulkTable(HouseholdAddress, [
            "household_id", "address_type", "street", "unit", "city", "postal_code", "start_date", "end_date",
            "verified_on"], now=now)
        self.guardian = BulkTable(Guardian, [
            "first_name", "last_name", "household_id", "phone", "alt_phone", "email", "preferred_language",
            "needs_interpreter"], now=now)
        self.student = BulkTable(Student, [
            "district_id", "state_id", "first_name", "middle_name", "last_name", "suffix", "preferred_name",
            "date_of_birth", "sex", "grade", "home_language", "has_iep", "has_504", "english_learner", "homeless",
            "household_id", "search_text"], now=now)
        self.link = BulkTable(StudentGuardian, [
            "student_id", "guardian_id", "relationship", "has_custody", "lives_with", "emergency_contact",
            "receives_mail", "contact_order", "no_contact"], now=now)
        self.enrollment = BulkTable(Enrollment, [
            "student_id", "school_id", "entry_date", "exit_date", "grade", "entry_code", "exit_code"], now=now)


def search_text_of(s: StudentPlan) -> str:
    """The model's own derivation, applied to a planned student (bulk inserts skip the services)."""
    student = Student(first_name=s.first_name, middle_name=s.middle_name, last_name=s.last_name,
                      preferred_name=s.preferred_name, district_id=s.district_id)
    student.refresh_search_text()
    return student.search_text


def _write(chunk: list[HouseholdPlan], tables: _Tables, school_ids: dict[str, int], summary: Summary,
           year: _Year) -> None:
    household_ids = tables.household.insert([(h.label, h.phone) for h in chunk])

    addresses: list[tuple] = []
    guardians: list[tuple] = []
    students: list[tuple] = []
    for plan, hid in zip(chunk, household_ids, strict=True):
        for a in plan.addresses:
            addresses.append((hid, a.address_type, a.street, a.unit, a.city, a.postal_code, a.start_date,
                              a.end_date, a.verified_on))
        for g in plan.guardians:
            guardians.append((g.first_name, g.last_name, hid if g.in_household else None, g.phone, g.alt_phone,
                              g.email, g.preferred_language, g.needs_interpreter))
        for s in plan.students:
            students.append((s.district_id, s.state_id, s.first_name, s.middle_name, s.last_name, s.suffix,
                             s.preferred_name, s.date_of_birth, s.sex, s.grade, s.home_language, s.has_iep,
                             s.has_504, s.english_learner, s.homeless, hid, search_text_of(s)))
    tables.address.insert(addresses)
    guardian_ids = iter(tables.guardian.insert(guardians))
    inserted = tables.student.insert(students)
    student_ids = iter(inserted)

    links: list[tuple] = []
    enrollments: list[tuple] = []
    for plan in chunk:
        gids = [next(guardian_ids) for _ in plan.guardians]
        for s in plan.students:
            sid = next(student_ids)
            for k in s.links:
                links.append((sid, gids[k.guardian], k.relationship, k.has_custody, k.lives_with,
                              k.emergency_contact, k.receives_mail, k.contact_order, k.no_contact))
            for e in s.enrollments:
                enrollments.append((sid, school_ids[e.school], e.entry_date, e.exit_date, e.grade, e.entry_code,
                                    e.exit_code))
    tables.link.insert(links)
    tables.enrollment.insert(enrollments)
    year.write(chunk, inserted, school_ids)

    summary.households += len(household_ids)
    summary.addresses += len(addresses)
    summary.guardians += len(guardians)
    summary.students += len(students)
    summary.links += len(links)
    summary.enrollments += len(enrollments)


def _analyze() -> None:
    """Fresh planner statistics: right after a bulk load they are missing or stale on both databases."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Student, Enrollment, Guardian, StudentGuardian, Household, HouseholdAddress, School,
                          AttendanceEvent, CalendarDate, Session, GradingPeriod, Incident, Action,
                          ProgramParticipation, CourseGrade):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
