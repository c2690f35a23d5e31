"""One importer per kind of plain CSV file. An importer validates a row (raising RowError), writes
through the domain services (small kinds) or set-based (attendance: attendance_bulk.py), and counts
what happened.
The columns are documented in docs/imports.md; `COLUMNS` is the downloadable template."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.attendance.models import AttendanceEvent
from casework.calendars import services as calendar_services
from casework.calendars.choices import INSTRUCTIONAL_KINDS
from casework.calendars.models import CalendarDate, Session
from casework.core.services import update_audited
from casework.discipline import services as discipline_services
from casework.discipline.models import Action, Incident
from casework.schools.models import School
from casework.students import services as student_services
from casework.students.choices import Grade, Sex
from casework.students.models import Enrollment, Student

from . import codes
from .attendance_bulk import AttendanceLoad
from .attendance_values import reason_in_text as _reason_in_text  # noqa: F401 - its old home
from .models import CodeMapping
from .parsing import RowError, parse_date, parse_decimal

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class Importer:
    kind: str = ""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    # A service's error names the model's field; the reject names the file's column.
    columns_of_fields: dict[str, str] = {"date_of_birth": "birth_date", "district_id": "student_id",
                                         "contact_id": "guardian_id", "date": "date"}

    def __init__(self, *, run, actor):
        self.run = run
        self.actor = actor
        self.counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        self.removed = 0  # stored records the run removed (attendance: a student's day the file recodes)
        self.touched: set[type] = set()
        self.columns: set[str] = set()
        # What changed, for the incremental indicators recompute after the commit.
        self.affected_students: set[int] = set()
        self.affected_schools: set[int] = set()
        # Rows an importer rejects after the rows were read: (file, line, element, RowError).
        self.rejects: list = []
        self.progress = None  # (name, done, total), set by the run
        # (key column, id) -> (file, line) of the run's rejected rows, shared by the run's importers: a row
        # referring to a record whose own row was rejected names that line instead of "unknown".
        self.rejected_keys: dict[tuple[str, str], tuple[str, int | None]] = {}
        self._seen: dict[str, dict[str, tuple[str, int | None]]] = {}

    @classmethod
    def template(cls) -> list[str]:
        return [*cls.required, *(c for group in cls.one_of for c in group), *cls.optional]

    @classmethod
    def known(cls) -> tuple[str, ...]:
        return tuple(cls.template())

    def prepare(self) -> None:
        self.schools = dict(School.objects.values_list("code", "pk"))

    def row(self, file: str, line: int, row: dict[str, str]) -> None:
        raise NotImplementedError

    def row_at(self, file: str, line: int | None, element: str, row: dict[str, str]) -> None:
        self.row(file, line, row)

    def load_stage(self, stage, report) -> bool:
        """Take a whole stage at once (True), or have its rows fed to row_at (False)."""
        return False

    def finish(self) -> None:
        pass

    def run_notes(self) -> list[str]:
        """Warning lines for the run's message once the rows are written (they do not stop the run)."""
        return []

    def once(self, column: str, value: str, file: str, line: int | None) -> None:
        """Reject a second row for the same record in one run: the last would silently win, and the file
        would never re-import as unchanged."""
        seen = self._seen.setdefault(column, {})
        if value in seen:
            first_file, first_line = seen[value]
            where = f"line {first_line}" if first_file == file else f"line {first_line} of {first_file}"
            raise RowError(column, value, f"Duplicate: {column} {value} is already on {where}.")
        seen[value] = (file, line)

    def count(self, outcome: str, model: type, student_pk: int | None = None) -> None:
        self.counts[outcome] += 1
        if outcome != UNCHANGED:
            self.touched.add(model)
            if student_pk is not None:
                self.affected_students.add(student_pk)

    # References -------------------------------------------------------------------------------
    def school_pk(self, row: dict[str, str]) -> int:
        code = row.get("school_id", "")
        if not code:
            raise RowError("school_id", code, "school_id is required.")
        pk = self.schools.get(code)
        if pk is None:
            raise self.unknown("school_id", code, "School", f"Unknown school {code}: no school has this code.")
        return pk

    def student(self, row: dict[str, str]) -> Student:
        sid = row.get("student_id", "")
        student = Student.objects.filter(district_id=sid).first() if sid else None
        if student is None:
            raise self.no_student(sid)
        return student

    def no_student(self, sid: str) -> RowError:
        """The reject of a row whose student_id is empty or names no stored student."""
        if not sid:
            return RowError("student_id", sid, "student_id is required.")
        return self.unknown("student_id", sid, "Student", f"Unknown student {sid}: import the students file first.")

    def unknown(self, column: str, value: str, what: str, reason: str) -> RowError:
        """The error for a reference to a record that is not stored: naming the line of this run that was
        to write it when that row was rejected (the fix is there), else `reason`."""
        first = self.rejected_keys.get((column, value))
        if first is None:
            return RowError(column, value, reason)
        file, line = first
        where = f"line {line} of {file}" if line is not None else file
        return RowError(column, value, f"{what} {value} is on {where}, which was rejected: see that line's reason.")

    def in_service(self, fn, *args, **kwargs):
        """A service call in its own savepoint, so a refused row leaves the run's transaction usable."""
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except (ValidationError, IntegrityError) as exc:
            fields = [f for f in getattr(exc, "error_dict", {}) if f != "__all__"]
            if len(fields) != 1:
                raise RowError("", "", _message(exc)) from None
            value = kwargs.get(fields[0], "")
            raise RowError(self.columns_of_fields.get(fields[0], fields[0]), "" if value is None else str(value),
                           _message(exc)) from None


