"""Class enrollments -> school enrollments. OneRoster enrollments are class enrollments: one school
enrollment per student x school runs from the earliest beginDate to the latest endDate of the student's
class enrollments there (open when one has no endDate). A student with none is enrolled at the schools
of their orgSourcedIds / roles.csv for the latest schoolYear session (or the role's own dates)."""

from __future__ import annotations

from functools import cached_property

from casework.imports.parsing import RowError

from .common import Located, Problem, Rows, by_line, parse_day, problem_of, status_error


class EnrollmentRows(Rows):
    @cached_property
    def _class_spans(self) -> tuple[dict[tuple[str, str], list], list[Located]]:
        """(user, school org) -> [first line, earliest beginDate, latest endDate, open], and the problems."""
        spans: dict[tuple[str, str], list] = {}
        problems: list[Located] = []
        for line, row in self.bundle.rows("enrollments"):
            if row.get("role", "").lower() != "student" and "__extra__" not in row:
                continue  # teachers' and aides' class enrollments say nothing about school enrollment
            try:
                key, begin, end = self._class_enrollment(row)
            except RowError as exc:
                problems.append((line, "", problem_of(exc)))
                continue
            span = spans.setdefault(key, [line, None, None, False])
            if begin is not None:
                span[1] = begin if span[1] is None else min(span[1], begin)
            if end is None:
                span[3] = True
            else:
                span[2] = end if span[2] is None else max(span[2], end)
        return spans, problems

    def enrollment_rows(self) -> list[Located]:
        spans, problems = self._class_spans
        out = list(problems)
        for (user_sid, org_sid), (line, begin, end, open_) in spans.items():
            if begin is None and self.school_year is None:
                out.append((line, "", Problem("beginDate", "", "No beginDate for this student at this school, and "
                                                               "academicSessions.csv has no schoolYear to start "
                                                               "the enrollment from.")))
                continue
            entry = begin or self.school_year.begin
            out.append((line, "", {"student_id": self.users[user_sid].key, "school_id": self.schools[org_sid],
                                   "entry_date": entry.isoformat(),
                                   "exit_date": "" if open_ or end is None else end.isoformat()}))
        return sorted(out, key=by_line)

    def _class_enrollment(self, row):
        error = status_error(row)
        if error is not None:
            raise error
        if "__extra__" in row:
            raise RowError("", row["__extra__"], "The row has more values than the header has columns.")
        user_sid, org_sid = row["usersourcedid"], row["schoolsourcedid"]
        user = self.users.get(user_sid)
        if user is None:
            raise RowError("userSourcedId", user_sid, f"Unknown user {user_sid}: no row of users.csv has this "
                                                      "sourcedId.")
        if not user.is_student:
            raise RowError("userSourcedId", user_sid, f"User {user_sid} is enrolled as a student but users.csv does "
                                                      "not give them the student role.")
        if org_sid not in self.orgs:
            raise RowError("schoolSourcedId", org_sid, f"Unknown org {org_sid}: no row of orgs.csv has this "
                                                       "sourcedId.")
        if org_sid not in self.schools:
            raise RowError("schoolSourcedId", org_sid, f"Org {org_sid} is not a school (type "
                                                       f"{self.orgs[org_sid][1]['type']}).")
        begin, end = parse_day(row, "begindate", "beginDate"), parse_day(row, "enddate", "endDate")
        if begin and end and end < begin:
            raise RowError("endDate", row["enddate"], "endDate is before beginDate.")
        return (user_sid, org_sid), begin, end

    def fallback_enrollment_rows(self) -> list[Located]:
        """Students with no class enrollment: enrolled at their schools (orgSourcedIds, roles.csv) for the
        latest school year, or the role's own dates."""
        enrolled = {user_sid for user_sid, _ in self._class_spans[0]}
        out: list[Located] = []
        year = self.school_year
        for sid, user in self.users.items():
            if not user.is_student or sid in enrolled:
                continue
            dated: dict[str, tuple] = {}
            for org_sid, begin, end in user.orgs:  # roles.csv dates win over a bare orgSourcedIds entry
                if org_sid not in dated or begin is not None:
                    dated[org_sid] = (begin, end)
            for org_sid, (begin, end) in dated.items():
                if org_sid not in self.orgs:
                    out.append((user.line, "", Problem("orgSourcedIds", org_sid, f"Unknown org {org_sid}: no row "
                                                                                 "of orgs.csv has this sourcedId.")))
                    continue
                if org_sid not in self.schools:
                    continue  # a student's district or department, not where they are enrolled
                entry = begin or (year.begin if year else None)
                if entry is None:
                    out.append((user.line, "", Problem("orgSourcedIds", org_sid, "No enrollment can be dated: the "
                                                       "student has no class enrollment and academicSessions.csv "
                                                       "has no schoolYear session.")))
                    continue
                exit_ = end or (year.end if year and not begin else None)
                out.append((user.line, "", {"student_id": user.key, "school_id": self.schools[org_sid],
                                            "entry_date": entry.isoformat(),
                                            "exit_date": exit_.isoformat() if exit_ else ""}))
        return sorted(out, key=by_line)
