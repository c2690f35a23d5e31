"""The `grades` kind: course grades (Ed-Fi Grade) for the ABC early-warning course-failure flag. Same
contract as importers.py: rows in the plain-CSV vocabulary of docs/imports.md, RowError for a bad row,
each row checked as it comes and the run's grades written at once by the domain service
(casework.grades.services.grades_load: a district's file is hundreds of thousands of grades), counts and
the affected students for the recompute. Whether a grade is failing is the rule set's call, not the import's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from casework.calendars.models import GradingPeriod
from casework.grades import services as grade_services
from casework.grades.models import CourseGrade
from casework.students.models import Student

from .directory_importers import _year, code_value, period_kind, period_sequence
from .importers import IMPORTERS, Importer, _EnrolledMixin
from .parsing import RowError, fitting_reason, parse_date, parse_decimal, parse_int

DEFAULT_GRADE_TYPE = "Grading Period"
# The model's lengths: a longer value is rejected by name rather than cut (it is part of the key or the grade).
_LIMITS = {"course_code": 60, "section_id": 255, "grade_type": 60, "letter_grade": 20}


def period_label(period: GradingPeriod) -> str:
    return period.name or f"{period.kind.replace('_', ' ')} {period.sequence}"


def _school_year(year: int) -> str:
    return f"{year - 1}-{year}"


class GradeImporter(_EnrolledMixin, Importer):
    kind = "grades"
    required = ("student_id", "school_id", "school_year", "course_code", "grading_period")
    one_of = (("letter_grade", "numeric_grade"),)
    optional = ("course_title", "section_id", "grade_type", "grading_period_sequence", "as_of_date")

    def prepare(self):
        super().prepare()
        self.load_enrollments()
        # (school pk, school year) -> that year's grading periods at the school, imported before this kind
        # (the Ed-Fi run takes grading periods first; a plain CSV run needs them stored).
        self.periods: dict[tuple[int, int], list[GradingPeriod]] = {}
        for period in GradingPeriod.objects.order_by("school_id", "school_year", "begin", "kind", "sequence"):
            self.periods.setdefault((period.school_id, period.school_year), []).append(period)
        # Every student's pk by SIS id, read once: a district's grade file names each student many times.
        self.student_pks = dict(Student.objects.values_list("district_id", "pk"))
        self.seen: dict[tuple, tuple[str, int | None]] = {}
        self.pending: dict[grade_services.GradeKey, dict[str, Any]] = {}

    def student_pk(self, row) -> int:
        sid = row.get("student_id", "")
        pk = self.student_pks.get(sid) if sid else None
        if pk is None:
            raise self.no_student(sid)
        return pk

    def grading_period(self, row, school_pk: int, year: int) -> GradingPeriod:
        """The period the row names: by its name at the school that year (case-insensitive, "Q1"), else as
        an Ed-Fi GradingPeriodDescriptor ("First Quarter", a URI) read as kind and sequence, the sequence
        from grading_period_sequence when given (Ed-Fi 4.x references carry PeriodSequence)."""
        raw = row.get("grading_period", "").strip()
        if not raw:
            raise RowError("grading_period", "", "grading_period is required (the grading period's name, e.g. Q1, "
                                                 "or an Ed-Fi GradingPeriodDescriptor).")
        periods = self.periods.get((school_pk, year), [])
        names = {raw.casefold(), code_value(raw).casefold()}
        named = [p for p in periods if p.name and p.name.strip().casefold() in names]
        if len(named) == 1:
            return named[0]
        kind = period_kind(raw)
        sequence = parse_int(row, "grading_period_sequence", low=1, high=99) or period_sequence(raw)
        if sequence is None and kind == "year":
            sequence = 1  # "End of Year": a school year has one, as the grading_periods kind reads it
        found = [p for p in periods if kind and p.kind == kind and p.sequence == sequence]
        if len(found) == 1:
            return found[0]
        code = row.get("school_id", "")
        if len(named) > 1:
            raise RowError("grading_period", raw, f"School {code} has {len(named)} grading periods named {raw!r} in "
                                                  f"{_school_year(year)}; give the period as an Ed-Fi "
                                                  "GradingPeriodDescriptor with grading_period_sequence.")
        if not periods:
            raise RowError("grading_period", raw, fitting_reason(
                f"Unknown grading period {raw!r}: school {code} has no grading periods in school year "
                f"{_school_year(year)}. Import the school's calendar (the Ed-Fi calendar interchange) or a "
                "grading_periods file first."))
        listed = ", ".join(f"{period_label(p)} ({p.kind.replace('_', ' ')} {p.sequence})" for p in periods)
        short = ", ".join(period_label(p) for p in periods)
        wordings = (f"Unknown grading period {raw!r}: school {code}'s grading periods in {_school_year(year)} are "
                    f"{names_}; give one of these names or an Ed-Fi GradingPeriodDescriptor (First Quarter)."
                    for names_ in (listed, short))
        raise RowError("grading_period", raw, fitting_reason(*wordings))

    def row(self, file, line, row):
        student = self.student_pk(row)
        school_pk = self.school_pk(row)
        year = _year(row)
        course = row.get("course_code", "").strip()
        if not course:
            raise RowError("course_code", "", "course_code is required (the SIS's local course code).")
        period = self.grading_period(row, school_pk, year)
        letter = row.get("letter_grade", "").strip() if "letter_grade" in row else None
        numeric = parse_decimal(row, "numeric_grade", places="0.01", low=Decimal(0), high=Decimal("999.99"))
        if not letter and numeric is None:
            column = "letter_grade" if "letter_grade" in row else "numeric_grade"
            raise RowError(column, "", "The row has no grade: give a letter grade, a numeric grade or both.")
        as_of = parse_date(row, "as_of_date", required=False)
        section = row.get("section_id", "").strip()
        grade_type = code_value(row.get("grade_type", "")) or DEFAULT_GRADE_TYPE
        values = {"course_code": course, "section_id": section, "grade_type": grade_type, "letter_grade": letter}
        for column, limit in _LIMITS.items():
            if values[column] and len(values[column]) > limit:
                raise RowError(column, values[column], f"{column} is longer than {limit} characters.")
        self._check_enrolled(student, school_pk, period, row)
        key = (student, school_pk, period.pk, course, section, grade_type)
        if key in self.seen:
            first_file, first_line = self.seen[key]
            where = f"line {first_line}" if first_file == file else f"line {first_line} of {first_file}"
            raise RowError("course_code", course, fitting_reason(
                f"Duplicate: the same grade (course {course}, section {section or '(none)'}, grading period "
                f"{period_label(period)}, grade type {grade_type}) of this student is already on {where}.",
                f"Duplicate: the same grade of this student is already on {where}."))
        self.seen[key] = (file, line)
        # Only the columns the file has: an absent one leaves the stored value alone (docs/imports.md).
        given = {"letter_grade": letter, "numeric_grade": numeric, "as_of_date": as_of,
                 "course_title": row.get("course_title", "").strip()[:120]}
        self.pending[key] = {k: v for k, v in given.items() if k in row}

    def finish(self):
        """Write the run's grades at once (grades.services.grades_load): every row was checked above."""
        outcomes = grade_services.grades_load(grades=self.pending, import_run_id=self.run.pk)
        for key, outcome in outcomes.items():
            self.count(outcome, CourseGrade, key[0])
        self.pending = {}

    def _check_enrolled(self, student_pk: int, school_pk: int, period: GradingPeriod, row) -> None:
        """Enrolled at the school at some time during the grading period (a student who left mid-quarter
        still has that quarter's grade)."""
        spans = self.enrollments.get((student_pk, school_pk))
        if not spans:
            raise RowError("school_id", row["school_id"], "The student has no enrollment at this school.")
        if not any(entry <= period.end and (exit_ is None or exit_ >= period.begin) for entry, exit_ in spans):
            raise RowError("grading_period", row["grading_period"],
                           f"The student is not enrolled at this school during grading period {period_label(period)} "
                           f"({period.begin.isoformat()} to {period.end.isoformat()}).")


IMPORTERS[GradeImporter.kind] = GradeImporter
