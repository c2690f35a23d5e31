"""Course grades for the middle and high school students (grades 06-12), as plain data.

Each student's grades come from the student's own random stream (`casework-seed:{seed}:grades:{district_id}`),
drawn for the whole year in a fixed order whatever the cut, so the grades through the snapshot are the same
whether an export stops there or runs on to June (`--through`), and the writer and the exporters agree.

What a student takes: four core courses for the grade (English, mathematics, science, social studies; some
students a year ahead in mathematics) and 0-3 electives, the same courses all year, one section each. What
they earn: a standing per course (the student's ability, the course's difficulty for them) lowered by the
share of school days the student has missed so far in the year, from the seed's own attendance plan, so the
students the seed makes chronically absent fail more often (about 5% of students missing under 5% of days
fail a course in the first quarter, about 40% of those missing 20% or more). Numbers and letters follow the
common Maryland scale: A 90-100, B 80-89, C 70-79, D 60-69, E below 60 (E, not F, for failing), with no
grade below 40.

Which grades exist: a "Grading Period" grade for every grading period that has ended, at the school where
the student is enrolled on its last day, once enrolled there for at least 10 school days (a semester's grade
is the mean of its quarters' standing); and, for the grading period in progress on the snapshot, a
"Progress Report" grade (CurrentGradeAsOfDate a few school days before the snapshot) in about half the
courses, as teachers post interim grades.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from .attendance_plan import StudentYear
from .calendar_plan import CalendarPlan, GradingPeriodPlan, SessionPlan
from .plan import AS_OF, StudentPlan

GRADED = frozenset({"06", "07", "08", "09", "10", "11", "12"})
PERIOD_GRADE = "Grading Period"  # Ed-Fi GradeTypeDescriptor code values
PROGRESS_REPORT = "Progress Report"
PROGRESS_SCHOOL_DAYS_BEFORE = 3  # the interim grades' as-of date: this many school days before the snapshot
PROGRESS_SHARE = 0.55  # of a student's courses, a progress grade posted
MIN_SCHOOL_DAYS = 10  # at the school, before its teachers grade a newcomer
LOWEST = 40
ABILITY = (87.0, 9.5)  # mean and spread of a student's standing before absences
ABSENT = frozenset({"excused", "unexcused", "out_of_school_suspension"})
# How far a course's standing drops with the share of days missed so far: steeply at first, then less
# (a student missing half the days is failing most courses either way).
ABSENCE_DROP = 28.0

# (code, title); a core slot with several options takes one by weight (a year ahead in mathematics).
Course = tuple[str, str]
CORE: dict[str, list[list[tuple[Course, int]]]] = {
    "06": [[(("ENG6", "English 6"), 1)], [(("MATH6", "Mathematics 6"), 1)], [(("SCI6", "Science 6"), 1)],
           [(("SS6", "World Cultures 6"), 1)]],
    "07": [[(("ENG7", "English 7"), 1)], [(("MATH7", "Mathematics 7"), 75), (("PALG", "Pre-Algebra"), 25)],
           [(("SCI7", "Science 7"), 1)], [(("SS7", "World History 7"), 1)]],
    "08": [[(("ENG8", "English 8"), 1)], [(("MATH8", "Mathematics 8"), 70), (("ALG1", "Algebra I"), 30)],
           [(("SCI8", "Science 8"), 1)], [(("USH8", "U.S. History 8"), 1)]],
    "09": [[(("ENG9", "English 9"), 1)], [(("ALG1", "Algebra I"), 70), (("GEOM", "Geometry"), 30)],
           [(("BIO", "Biology"), 1)], [(("USH", "U.S. History"), 1)]],
    "10": [[(("ENG10", "English 10"), 1)], [(("GEOM", "Geometry"), 70), (("ALG2", "Algebra II"), 30)],
           [(("CHEM", "Chemistry"), 60), (("ESS", "Earth and Space Science"), 40)],
           [(("GOV", "American Government"), 1)]],
    "11": [[(("ENG11", "English 11"), 1)], [(("ALG2", "Algebra II"), 65), (("PREC", "Precalculus"), 35)],
           [(("PHYS", "Physics"), 45), (("ENVS", "Environmental Science"), 55)],
           [(("WH", "Modern World History"), 1)]],
    "12": [[(("ENG12", "English 12"), 1)],
           [(("STAT", "Statistics"), 45), (("PREC", "Precalculus"), 35), (("CALC", "AP Calculus AB"), 20)],
           [(("ANAT", "Anatomy and Physiology"), 1)], [(("ECON", "Economics"), 55), (("PSYC", "Psychology"), 45)]],
}
_MIDDLE_ELECTIVES: list[Course] = [("ART", "Art"), ("MUSG", "General Music"), ("BAND", "Band"), ("CHOR", "Chorus"),
                                   ("SPAN1", "Spanish I"), ("TECH", "Technology Education"),
                                   ("FACS", "Family and Consumer Sciences"), ("HLTH", "Health")]
_HIGH_ELECTIVES: list[Course] = [("HLTH", "Health Education"), ("SPAN1", "Spanish I"), ("SPAN2", "Spanish II"),
                                 ("FREN1", "French I"), ("ART1", "Art I"), ("BAND", "Concert Band"),
                                 ("CHOR", "Chorus"), ("CSP", "Computer Science Principles"),
                                 ("FIN", "Personal Finance"), ("ENGR", "Introduction to Engineering Design")]
ELECTIVES: dict[str, list[Course]] = {
    **{g: [(f"PE{int(g)}", f"Physical Education {int(g)}"), *_MIDDLE_ELECTIVES] for g in ("06", "07", "08")},
    **{g: [("PE", "Physical Education"), *_HIGH_ELECTIVES] for g in ("09", "10")},
    **{g: list(_HIGH_ELECTIVES) for g in ("11", "12")},
}
ELECTIVE_COUNT = [0, 1, 2, 3]
ELECTIVE_WEIGHTS = [10, 25, 40, 25]


def letter(numeric: int) -> str:
    return "A" if numeric >= 90 else "B" if numeric >= 80 else "C" if numeric >= 70 else "D" if numeric >= 60 else "E"


@dataclass(slots=True)
class GradePlan:
    school: str
    period: GradingPeriodPlan
    session: SessionPlan  # the session the section meets in (Ed-Fi StudentSectionAssociation)
    section_begin: date  # the student's first day in the section
    course_code: str
    course_title: str
    section_id: str
    grade_type: str
    numeric: int
    as_of_date: date | None  # a progress report's; a grading period's grade counts from the period's end

    @property
    def letter(self) -> str:
        return letter(self.numeric)

    @property
    def given_on(self) -> date:
        return self.as_of_date or self.period.end


def absence_drop(share: float) -> float:
    """Points off every course's standing: 0.03 -> 4.8, 0.1 -> 8.9, 0.2 -> 12.5, 0.4 -> 17.7."""
    return ABSENCE_DROP * share ** 0.5