def _grade(row: dict[str, str], column: str = "grade", *, required: bool = True) -> str | None:
    value = row.get(column, "").upper()
    if not value:
        if required:
            raise RowError(column, value, f"{column} is required.")
        return None
    if value.isdigit() and 1 <= int(value) <= 12:
        value = f"{int(value):02d}"
    value = {"K": "KG", "PREK": "PK", "PRE-K": "PK"}.get(value, value)
    if value not in Grade.values:
        raise RowError(column, row[column], f"Unknown grade {row[column]!r}; use one of {', '.join(Grade.values)}.")
    return value


class StudentImporter(Importer):
    kind = "students"
    required = ("student_id", "first_name", "last_name", "birth_date", "grade")
    optional = ("state_id", "middle_name", "suffix", "preferred_name", "sex", "home_language")

    def prepare(self) -> None:
        super().prepare()
        self.without_birth_date = {CREATED: 0, UPDATED: 0}

    def row(self, file, line, row):
        values: dict[str, Any] = {"first_name": row["first_name"], "last_name": row["last_name"], "grade": _grade(row)}
        # Plain CSV and Ed-Fi rows always carry birth_date (a required column, a required element): there
        # it must be a date. A OneRoster student without a demographics.csv row has no birth_date at all:
        # a new student is saved with none recorded, a known one keeps the date stored.
        known_birth = "birth_date" in row
        if known_birth:
            values["date_of_birth"] = parse_date(row, "birth_date")
        for name in ("first_name", "last_name"):
            if not values[name]:
                raise RowError(name, "", f"{name} is required.")
        for column in ("state_id", "middle_name", "suffix", "preferred_name", "home_language"):
            if column in row:
                values[column] = row[column]
        if "sex" in row:
            sex = row["sex"].upper()[:1] or Sex.UNKNOWN
            if sex not in Sex.values:
                raise RowError("sex", row["sex"], f"Unknown sex {row['sex']!r}; use F, M, X or U.")
            values["sex"] = sex
        sid = row.get("student_id", "")
        if not sid:
            raise RowError("student_id", sid, "student_id is required.")
        self.once("student_id", sid, file, line)
        if known_birth and values["date_of_birth"] > timezone.localdate():
            raise RowError("birth_date", row["birth_date"], "The birth date is in the future.")
        current = Student.objects.filter(district_id=sid).first()
        if current is None:
            values.setdefault("date_of_birth", None)
            created = self.in_service(student_services.student_create, actor=self.actor, district_id=sid, **values)
            self.count(CREATED, Student, created.pk)
            self.without_birth_date[CREATED] += not known_birth
            return
        version = current.version
        updated = self.in_service(student_services.student_update, actor=self.actor, student=current, **values)
        self.without_birth_date[UPDATED] += not known_birth
        self.count(UNCHANGED if updated.version == version else UPDATED, Student, current.pk)

    def run_notes(self) -> list[str]:
        new, known = self.without_birth_date[CREATED], self.without_birth_date[UPDATED]
        if not new + known:
            return []
        parts = [f"{new} new student(s) saved with the birth date not recorded" if new else "",
                 f"{known} already in Casework kept the birth date stored, if any" if known else ""]
        return [f"{new + known} student(s) came without a birth date: {'; '.join(p for p in parts if p)}. "
                "Without one, a student's record says the birth date is not recorded and gives no age."]


