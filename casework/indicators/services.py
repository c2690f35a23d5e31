"""Writes of stored indicators: one snapshot row per student x school (the year to date, with every
grading period's counts nested), computed set-based in SQL (`setbased.py`: the rules engine's arithmetic
over the stored rows), and the flag crossings that feed the worklist. The engine itself explains: a new
crossing's text, and every page that opens one student (`inputs.indicators_as_of`)."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from casework.attendance.models import AttendanceEvent
from casework.core.bulk import WithoutIndexes
from casework.schools.models import School

from . import setbased
from .inputs import indicators_as_of
from .models import FlagCrossing, Flags, StudentIndicator

_FLAGS = tuple(Flags.values)  # computed once: TextChoices.values builds a new list on every access


def default_as_of() -> date:
    """The date stored indicators are counted through when none is given: today, or the last day with
    any attendance recorded when that is earlier (an SIS extract taken last Friday counts through last
    Friday, not through days whose absences are not in yet)."""
    today = timezone.localdate()
    latest = AttendanceEvent.objects.filter(date__lte=today).aggregate(latest=Max("date"))["latest"]
    return min(today, latest) if latest else today


def rules_changed_since_full_recompute(as_of: date) -> bool:
    """True when the last full recompute counted under another rule set than the one in force on `as_of`
    (a new default version after an upgrade, a district rule set that has taken effect since) or under the
    same set before its values were edited: an import's incremental pass would then leave the stored rows
    mixing two readings. The dashboard's summaries record the rule set and time of each full recompute."""
    from casework.reports.models import SchoolGradeSummary  # reports reads indicators: import here
    from casework.rules.selectors import ruleset_in_force

    # The latest in time, not by as-of date: a full recompute as of an earlier date (a report for last month)
    # replaces every stored row under the rules of that date.
    last = (SchoolGradeSummary.objects.filter(source=SchoolGradeSummary.Source.RECOMPUTE)
            .order_by("-created_at", "-pk").values_list("rule_set_id", "created_at").first())
    if last is None:
        return False
    try:
        in_force = ruleset_in_force(as_of)
    except ImproperlyConfigured:
        return False  # no rule set at all: the recompute itself says so
    # An edit to the set's values (`casework rules set`) keeps its id: its save time tells it.
    return last[0] != in_force.pk or in_force.updated_at > last[1]


@dataclass(frozen=True)
class Recomputed:
    pairs: int  # student x school results
    rows: int  # stored rows (one per student x school)
    crossed: int = 0  # flags newly raised since the previous recompute
    cleared: int = 0  # flags lowered since the previous recompute
    skipped: tuple[str, ...] = ()  # codes of schools left out: students, but no calendar this year

    def skipped_note(self) -> str:
        if not self.skipped:
            return ""
        return (f"Not computed for school(s) {', '.join(self.skipped)}: no calendar this school year. Import the "
                "school calendar, then recompute.")


