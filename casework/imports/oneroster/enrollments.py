"""Class enrollments -> school enrollments. OneRoster enrollments are class enrollments: one school
enrollment per student x school runs from the earliest beginDate to the latest endDate of the student's
class enrollments there (open when one has no endDate). A student with none is enrolled at the schools
of their orgSourcedIds / roles.csv for the latest schoolYear session (or the role's own dates).

A bundle is a snapshot: a later one may no longer hold the class a student started the year in (a
schedule change), so its earliest beginDate moves. A span that overlaps an enrollment already stored
for the student at the school keeps that enrollment's entry date, which the importer matches on: the
enrollment is updated, not refused as a second, overlapping one."""

from __future__ import annotations

import datetime
from collections import defaultdict
from functools import cached_property

from django.utils import timezone

from casework.imports.parsing import RowError
from casework.students.models import Enrollment

from .common import Located, Problem, Rows, by_line, is_deleted, modified_on, parse_day, problem_of, status_error


class EnrollmentRows(Rows):
    @cached_property
    def _class_spans(self) -> tuple[dict[tuple[str, str], list], list[Located]]:
        """(student id, school id) -> [first line, earliest beginDate, latest endDate, open], and the
        problems. A delta file's tobedeleted rows go to `_ends` instead."""
        spans: dict[tuple[str, str], list] = {}
        problems: list[Located] = []
        seen: dict[str, int] = {}
        self._enrolled_users: set[str] = set()
        self._ends: dict[tuple[str, str], tuple[int, datetime.date]] = {}
        for line, row in self.bundle.rows("enrollments"):
            if isinstance(row, RowError):  # more or fewer values than the header
                problems.append((line, "", problem_of(row)))
                continue
            duplicate = self.duplicate(row, seen, line, "enrollments.csv")
            if duplicate is not None:
                problems.append((line, "", duplicate))
                continue
            if row.get("role", "").lower() != "student":
                continue  # teachers' and aides' class enrollments say nothing about school enrollment
            try:
                key, begin, end = self._class_enrollment(row)
            except RowError as exc:
                user = self.users.get(row.get("usersourcedid", ""))
                problems.append((line, "", problem_of(exc, student=user.key if user and user.is_student else "")))
                continue
            self._enrolled_users.add(row["usersourcedid"])
            if is_deleted(row):  # a delta's: the class enrollment ended on the day it was modified, or today
                day = modified_on(row) or timezone.localdate()
                first_line, latest = self._ends.get(key, (line, day))
                self._ends[key] = (first_line, max(latest, day))
                continue
            span = spans.setdefault(key, [line, None, None, False])
            if begin is not None:
                span[1] = begin if span[1] is None else min(span[1], begin)
            if end is None:
                span[3] = True
            else:
                span[2] = end if span[2] is None else max(span[2], end)
        return spans, problems

    @cached_property
    def _stored(self) -> dict[tuple[str, str], list[tuple[datetime.date, datetime.date | None]]]:
        """(student id, school code) -> the enrollments stored there: one query over the bundle's schools
        (every school for a delta orgs.csv, which lists only the changed ones)."""
        stored = defaultdict(list)
        for sid, code, entry, exit_ in (Enrollment.objects.filter(school__code__in=self.known_schools)
                                        .values_list("student__district_id", "school__code", "entry_date",
                                                     "exit_date").iterator(chunk_size=10000)):
            stored[(sid, code)].append((entry, exit_))
        return stored

    def _entry(self, student: str, school: str, begin: datetime.date, end: datetime.date | None) -> datetime.date:
        """The entry date of the stored enrollment the span overlaps, else the span's own."""
        for entry, exit_ in sorted(self._stored.get((student, school), ())):
            if entry <= (end or datetime.date.max) and begin <= (exit_ or datetime.date.max):
                return entry
        return begin

    @cached_property
    def _classes(self) -> tuple[dict[str, tuple[int, dict[str, str]]], list[Located]]:
        """classes.csv is read only to check the enrollments' classSourcedId: the classes, and the problems
        (a duplicate or tobedeleted row, a school not in orgs.csv) reported at their lines."""
        keyed, problems = self._by_sourced_id("classes", "classes.csv")
        classes, out = {}, list(problems)
        for sid, (line, row) in keyed.items():
            school = row["schoolsourcedid"]
            if school in self.orgs or self.bundle.delta("orgs"):
                classes[sid] = (line, row)
                continue
            out.append((line, "", problem_of(self.unknown("schoolSourcedId", school, "orgs.csv", "Org"))))
            self.reject(sid, line, "classes.csv")
        return classes, sorted(out, key=by_line)

    @property
    def classes(self) -> dict[str, tuple[int, dict[str, str]]]:
        return self._classes[0]

    def class_problem_rows(self) -> list[Located]:
        return self._classes[1]

    def enrollment_rows(self) -> list[Located]:
        spans, problems = self._class_spans
        out = list(problems)
        out.extend(self._ended[0])
        for (key, school), (line, begin, end, open_) in spans.items():
            if begin is None and self.school_year is None:
                out.append((line, "", Problem("beginDate", "", "No beginDate for this student at this school, and "
                                                               "academicSessions.csv has no schoolYear to start "
                                                               "the enrollment from.", student=key)))
                continue
            exit_ = None if open_ else end
            entry = self._entry(key, school, begin or self.school_year.begin, exit_)
            out.append((line, "", {"student_id": key, "school_id": school, "entry_date": entry.isoformat(),
                                   "exit_date": "" if exit_ is None else exit_.isoformat()}))
        return sorted(out, key=by_line)

    @cached_property
    def _ended(self) -> tuple[list[Located], list[int]]:
        """A delta's tobedeleted class enrollments end the school enrollment they belong to, unless the
        student still has a listed active class there: the stored enrollment open on that day (or ending
        later) gets the day as its exit date. Returns those rows, and the lines with nothing to end."""
        spans = self._class_spans[0]
        out: list[Located] = []
        nothing_to_end: list[int] = []
        for (key, school), (line, day) in sorted(self._ends.items()):
            if (key, school) in spans:
                continue
            stored = sorted(self._stored.get((key, school), ()))
            # An enrollment already ended on that very day (this delta imported before) is the one it ends.
            current = [(entry, exit_) for entry, exit_ in stored if entry <= day and (exit_ is None or exit_ >= day)]
            if current:
                entry = current[-1][0]
                out.append((line, "", {"student_id": key, "school_id": school, "entry_date": entry.isoformat(),
                                       "exit_date": day.isoformat()}))
            elif any(entry > day for entry, _ in stored):
                out.append((line, "", Problem("dateLastModified", day.isoformat(), f"The enrollment this row ends "
                                              f"begins after {day.isoformat()}, the day it would end.", student=key)))
            else:
                nothing_to_end.append(line)
        return out, nothing_to_end

    def _class_enrollment(self, row):
        error = status_error(row, delta=self.bundle.delta("enrollments"))
        if error is not None:
            raise error
        user_sid, org_sid = row["usersourcedid"], row["schoolsourcedid"]
        key = self.student_key(user_sid)
        school = self.school_code(org_sid, "schoolSourcedId")
        class_sid = row["classsourcedid"]
        if self.bundle.has("classes") and class_sid not in self.classes:
            raise self.unknown("classSourcedId", class_sid, "classes.csv", "Class")
        begin, end = parse_day(row, "begindate", "beginDate"), parse_day(row, "enddate", "endDate")
        if begin and end and end < begin:
            raise RowError("endDate", row["enddate"], "endDate is before beginDate.")
        return (key, school), begin, end

    def fallback_enrollment_rows(self) -> list[Located]:
        """Students with no class enrollment: enrolled at their schools (orgSourcedIds, roles.csv) for the
        latest school year, or the role's own dates."""
        self._class_spans  # noqa: B018 - fills _enrolled_users
        enrolled = self._enrolled_users
        out: list[Located] = []
        year = self.school_year
        for sid, user in self.users.items():
            if not user.is_student or sid in enrolled:
                continue
            # Every dated role at a school is a span of its own (last year's and this year's); a bare
            # orgSourcedIds entry only where no role dates one.
            dated: dict[str, list[tuple]] = {}
            for org_sid, begin, end in user.orgs:
                spans = dated.setdefault(org_sid, [])
                if begin is not None:
                    spans[:] = [s for s in spans if s[0] is not None] + [(begin, end)]
                elif not spans:
                    spans.append((None, end))
            # Earliest first: an earlier, closed span must be in before a later, open one is opened.
            for org_sid, begin, end in ((o, b, e) for o, spans in dated.items()
                                        for b, e in sorted(spans, key=lambda s: s[0] or datetime.date.min)):
                try:
                    school = self.school_code(org_sid, "orgSourcedIds")
                except RowError:  # a district or department; an unknown org rejected the student or role already
                    continue
                if self.bundle.delta("users") and self._stored.get((user.key, school)):
                    continue  # a changed user of a delta: their enrollment there is stored, not re-dated
                entry = begin or (year.begin if year else None)
                if entry is None:
                    out.append((user.line, "", Problem("orgSourcedIds", org_sid, "No enrollment can be dated: the "
                                                       "student has no class enrollment and academicSessions.csv "
                                                       "has no schoolYear session.", student=user.key)))
                    continue
                exit_ = end or (year.end if year and not begin else None)
                entry = self._entry(user.key, school, entry, exit_)
                out.append((user.line, "", {"student_id": user.key, "school_id": school,
                                            "entry_date": entry.isoformat(),
                                            "exit_date": exit_.isoformat() if exit_ else ""}))
        return sorted(out, key=by_line)