class EnrollmentImporter(Importer):
    kind = "enrollments"
    required = ("student_id", "school_id", "entry_date")
    optional = ("exit_date", "grade", "entry_code", "exit_code")

    def row(self, file, line, row):
        student = self.student(row)
        school_pk = self.school_pk(row)
        entry = parse_date(row, "entry_date")
        exit_ = parse_date(row, "exit_date", required=False)
        if exit_ is not None and exit_ < entry:
            raise RowError("exit_date", row["exit_date"], "The exit date is before the entry date.")
        fields: dict[str, Any] = {}
        if "exit_date" in row:
            fields["exit_date"] = exit_
        if row.get("grade"):
            fields["grade"] = _grade(row)
        for column in ("entry_code", "exit_code"):
            if column in row:
                fields[column] = row[column]
        current = Enrollment.objects.filter(student=student, school_id=school_pk, entry_date=entry).first()
        if current is None:
            overlap = Enrollment.objects.filter(student=student, school_id=school_pk).filter(
                entry_date__lte=exit_ or datetime.date.max).exclude(exit_date__lt=entry)
            if overlap.exists():
                raise RowError("entry_date", row["entry_date"],
                               "This enrollment overlaps another enrollment of the student at this school.")
            self.in_service(self._create, student, school_pk, entry, fields)
            self.count(CREATED, Enrollment, student.pk)
            return
        version = current.version
        updated = self.in_service(update_audited, current, actor=self.actor, **fields)
        self.count(UNCHANGED if updated.version == version else UPDATED, Enrollment, student.pk)

    def _create(self, student, school_pk, entry, fields):
        fields = dict(fields)
        exit_date, exit_code = fields.pop("exit_date", None), fields.pop("exit_code", "")
        enrollment = student_services.enrollment_create(actor=self.actor, student=student,
                                                        school=School.objects.get(pk=school_pk),
                                                        entry_date=entry, **fields)
        if exit_date is not None:
            student_services.enrollment_exit(actor=self.actor, enrollment=enrollment, exit_date=exit_date,
                                             exit_code=exit_code)


def _calendar_kind(value: str) -> str | None:
    return codes.resolve(CodeMapping.Family.CALENDAR_EVENT, value)