@transaction.atomic
def indicators_recompute(*, as_of: date, school_ids: Iterable[int] | None = None,
                         student_ids: Iterable[int] | None = None) -> Recomputed:
    """Recompute and store indicators as of `as_of`: in full for the given schools (every school when
    None), or only for the given students (after an import changed their data).

    The store holds one snapshot per student x school, the latest recompute's: the rows it covers are
    replaced. The row is the year to date; its columns carry the student-level flags (habitual truancy
    in any period, 7-302.2 in any quarter, semester or the year) and `values["periods"]` each grading
    period's counts and flags. Flags raised since the previous snapshot open a FlagCrossing (the PPW's
    worklist); flags lowered clear it. A recompute as of a date before the previous snapshot leaves the
    crossings alone. All in one transaction: an error anywhere leaves the previous snapshot in place."""
    student_ids = None if student_ids is None else sorted(set(student_ids))
    if school_ids is None:
        schools = list(School.objects.order_by("pk").values_list("pk", flat=True))
    else:
        schools = sorted(set(school_ids))
    if not schools:
        return Recomputed(pairs=0, rows=0)
    with connection.cursor() as cursor:
        pg = connection.vendor == "postgresql"
        if pg:
            # The sorts and hashes of a district stay in memory; and hash joins throughout: the planner's
            # guesses for the temporary tables' groupings are far off, and a nested loop over 800,000
            # attendance days costs minutes.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute("SET LOCAL jit = off")  # compiling the expressions cost seconds, saving none
        # Before the rules are read: an edit saved while this runs is later than this, so the next import
        # sees the rules changed since the last full recompute (its summaries carry this time).
        counted_at = timezone.now()
        prepared = setbased.prepare(cursor, as_of=as_of, school_ids=schools, student_ids=student_ids)
        everything = school_ids is None and student_ids is None
        if prepared.skipped_ids:  # a school without a calendar keeps its last rows and open crossings
            schools = [pk for pk in schools if pk not in set(prepared.skipped_ids)]
            everything = False
        scope, params = _scope(None if everything else schools, student_ids is not None)
        table = StudentIndicator._meta.db_table
        previous = _previous_as_of(cursor, table, scope, params, schools, only=student_ids is not None)
        if everything:
            # The whole table: written without its indexes and unique key, built once after (core.bulk), the
            # old rows truncated instead of deleted row by row (SQLite truncates a DELETE without WHERE).
            with WithoutIndexes(cursor, table):
                cursor.execute(f"TRUNCATE {table}" if pg else f"DELETE FROM {table}")  # noqa: S608 - our names
                rows = setbased.write(cursor, prepared=prepared, as_of=as_of, now=timezone.now())
        else:
            cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT t.id FROM {table} t "  # noqa: S608 - our names
                           f"WHERE {scope})", params)
            rows = setbased.write(cursor, prepared=prepared, as_of=as_of, now=timezone.now())
        if pg:
            cursor.execute("SET LOCAL enable_nestloop = on")  # the crossings probe a few rows by index
        crossed = cleared = 0
        if previous is None or as_of >= previous:
            cleared, opened = _crossings(cursor, scope, params, as_of)
            crossed = _open_crossings(opened, as_of=as_of, schools=schools, ruleset_id=prepared.ruleset.pk)
        setbased.drop_temp_tables(cursor)
    if student_ids is None and school_ids is None:
        # A full recompute records the dashboard's summaries of that date. Not a partial one: the
        # dashboard reads the latest date's summaries as the whole district.
        from casework.reports.services import summaries_record  # reports reads indicators: import here

        summaries_record(as_of=as_of, counted_at=counted_at, ruleset=prepared.ruleset)
    return Recomputed(pairs=prepared.pairs, rows=rows, crossed=crossed, cleared=cleared, skipped=prepared.skipped)


def _scope(schools: list[int] | None, only: bool) -> tuple[str, dict]:
    """The rows a recompute covers, as SQL on alias `t`: its schools (None: every row), and only its
    students when given (their ids are in the temporary table cw_only)."""
    if schools is None:
        return "1 = 1", {}
    params = {f"s{i}": pk for i, pk in enumerate(schools)}
    where = "t.school_id IN (" + ", ".join(f"%(s{i})s" for i in range(len(schools))) + ")"
    if only:
        where += " AND t.student_id IN (SELECT student_id FROM cw_only)"
    return where, params


def _previous_as_of(cursor, table: str, scope: str, params: dict, schools: list[int], *, only: bool):
    """The latest stored snapshot date in scope. For whole schools, one probe of the (school, as_of) index
    per school: max() over the district's rows read all 160,000 of them."""
    if only:
        cursor.execute(f"SELECT max(as_of) FROM {table} t WHERE {scope}", params)  # noqa: S608 - our names only
    else:
        p = {f"p{i}": pk for i, pk in enumerate(schools)}
        probes = " UNION ALL ".join(f"SELECT (SELECT max(as_of) FROM {table} WHERE school_id = %(p{i})s) AS d"  # noqa: S608
                                    for i in range(len(schools)))
        cursor.execute(f"SELECT max(d) FROM ({probes}) s", p)  # noqa: S608 - our names; ids are parameters
    previous = cursor.fetchone()[0]
    return date.fromisoformat(previous) if isinstance(previous, str) else previous