def progress_date(cal: CalendarPlan, snapshot: date) -> date | None:
    """The interim grades' as-of date: PROGRESS_SCHOOL_DAYS_BEFORE school days before the snapshot."""
    i = bisect_right(cal.days, snapshot) - 1 - PROGRESS_SCHOOL_DAYS_BEFORE
    return cal.days[i] if i >= 0 else None


def _normal(rng: random.Random, mean: float, spread: float) -> float:
    """About normal (the sum of three uniforms: no tail past three spreads), at a tenth of `gauss`'s cost;
    a district draws a few million."""
    return mean + (rng.random() + rng.random() + rng.random() - 1.5) * 2.0 * spread


@dataclass(frozen=True, slots=True)
class _Periods:
    """A calendar's grading periods: which are made of others (a semester of its quarters), and each one's
    session."""

    periods: list[GradingPeriodPlan]
    inner: list[list[int]]  # per period, the indexes of the periods inside it (empty: graded on its own)
    sessions: list[SessionPlan]


_STRUCTURE: dict[int, tuple[list[GradingPeriodPlan], _Periods]] = {}


def _structure(cal: CalendarPlan) -> _Periods:
    cached = _STRUCTURE.get(id(cal.periods))
    if cached is not None and cached[0] is cal.periods:
        return cached[1]
    periods = cal.periods
    inner = [[j for j, q in enumerate(periods) if q is not p and p.begin <= q.begin and q.end <= p.end]
             for p in periods]
    sessions = []
    for p in periods:
        session = next((s for s in cal.sessions if s.begin <= p.begin and p.end <= s.end), None)
        sessions.append(session or next(s for s in cal.sessions if s.begin <= p.begin <= s.end))
    structure = _Periods(periods, inner, sessions)
    _STRUCTURE[id(periods)] = (periods, structure)
    return structure


class _Attendance:
    """Share of the days enrolled so far that the student missed (a half day counts half), any school."""

    def __init__(self, student: StudentPlan, year: StudentYear, calendars: dict[str, CalendarPlan]):
        absences = sorted((e.day, float(e.event_duration or 1)) for e in year.events if e.category in ABSENT)
        self.days = [d for d, _ in absences]
        self.cumulative = []
        total = 0.0
        for _, weight in absences:
            total += weight
            self.cumulative.append(total)
        self.spans = [(calendars[e.school].days, e.entry_date, e.exit_date) for e in student.enrollments]

    def missed_share(self, day: date) -> float:
        enrolled = 0
        for days, entry, exit_ in self.spans:
            last = day if exit_ is None or exit_ > day else exit_
            if last >= entry:
                enrolled += bisect_right(days, last) - bisect_left(days, entry)
        if not enrolled:
            return 0.0
        i = bisect_right(self.days, day)
        return (self.cumulative[i - 1] if i else 0.0) / enrolled