class CalendarImporter(Importer):
    kind = "calendar"
    required = ("school_id", "date")
    one_of = (("kind", "descriptor"),)
    optional = ("note", "calendar_code")

    def prepare(self):
        super().prepare()
        # school pk -> calendar code -> {date: (kind, descriptor or None, note or None)}; None: the file
        # has no such column, so the stored value stays.
        self.listed: dict[int, dict[str, dict]] = defaultdict(dict)
        self.seen: dict[tuple[int, str, datetime.date], int] = {}
        self.chosen: list[str] = []

    def row(self, file, line, row):
        school_pk = self.school_pk(row)
        day = parse_date(row, "date")
        raw = row.get("kind") or row.get("descriptor", "")
        kind = _calendar_kind(raw)
        if kind is None:
            column = "kind" if row.get("kind") else "descriptor"
            raise RowError(column, raw, codes.unknown(CodeMapping.Family.CALENDAR_EVENT, raw))
        code = (row.get("calendar_code") or "").strip()
        key = (school_pk, code, day)
        if key in self.seen:
            raise RowError("date", row["date"], f"Duplicate: this school's date is already on line {self.seen[key]}.")
        self.seen[key] = line
        self.listed[school_pk].setdefault(code, {})[day] = (
            kind, (row["descriptor"] or "") if "descriptor" in row else None,
            (row["note"] or "")[:200] if "note" in row else None)

    def _one_calendar(self, school_code: str, calendars: dict[str, dict]) -> dict:
        """A school with several calendars (Ed-Fi's CalendarCode: a K-5 and a Pre-K calendar, say): Casework
        keeps one calendar a school, so every student is counted on the one with the most instructional
        days (the school's main grades), and the run says so. First listed wins a tie."""
        if len(calendars) == 1:
            return next(iter(calendars.values()))
        days = {code: sum(1 for kind, _, _ in dates.values() if kind in INSTRUCTIONAL_KINDS)
                for code, dates in calendars.items()}
        main = max(days, key=lambda code: days[code])  # max keeps the first of equals
        listed = ", ".join(f"{code or '(no code)'}: {n} instructional day(s)" for code, n in days.items())
        self.chosen.append(f"School {school_code} sends {len(calendars)} calendars ({listed}). Casework keeps one "
                           f"calendar a school: every student there is counted on {main or '(no code)'}, the one "
                           "with the most instructional days.")
        return calendars[main]

    def run_notes(self) -> list[str]:
        return self.chosen

    def finish(self):
        for school in School.objects.filter(pk__in=list(self.listed)).order_by("code"):
            pk = school.pk
            dates = self._one_calendar(school.code, self.listed[pk])
            result = calendar_services.calendar_set_dates(
                actor=self.actor, school=school, days={d: v[0] for d, v in dates.items()},
                descriptors={d: v[1] for d, v in dates.items() if v[1] is not None},
                notes={d: v[2] for d, v in dates.items() if v[2] is not None})
            self.counts[CREATED] += result.created
            self.counts[UPDATED] += result.updated
            self.counts[UNCHANGED] += result.unchanged
            if result.created or result.updated:
                self.touched.add(CalendarDate)
                self.affected_schools.add(pk)
                if calendar_services.sessions_follow_listing(actor=self.actor, school=school):
                    self.touched.add(Session)


class _EnrolledMixin:
    def load_enrollments(self, student_ids=None) -> None:
        qs = Enrollment.objects.all()
        if student_ids is not None:
            qs = qs.filter(student_id__in=student_ids)
        self.enrollments: dict[tuple[int, int], list] = defaultdict(list)
        for student_id, school_id, entry, exit_ in qs.values_list("student_id", "school_id", "entry_date",
                                                                   "exit_date"):
            self.enrollments[(student_id, school_id)].append((entry, exit_))

    def check_enrolled(self, student_id: int, school_id: int, day: datetime.date, row, column: str) -> None:
        spans = self.enrollments.get((student_id, school_id))
        if not spans:
            raise RowError("school_id", row["school_id"], "The student has no enrollment at this school.")
        if not any(entry <= day and (exit_ is None or day <= exit_) for entry, exit_ in spans):
            raise RowError(column, row[column], "The date is outside the student's enrollment at this school.")


def _discipline_kind(value: str) -> str | None:
    return codes.resolve(CodeMapping.Family.DISCIPLINE, value)