def _crossings(cursor, scope: str, params: dict, as_of: date) -> tuple[int, list[tuple[int, int, str]]]:
    """Clear the open crossings whose flag the new snapshot no longer raises; return how many, and the
    (student, school, flag) raised now with no open crossing."""
    table, crossings = StudentIndicator._meta.db_table, FlagCrossing._meta.db_table
    p = dict(params, as_of=setbased._Sql().day(as_of))

    def raised(flag: str, row: str) -> str:
        return f"CASE {flag} " + " ".join(f"WHEN '{f}' THEN {row}.{f}" for f in _FLAGS) + " END"

    cursor.execute(f"""
        UPDATE {crossings} SET cleared_on = %(as_of)s
        WHERE id IN (SELECT t.id FROM {crossings} t WHERE t.cleared_on IS NULL AND {scope} AND NOT EXISTS (
            SELECT 1 FROM {table} i WHERE i.student_id = t.student_id AND i.school_id = t.school_id
                AND i.as_of = %(as_of)s AND {raised("t.flag", "i")}))""", p)  # noqa: S608 - our names only
    cleared = cursor.rowcount
    # The snapshot's rows in scope are all of this date (the older ones were just deleted): one pass
    # over them, each raised flag checked against the open crossings.
    names = " UNION ALL ".join(f"SELECT '{f}' AS flag" for f in _FLAGS)
    cursor.execute(f"""
        SELECT t.student_id, t.school_id, f.flag FROM {table} t CROSS JOIN ({names}) f
        WHERE {scope} AND {raised("f.flag", "t")}
            AND NOT EXISTS (SELECT 1 FROM {crossings} c WHERE c.student_id = t.student_id
                AND c.school_id = t.school_id AND c.flag = f.flag AND c.cleared_on IS NULL)""", p)  # noqa: S608
    return cleared, [tuple(r) for r in cursor.fetchall()]


def _open_crossings(opened: list[tuple[int, int, str]], *, as_of: date, schools: list[int], ruleset_id: int) -> int:
    """Open a crossing per newly raised flag, with the engine's explanation (run for those students only)."""
    if not opened:
        return 0
    wanted: dict[int, set[int]] = defaultdict(set)
    for student, school, _flag in opened:
        wanted[school].add(student)
    text: dict[tuple[int, int, str], str] = {}
    students = sorted({s for ids in wanted.values() for s in ids})
    with _gc_paused():
        for start in range(0, len(students), _STUDENTS_PER_BATCH):
            ids = students[start:start + _STUDENTS_PER_BATCH]
            _, results = indicators_as_of(as_of=as_of, school_ids=sorted(wanted), student_ids=ids, detail=False)
            for r in results:
                for name, fl in r.result.flags.items():
                    if fl.raised:
                        text[(r.student_pk, r.school_pk, name)] = fl.explanation[:2000]
    FlagCrossing.objects.bulk_create(
        [FlagCrossing(student_id=student, school_id=school, flag=flag, crossed_on=as_of, rule_set_id=ruleset_id,
                      explanation=text.get((student, school, flag), "")) for student, school, flag in opened],
        batch_size=1000)
    return len(opened)


_STUDENTS_PER_BATCH = 2000  # the engine's inputs for new crossings, a few thousand students at a time


@contextmanager
def _gc_paused():
    """The cyclic garbage collector off while engine results pile up: with a million live objects its
    repeated full passes cost 3x the computation itself (measured at district scale)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
