"""The director's dashboard: summaries read through the policy, grouped by school, grade and date, with
small cells suppressed so a printed or exported table cannot single out a child.

Suppression (the same on the page, in the charts and in the CSV):
- a count of 1 to 4 students is shown as "*" and its rate is withheld ("—");
- a group (school, grade, district) with 1 to 4 students counted shows "*" for every count;
- where only one school (or one grade) of a column would be hidden, the next smallest count of that
  column is hidden too, with its rate, so the total minus the shown rows cannot give the hidden one
  (complementary suppression); a hidden "students counted" withholds that row's rates.
Zero is shown: it names nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from casework.schools.models import School
from casework.students.choices import Grade

from .models import SchoolGradeSummary

SMALL_CELL = 5
# One marker for every hidden count: a count of 1 to 4, and the one hidden with it so that it cannot be
# worked out from the total. Two markers would say which is which, and the total would then give the
# small one away; "<5" on both would tell a reader that a school with 31 has fewer than 5.
SUPPRESSED = "*"
WITHHELD = "—"
NOTE_HIDDEN = "not shown: a small group, or one that would reveal it"  # a chart's note for a bar left out
ACTION = "reports.district"
MEASURES = ("students", "counted", "chronic", "habitual", "truant")


@dataclass
class Group:
    """Summed summaries of one school, grade, or the whole selection."""

    key: str
    label: str
    level: str = ""
    students: int = 0
    counted: int = 0
    chronic: int = 0
    habitual: int = 0
    truant: int = 0
    rate_sum: float = 0.0  # mean rate x students counted, summed (to weight schools by size)
    bands: dict[str, int] = field(default_factory=dict)
    complement: set[str] = field(default_factory=set)  # measures hidden so a hidden sibling stays hidden

    def add(self, s: SchoolGradeSummary) -> None:
        self.students += s.students
        self.counted += s.students_counted
        self.chronic += s.chronic
        self.habitual += s.habitual
        self.truant += s.truant_7_302_2
        self.rate_sum += (s.mean_attendance_rate or 0.0) * s.students_counted
        for band, n in (s.bands or {}).items():
            self.bands[band] = self.bands.get(band, 0) + n

    @property
    def small(self) -> bool:
        return 0 < self.counted < SMALL_CELL

    def shown(self, n: int) -> bool:
        """Whether an exact count of this group (a band's) and its rate may be shown."""
        return not self.small and not 0 < n < SMALL_CELL

    def rate(self, n: int) -> float | None:
        """n over students counted, 0-1; None when withheld or nobody is counted."""
        return n / self.counted if self.counted and self.shown(n) and not self.hidden("counted") else None

    def rate_text(self, n: int) -> str:
        r = self.rate(n)
        return WITHHELD if r is None else f"{r * 100:.1f}%"

    def band_shown(self, name: str) -> bool:
        """Whether a band's count (and rate) may be shown. The bands add up to the students counted, so
        where only one band would be hidden the next smallest is hidden too, as for sibling rows."""
        counts = self.bands
        hidden = {b for b, n in counts.items() if not self.shown(n)}
        if len(hidden) == 1:
            others = [b for b in counts if b not in hidden]
            if others:
                hidden.add(min(others, key=lambda b: (counts[b] == 0, counts[b])))
        return name not in hidden and self.shown(counts.get(name, 0))

    def band_text(self, name: str) -> str:
        return str(self.bands.get(name, 0)) if self.band_shown(name) else SUPPRESSED

    def small_on_its_own(self, measure: str) -> bool:
        """Whether one of MEASURES is a count of 1 to 4 (or of a group that small)."""
        n = getattr(self, measure)
        if measure == "students":
            return 0 < n < SMALL_CELL
        if measure == "counted":
            return self.small
        return not self.shown(n)

    def hidden(self, measure: str) -> bool:
        """Whether one of MEASURES is suppressed: small on its own, or hidden to protect a sibling's."""
        return self.small_on_its_own(measure) or measure in self.complement

    def why_hidden(self, measure: str) -> str:
        """A chart's note for a bar left out (the same for a small count and its complement)."""
        return NOTE_HIDDEN if self.hidden(measure) or self.hidden("counted") else ""

    def measure_rate(self, measure: str) -> float | None:
        """A measure over students counted, 0-1; None when withheld or nobody is counted."""
        if not self.counted or self.hidden(measure) or self.hidden("counted"):
            return None
        return getattr(self, measure) / self.counted

    def _text(self, measure: str) -> str:
        return SUPPRESSED if self.hidden(measure) else str(getattr(self, measure))

    def _rate_text(self, measure: str) -> str:
        r = self.measure_rate(measure)
        return WITHHELD if r is None else f"{r * 100:.1f}%"

    @property
    def mean_rate(self) -> float | None:
        return self.rate_sum / self.counted if self.counted and not self.hidden("counted") else None

    @property
    def mean_rate_text(self) -> str:
        r = self.mean_rate
        return WITHHELD if r is None else f"{r * 100:.1f}%"

    def cells(self) -> dict[str, str]:
        """The table row (page and CSV share it)."""
        return {
            "students": self._text("students"), "counted": self._text("counted"),
            "chronic": self._text("chronic"), "chronic_rate": self._rate_text("chronic"),
            "habitual": self._text("habitual"), "habitual_rate": self._rate_text("habitual"),
            "truant": self._text("truant"), "truant_rate": self._rate_text("truant"),
            "mean_rate": self.mean_rate_text,
        }


def complement(groups: list[Group]) -> None:
    """Rows that add up to a shown total: where a column would hide exactly one row, hide the next
    smallest too (a non-zero one first), so subtracting the shown rows from the total gives only a sum."""
    for measure in MEASURES:
        hidden = [g for g in groups if g.hidden(measure)]
        if len(hidden) != 1:
            continue
        others = [g for g in groups if not g.hidden(measure)]
        if others:
            min(others, key=lambda g, m=measure: (getattr(g, m) == 0, getattr(g, m))).complement.add(measure)


@dataclass(frozen=True)
class TrendPoint:
    as_of: date
    group: Group


@dataclass(frozen=True)
class Dashboard:
    as_of: date | None
    dates: list[date]  # every recorded date, for the picker
    total: Group
    by_school: list[Group]
    by_grade: list[Group]
    trend: list[TrendPoint]


def scoped(user) -> QuerySet[SchoolGradeSummary]:
    return SchoolGradeSummary.objects.for_user(user, ACTION)


def filtered(qs: QuerySet[SchoolGradeSummary], *, level: str = "", grade: str = "") -> QuerySet[SchoolGradeSummary]:
    if level:
        qs = qs.filter(school__level=level)
    if grade:
        qs = qs.filter(grade=grade)
    return qs


def recorded_dates(qs: QuerySet[SchoolGradeSummary]) -> list[date]:
    return sorted(qs.order_by().values_list("as_of", flat=True).distinct())


def _grouped(rows: Iterable[SchoolGradeSummary]) -> tuple[Group, list[Group], list[Group]]:
    total = Group("all", "All selected schools")
    schools: dict[int, Group] = {}
    grades: dict[str, Group] = {}
    for s in rows:
        total.add(s)
        if s.school_id not in schools:
            schools[s.school_id] = Group(s.school.code, s.school.name, s.school.get_level_display())
        schools[s.school_id].add(s)
        grades.setdefault(s.grade, Group(s.grade, Grade(s.grade).label if s.grade in Grade.values else s.grade))
        grades[s.grade].add(s)
    order = {g: i for i, g in enumerate(Grade.values)}
    return (total, sorted(schools.values(), key=lambda g: g.label),
            sorted(grades.values(), key=lambda g: order.get(g.key, len(order))))


def school_year_start(day: date) -> date:
    return date(day.year if day.month >= 7 else day.year - 1, 7, 1)


def dashboard(user, *, as_of: date | None = None, level: str = "", grade: str = "") -> Dashboard:
    """The dashboard as of `as_of` (default: the latest recorded date), with the trend over that date's
    school year. Reads only summaries the user's roles reach."""
    qs = filtered(scoped(user), level=level, grade=grade)
    dates = recorded_dates(scoped(user))
    if as_of is None:
        as_of = dates[-1] if dates else None
    if as_of is None:
        return Dashboard(None, [], Group("all", "All selected schools"), [], [], [])
    current = qs.filter(as_of=as_of).select_related("school")
    total, by_school, by_grade = _grouped(current)
    complement(by_school)
    complement(by_grade)
    start = school_year_start(as_of)
    by_date: dict[date, Group] = {}
    for s in qs.filter(as_of__gte=start, as_of__lte=date(start.year + 1, 6, 30)).only(
            "as_of", "students", "students_counted", "chronic", "habitual", "truant_7_302_2", "bands",
            "mean_attendance_rate"):
        by_date.setdefault(s.as_of, Group(s.as_of.isoformat(), s.as_of.isoformat())).add(s)
    trend = [TrendPoint(d, g) for d, g in sorted(by_date.items())]
    return Dashboard(as_of, dates, total, by_school, by_grade, trend)


LEVELS = School.Level.choices
GRADES = Grade.choices