def _enrollment_on(student: StudentPlan, calendars: dict[str, CalendarPlan], day: date):
    """The enrollment (grade 06-12) covering `day` with at least MIN_SCHOOL_DAYS school days there by then."""
    for e in student.enrollments:
        if e.entry_date <= day and (e.exit_date is None or day <= e.exit_date) and e.grade in GRADED:
            days = calendars[e.school].days
            if bisect_right(days, day) - bisect_left(days, e.entry_date) >= MIN_SCHOOL_DAYS:
                return e
    return None


_CORE_CUM = {g: [([c for c, _ in slot], list(accumulate(w for _, w in slot))) for slot in slots]
             for g, slots in CORE.items()}
_ELECTIVE_CUM = list(accumulate(ELECTIVE_WEIGHTS))


def student_grades(student: StudentPlan, year: StudentYear, calendars: dict[str, CalendarPlan], seed: int, *,
                   through: date, snapshot: date = AS_OF) -> list[GradePlan]:
    """The student's grades given on or before `through`: every ended grading period's, and progress reports
    for the period in progress on `snapshot`. `year` must hold the student's events through `through`."""
    graded = [e for e in student.enrollments if e.grade in GRADED]
    if not graded:
        return []
    rng = random.Random(f"casework-seed:{seed}:grades:{student.district_id}")
    # Everything is drawn up front in one order, whatever is emitted: the cut changes nothing drawn.
    grade = max(graded, key=lambda e: e.entry_date).grade
    ability = _normal(rng, *ABILITY) - (2.0 if grade == "09" else 0.0)  # the ninth-grade dip
    courses: list[Course] = [rng.choices(options, cum_weights=cum)[0] for options, cum in _CORE_CUM[grade]]
    courses += rng.sample(ELECTIVES[grade], rng.choices(ELECTIVE_COUNT, cum_weights=_ELECTIVE_CUM)[0])
    standing = [ability + (_normal(rng, -1.0, 5.0) if i < len(CORE[grade]) else _normal(rng, 4.0, 4.0))
                for i in range(len(courses))]
    sections = [f"{code}-{rng.randrange(1, 8):02d}" for code, _ in courses]
    # One district calendar: every school has the same periods (calendar_plan).
    first = calendars[min(graded, key=lambda e: e.entry_date).school]
    structure = _structure(first)
    periods = structure.periods
    r = rng.random  # _normal(rng, 0, 4) inlined: the most frequent draw
    noise = [[(r() + r() + r() - 1.5) * 8.0 for _ in courses] if not inner else None
             for inner in structure.inner]
    progress_noise = [_normal(rng, 0.0, 6.0) for _ in courses]
    posted = [rng.random() < PROGRESS_SHARE for _ in courses]

    attendance = _Attendance(student, year, calendars)
    raw: list[list[float] | None] = [None] * len(periods)

    def standing_at(i: int) -> list[float]:
        if raw[i] is None:
            if structure.inner[i]:  # a semester: the mean of its quarters
                inner = [standing_at(j) for j in structure.inner[i]]
                raw[i] = [sum(values) / len(values) for values in zip(*inner, strict=True)]
            else:
                drop = absence_drop(attendance.missed_share(periods[i].end))
                raw[i] = [s - drop + n for s, n in zip(standing, noise[i], strict=True)]
        return raw[i]

    out: list[GradePlan] = []

    def emit(day: date, i: int, values: list[float], grade_type: str, as_of: date | None,
             only: list[bool] | None = None) -> None:
        enrollment = _enrollment_on(student, calendars, day)
        if enrollment is None:
            return
        p, session = periods[i], structure.sessions[i]
        begin = max(enrollment.entry_date, session.begin)
        for k, ((code, title), value) in enumerate(zip(courses, values, strict=True)):
            if only is None or only[k]:
                out.append(GradePlan(enrollment.school, p, session, begin, code, title, sections[k], grade_type,
                                     max(LOWEST, min(100, round(value))), as_of))

    for i, p in enumerate(periods):
        if p.end <= through:
            emit(p.end, i, standing_at(i), PERIOD_GRADE, None)
    interim = progress_date(first, snapshot)
    current = [i for i, p in enumerate(periods) if p.begin <= snapshot <= p.end]
    if current and interim is not None and interim <= through:
        i = min(current, key=lambda j: periods[j].end - periods[j].begin)  # the quarter, not its semester
        if periods[i].begin <= interim:
            drop = absence_drop(attendance.missed_share(interim))
            values = [s - drop + n for s, n in zip(standing, progress_noise, strict=True)]
            emit(interim, i, values, PROGRESS_REPORT, interim, posted)
    out.sort(key=lambda g: (g.given_on, g.grade_type, g.course_code))
    return out