class DisciplineImporter(_EnrolledMixin, Importer):
    kind = "discipline"
    required = ("student_id", "school_id", "action_id", "start_date")
    one_of = (("kind", "descriptor"),)
    optional = ("length_days", "actual_length_days", "incident_id", "incident_date", "behavior_code", "location")

    def prepare(self):
        super().prepare()
        self.load_enrollments()
        self.seen: dict[tuple, int] = {}

    def row(self, file, line, row):
        student = self.student(row)
        school_pk = self.school_pk(row)
        start = parse_date(row, "start_date")
        action_id = row.get("action_id", "")
        if not action_id:
            raise RowError("action_id", "", "action_id is required.")
        raw = row.get("kind") or row.get("descriptor", "")
        kind = _discipline_kind(raw)
        if kind is None:
            raise RowError("kind" if row.get("kind") else "descriptor", raw,
                           codes.unknown(CodeMapping.Family.DISCIPLINE, raw))
        length = parse_decimal(row, "length_days", places="0.1", low=Decimal(0), high=Decimal(999)) or Decimal(0)
        actual = parse_decimal(row, "actual_length_days", places="0.1", low=Decimal(0), high=Decimal(999))
        self.check_enrolled(student.pk, school_pk, start, row, "start_date")
        key = (student.pk, action_id, start)
        if key in self.seen:
            raise RowError("action_id", action_id, f"Duplicate: the same action is already on line {self.seen[key]}.")
        self.seen[key] = line
        school = School.objects.get(pk=school_pk)
        incident = None
        if row.get("incident_id"):
            day = parse_date(row, "incident_date", required=False) or start
            fields = {k: row[c] for k, c in (("code", "behavior_code"), ("location", "location")) if c in row}
            recorded = self.in_service(discipline_services.incident_record, actor=self.actor, school=school,
                                       incident_id=row["incident_id"], date=day, **fields)
            incident = recorded.row
            if recorded.outcome != UNCHANGED:
                self.touched.add(Incident)
        # A column the file does not have leaves the stored value alone (docs/imports.md).
        extra = {"descriptor": row["descriptor"]} if "descriptor" in row else {}
        if "actual_length_days" in row:
            extra["actual_length_days"] = actual
        if "length_days" in row:
            extra["length_days"] = length
        if "incident_id" in row:
            extra["incident"] = incident
        recorded = self.in_service(discipline_services.action_record, actor=self.actor, student=student,
                                   school=school, action_id=action_id, kind=kind, start_date=start, **extra)
        self.count(recorded.outcome, Action, student.pk)


class AttendanceImporter(Importer):
    """The set-based path (attendance_bulk.py): rows are staged by the database's bulk path, checked
    and written with a few statements for the whole run. One change record for the run, not one per
    event."""

    kind = "attendance"
    required = ("student_id", "school_id", "date")
    one_of = (("category", "descriptor"),)
    optional = ("reason_code", "reason_text", "minutes_present", "minutes_scheduled", "event_duration",
                "arrival_time", "departure_time")

    def prepare(self):
        self.load = AttendanceLoad(run_pk=self.run.pk, single_file=len(self.run.source_files) == 1)
        self.rejects = []
        self._rows_stage: str | None = None

    def load_stage(self, stage, report) -> bool:
        """Stage a whole plain CSV file by the bulk path; False: feed its rows through row()."""
        self._end_rows()
        return stage.csv is not None and self.load.load_csv(stage.csv, report)

    def row_at(self, file, line, element, row):
        if self._rows_stage != file:
            self._end_rows()
            self.load.begin_rows(file)
            self._rows_stage = file
        self.load.add_row(line, element, row)

    def _end_rows(self):
        if self._rows_stage is not None:
            self.load.flush_rows()
            self._rows_stage = None

    def _named(self, exc: RowError) -> RowError:
        """An unknown student or school whose own row this run rejected: name that line (Importer.unknown)."""
        if exc.field in ("student_id", "school_id") and exc.reason.startswith("Unknown "):
            named = self.unknown(exc.field, exc.value, "Student" if exc.field == "student_id" else "School", exc.reason)
            named.student = exc.student
            return named
        return exc

    def finish(self):
        self._end_rows()
        outcome = self.load.run(partial=self.run.partial, progress=self.progress)
        self.rejects = [(file, line, element, self._named(exc)) for file, line, element, exc in outcome.rejects]
        self.counts[CREATED] += outcome.created
        self.counts[UPDATED] += outcome.updated
        self.counts[UNCHANGED] += outcome.unchanged
        self.removed = outcome.replaced
        if outcome.created or outcome.updated or outcome.replaced:
            self.touched.add(AttendanceEvent)
            self.affected_students.update(outcome.students)

    def run_notes(self) -> list[str]:
        if not self.removed:
            return []
        return [f"{self.removed} stored attendance record(s) removed: the file gives that student's day at that "
                "school in other categories only (an absence recoded, say from unexcused to excused), and a "
                "student's day in the file replaces what was stored for it."]


IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls for cls in (StudentImporter, EnrollmentImporter, CalendarImporter, AttendanceImporter,
                              DisciplineImporter)
}

# schools, sessions, grading_periods, guardians, student_guardians, programs (directory_importers) and
# grades (grade_importer): they register themselves.
from . import directory_importers, grade_importer  # noqa: E402, F401
