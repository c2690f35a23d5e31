"""orgs.csv -> schools; academicSessions.csv -> sessions and grading periods. OneRoster sessions are
district-wide: each schoolYear, semester and term becomes a session of every school in the bundle, each
semester and gradingPeriod a grading period of every school."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from casework.calendars.models import GradingPeriod
from casework.calendars.models import Session as CalendarSession
from casework.imports.parsing import RowError
from casework.schools.models import School

from .common import Located, Problem, Rows, by_line, parse_day, problem_of

_LEVELS = (("elementary", "elementary"), ("primary", "elementary"), ("middle", "middle"), ("high", "high"),
           ("alternative", "alternative"), ("special", "special"))


@dataclass
class Session:
    line: int
    sourced_id: str
    title: str
    kind: str
    begin: datetime.date
    end: datetime.date
    school_year: int


class SchoolRows(Rows):
    # Orgs -> schools ------------------------------------------------------------------------------
    @cached_property
    def orgs(self) -> dict[str, tuple[int, dict[str, str]]]:
        return self._by_sourced_id("orgs", "orgs.csv")[0]

    @cached_property
    def schools(self) -> dict[str, str]:
        """School org sourcedId -> school_id, for the schools that translated."""
        return {sid: row.get("identifier") or sid for sid, (_, row) in self.orgs.items()
                if row["type"].lower() == "school"}

    @cached_property
    def known_schools(self) -> set[str]:
        """The bundle's schools, and for a delta orgs.csv (which lists only the changed orgs) every school
        Casework holds as well."""
        codes = set(self.schools.values())
        if self.bundle.delta("orgs"):
            codes.update(School.objects.values_list("code", flat=True))
        return codes

    def _session_schools(self, s: Session) -> list[str]:
        """OneRoster sessions are district-wide: each goes to every school of a bulk orgs.csv. A delta names
        only the changed orgs: a session goes to those and to the schools already holding it (same school
        year and name), so a changed session is updated where it is, and never spread to other schools."""
        listed = list(self.schools.values())
        if not self.bundle.delta("orgs"):
            return listed
        return listed + sorted(set(self._holding.get((s.school_year, s.title[:60]), ())) - set(listed))

    @cached_property
    def _holding(self) -> dict[tuple[int, str], set[str]]:
        holding: dict[tuple[int, str], set[str]] = defaultdict(set)
        for model in (CalendarSession, GradingPeriod):
            for year, name, code in model.objects.values_list("school_year", "name", "school__code"):
                holding[(year, name)].add(code)
        return holding

    def school_code(self, org_sid: str, column: str) -> str:
        """The school id an org sourcedId names. RowError when the org is not a school, or unknown: not in
        orgs.csv, nor, for a delta orgs.csv, a school Casework holds under that id."""
        if org_sid in self.schools:
            return self.schools[org_sid]
        if org_sid in self.orgs:
            raise RowError(column, org_sid, f"Org {org_sid} is not a school (type {self.orgs[org_sid][1]['type']}).")
        if not self.bundle.delta("orgs"):
            raise self.unknown(column, org_sid, "orgs.csv", "Org")
        deleted = self.deleted("orgs").get(org_sid)
        if deleted is not None and deleted[1]["type"].lower() == "school":
            return deleted[1].get("identifier") or org_sid
        if org_sid in self.known_schools:
            return org_sid
        raise RowError(column, org_sid, f"Unknown org {org_sid}: it is not in this delta orgs.csv and no school has "
                                        "this id; include the org's row in the export.")

    def school_rows(self) -> list[Located]:
        out: list[Located] = list(self._by_sourced_id("orgs", "orgs.csv")[1])
        seen: dict[str, int] = {}
        for sid, (line, row) in self.orgs.items():
            if row["type"].lower() != "school":
                continue
            code = self.schools[sid]
            if code in seen:
                out.append((line, "", Problem("identifier", code, f"School {code} is also the org on line "
                                                                  f"{seen[code]} of orgs.csv.")))
                continue
            seen[code] = line
            if len(code) > 20:  # School.code; a GUID sourcedId does not fit
                column = "identifier" if row.get("identifier") else "sourcedId"
                out.append((line, "", Problem(column, code, f"School id {code} is longer than 20 characters; give "
                                                            "the org its SIS school number as identifier.")))
                continue
            plain = {"school_id": code, "name": row["name"]}
            level = next((lv for word, lv in _LEVELS if word in row["name"].lower()), None)
            if level:  # OneRoster has no school level; a name without one leaves the stored level alone
                plain["level"] = level
            out.append((line, "", plain))
        return sorted(out, key=by_line)

    # academicSessions -> sessions, grading_periods -------------------------------------------------
    @cached_property
    def _sessions(self) -> tuple[list[Session], list[Located]]:
        sessions, problems = [], []
        rows, dupes = self._by_sourced_id("academicSessions", "academicSessions.csv")
        problems.extend(dupes)
        for sid, (line, row) in rows.items():
            try:
                begin = parse_day(row, "startdate", "startDate", required=True)
                end = parse_day(row, "enddate", "endDate", required=True)
                year = row["schoolyear"]
                if not re.fullmatch(r"\d{4}", year):
                    raise RowError("schoolYear", year, f"schoolYear {year!r} is not a year (YYYY, the year the "
                                                       "school year ends).")
                if end < begin:
                    raise RowError("endDate", row["enddate"], "endDate is before startDate.")
            except RowError as exc:
                problems.append((line, "", problem_of(exc)))
                continue
            sessions.append(Session(line, sid, row["title"], row["type"], begin, end, int(year)))
        return sessions, problems

    @cached_property
    def school_year(self) -> Session | None:
        """The latest schoolYear session: the year a student without class enrollments is enrolled for."""
        years = [s for s in self._sessions[0] if s.kind == "schoolYear"]
        return max(years, key=lambda s: (s.school_year, s.begin)) if years else None

    def session_rows(self) -> list[Located]:
        sessions, problems = self._sessions
        out: list[Located] = list(problems)
        semesters = _numbered(sessions, "semester")
        for s in sessions:
            if s.kind not in ("schoolYear", "semester", "term"):
                continue
            term = {"schoolYear": "Year Round", "semester": {1: "Fall Semester", 2: "Spring Semester"}.get(
                semesters.get(s.sourced_id, 0), "")}.get(s.kind, "")
            for code in self._session_schools(s):
                out.append((s.line, "", {"school_id": code, "school_year": str(s.school_year), "name": s.title[:60],
                                         "begin": s.begin.isoformat(), "end": s.end.isoformat(), "term": term}))
        return sorted(out, key=by_line)

    def grading_period_rows(self) -> list[Located]:
        sessions = self._sessions[0]
        kinds = {s.sourced_id: _period_kind(s) for s in sessions if s.kind in ("gradingPeriod", "semester")}
        numbers: dict[str, int] = {}
        for kind in set(kinds.values()):
            numbers.update(_numbered([s for s in sessions if kinds.get(s.sourced_id) == kind], None))
        out: list[Located] = []
        for s in sessions:
            if s.sourced_id not in kinds:
                continue
            for code in self._session_schools(s):
                out.append((s.line, "", {"school_id": code, "school_year": str(s.school_year),
                                         "kind": kinds[s.sourced_id], "sequence": str(numbers[s.sourced_id]),
                                         "name": s.title[:60], "begin": s.begin.isoformat(),
                                         "end": s.end.isoformat()}))
        return sorted(out, key=by_line)


def _period_kind(s: Session) -> str:
    if s.kind == "semester":
        return "semester"
    title = s.title.lower()
    if re.search(r"quarter|\bq\d", title):
        return "quarter"
    if re.search(r"trimester|\bt\d", title):
        return "trimester"
    if "semester" in title:
        return "semester"
    return "marking_period"


def _numbered(sessions: list[Session], kind: str | None) -> dict[str, int]:
    """sourcedId -> 1, 2, ... in date order within each school year (Ed-Fi PeriodSequence)."""
    numbers: dict[str, int] = {}
    by_year: dict[int, list[Session]] = defaultdict(list)
    for s in sessions:
        if kind is None or s.kind == kind:
            by_year[s.school_year].append(s)
    for group in by_year.values():
        for n, s in enumerate(sorted(group, key=lambda s: (s.begin, s.end, s.line)), 1):
            numbers[s.sourced_id] = n
    return numbers

