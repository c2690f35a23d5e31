"""Importers for the district's directory and calendar kinds: schools, sessions, grading periods,
guardians (SIS contacts), student-guardian links and program participation. Same contract as
importers.py: rows in the plain-CSV vocabulary of docs/imports.md, RowError for a bad row, idempotent
writes through the domain services, counts and affected students/schools for the recompute."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone

from casework.calendars import services as calendar_services
from casework.calendars.choices import LISTED_DATES_SIGN, CalendarSource, PeriodKind
from casework.calendars.models import CalendarDate, GradingPeriod, Session
from casework.core.services import update_audited
from casework.programs import services as program_services
from casework.programs.choices import EDFI_NIGHTTIME_RESIDENCE, NighttimeResidence, ProgramKind
from casework.programs.models import ProgramParticipation
from casework.schools import services as school_services
from casework.schools.models import School
from casework.students import services as student_services
from casework.students.choices import Relationship
from casework.students.models import Guardian, Student, StudentGuardian

from . import codes
from .importers import CREATED, IMPORTERS, UNCHANGED, UPDATED, Importer
from .models import CodeMapping
from .parsing import RowError, parse_date, parse_int

_TRUE, _FALSE = {"true", "t", "yes", "y", "1"}, {"false", "f", "no", "n", "0"}


def code_value(value: str) -> str:
    """The code value of an Ed-Fi descriptor URI ("uri://ed-fi.org/XDescriptor#Code" -> "Code")."""
    return value.rsplit("#", 1)[-1].strip()


def parse_bool(row: dict[str, str], column: str) -> bool | None:
    value = row.get(column, "").strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RowError(column, row[column], f"{row[column]!r} is not yes or no; use true/false, yes/no or 1/0.")


def _outcome(before_version: int, row) -> str:
    return UNCHANGED if row.version == before_version else UPDATED


_SPANNED_YEAR = re.compile(r"(\d{4})-(\d{2}|\d{4})")


def _year(row: dict[str, str]) -> int:
    """The year the school year ends. Ed-Fi's XML writes SchoolYearType as "2026-2027" (its API as 2027);
    both are read, and "2026-27"."""
    spanned = _SPANNED_YEAR.fullmatch(row.get("school_year", "").strip())
    if spanned:
        first, second = int(spanned[1]), spanned[2]
        last = int(second) if len(second) == 4 else first - first % 100 + int(second) + (100 if second == "00" else 0)
        if last != first + 1:
            raise RowError("school_year", row["school_year"], f"{row['school_year']!r} is not one school year: "
                                                              "the second year must follow the first (2026-2027).")
        return last
    year = parse_int(row, "school_year", low=1990, high=2100)
    if year is None:
        raise RowError("school_year", "", "school_year is required (the year the school year ends, e.g. 2027).")
    return year


def _span(row: dict[str, str]) -> tuple[datetime.date, datetime.date]:
    begin, end = parse_date(row, "begin"), parse_date(row, "end")
    if end < begin:
        raise RowError("end", row["end"], "The end date is before the begin date.")
    return begin, end


class SchoolImporter(Importer):
    kind = "schools"
    required = ("school_id", "name")
    optional = ("level", "street", "city", "state", "postal_code", "phone")

    def row(self, file, line, row):
        code = row.get("school_id", "")
        if not code:
            raise RowError("school_id", code, "school_id is required.")
        self.once("school_id", code, file, line)
        if not row.get("name"):
            raise RowError("name", "", "name is required.")
        fields: dict[str, Any] = {"name": row["name"]}
        level = row.get("level", "").strip().lower()
        if level and level not in School.Level.values:
            raise RowError("level", row["level"], f"Unknown school level {row['level']!r}; use one of "
                                                  f"{', '.join(School.Level.values)}.")
        if level:
            fields["level"] = level
        for column in ("street", "city", "postal_code", "phone"):
            if column in row:
                fields[column] = row[column]
        if row.get("state"):
            fields["state"] = code_value(row["state"]).upper()
        current = School.objects.filter(code=code).first()
        if current is None:
            fields.setdefault("level", School.Level.OTHER)
            school = self.in_service(school_services.school_create, actor=self.actor, code=code, **fields)
            self.schools[code] = school.pk
            self.count(CREATED, School)
            return
        version = current.version
        updated = self.in_service(school_services.school_update, actor=self.actor, school=current, **fields)
        self.count(_outcome(version, updated), School)


class SessionImporter(Importer):
    """A session's calendar_source is decided here: with a day count and no listed school days in its
    span it is "periods with day counts", otherwise "dates listed" (schooldays.py counts either way). Import
    the calendar dates first, or in the same run (the Ed-Fi reader does), so the listing is seen."""

    kind = "sessions"
    required = ("school_id", "school_year", "name", "begin", "end")
    optional = ("term", "total_instructional_days")

    def row(self, file, line, row):
        school_pk = self.school_pk(row)
        year = _year(row)
        name = row.get("name", "").strip()
        if not name:
            raise RowError("name", "", "name is required (Ed-Fi SessionName).")
        begin, end = _span(row)
        total = parse_int(row, "total_instructional_days", low=0, high=366)
        # Listed days off (holidays) go with either way; listed school days mean the dates were sent.
        listed = CalendarDate.objects.filter(school_id=school_pk, date__gte=begin, date__lte=end,
                                             kind=LISTED_DATES_SIGN).exists()
        source = (CalendarSource.PERIODS_WITH_COUNTS if total is not None and not listed
                  else CalendarSource.DATES_LISTED)
        fields: dict[str, Any] = {"begin": begin, "end": end, "calendar_source": source}
        if "total_instructional_days" in row:
            fields["total_instructional_days"] = total
        if "term" in row:
            fields["term"] = code_value(row["term"])[:60]
        current = Session.objects.filter(school_id=school_pk, school_year=year, name=name).first()
        if current is None:
            school = School.objects.get(pk=school_pk)
            self.in_service(calendar_services.session_create, actor=self.actor, school=school, school_year=year,
                            name=name, **fields)
            outcome = CREATED
        else:
            version = current.version
            outcome = _outcome(version, self.in_service(calendar_services.session_update, actor=self.actor,
                                                        session=current, **fields))
        self.count(outcome, Session)
        if outcome != UNCHANGED:
            self.affected_schools.add(school_pk)


# Ed-Fi GradingPeriodDescriptor code values name their kind and place: "First Quarter", "Second Semester".
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10}


def period_kind(value: str) -> str | None:
    text = code_value(value).casefold().replace("_", " ")
    if text.replace(" ", "_") in PeriodKind.values:
        return text.replace(" ", "_")
    for word, kind in (("quarter", PeriodKind.QUARTER), ("nine weeks", PeriodKind.QUARTER),
                       ("semester", PeriodKind.SEMESTER), ("trimester", PeriodKind.TRIMESTER),
                       ("year", PeriodKind.YEAR), ("marking period", PeriodKind.MARKING_PERIOD),
                       ("six weeks", PeriodKind.MARKING_PERIOD)):
        if word in text:
            return kind.value
    return None


def period_sequence(value: str) -> int | None:
    first = code_value(value).casefold().split(" ", 1)[0]
    return _ORDINALS.get(first)


class GradingPeriodImporter(Importer):
    kind = "grading_periods"
    required = ("school_id", "school_year", "begin", "end")
    one_of = (("kind", "descriptor"),)
    optional = ("sequence", "name", "total_instructional_days")

    def row(self, file, line, row):
        school_pk = self.school_pk(row)
        year = _year(row)
        raw = row.get("kind") or row.get("descriptor", "")
        kind = period_kind(raw)
        if kind is None:
            column = "kind" if row.get("kind") else "descriptor"
            raise RowError(column, raw, f"Unknown grading period kind {raw!r}; use one of "
                                        f"{', '.join(PeriodKind.values)} or an Ed-Fi GradingPeriodDescriptor.")
        sequence = parse_int(row, "sequence", low=1, high=99) or period_sequence(row.get("descriptor", ""))
        if sequence is None and kind == PeriodKind.YEAR:
            sequence = 1  # "End of Year": a school year has one
        if sequence is None:
            raise RowError("sequence", row.get("sequence", ""), "sequence is required (1 for the first quarter, ...).")
        begin, end = _span(row)
        fields: dict[str, Any] = {"begin": begin, "end": end}
        for column in ("name", "descriptor"):
            if column in row:
                fields[column] = row[column][:306 if column == "descriptor" else 60]
        if "total_instructional_days" in row:
            fields["total_instructional_days"] = parse_int(row, "total_instructional_days", low=0, high=366)
        current = GradingPeriod.objects.filter(school_id=school_pk, school_year=year, kind=kind,
                                               sequence=sequence).first()
        if current is None:
            school = School.objects.get(pk=school_pk)
            self.in_service(calendar_services.grading_period_create, actor=self.actor, school=school,
                            school_year=year, kind=kind, sequence=sequence, **fields)
            outcome = CREATED
        else:
            version = current.version
            outcome = _outcome(version, self.in_service(calendar_services.grading_period_update, actor=self.actor,
                                                        period=current, **fields))
        self.count(outcome, GradingPeriod)
        if outcome != UNCHANGED:
            self.affected_schools.add(school_pk)


class GuardianImporter(Importer):
    kind = "guardians"
    required = ("guardian_id", "first_name", "last_name")
    optional = ("phone", "email", "preferred_language")

    def row(self, file, line, row):
        contact_id = row.get("guardian_id", "")
        if not contact_id:
            raise RowError("guardian_id", "", "guardian_id is required (the SIS contact id).")
        if len(contact_id) > 64:  # a OneRoster GUID sourcedId (36) fits
            raise RowError("guardian_id", contact_id, "guardian_id is longer than 64 characters.")
        self.once("guardian_id", contact_id, file, line)
        for name in ("first_name", "last_name"):
            if not row.get(name):
                raise RowError(name, "", f"{name} is required.")
        fields = {c: row[c] for c in ("phone", "email", "preferred_language") if c in row}
        if "preferred_language" in fields:
            fields["preferred_language"] = code_value(fields["preferred_language"])[:60]
        current = Guardian.objects.filter(contact_id=contact_id).first()
        if current is None:
            self.in_service(student_services.guardian_create, actor=self.actor, first_name=row["first_name"],
                            last_name=row["last_name"], contact_id=contact_id, **fields)
            self.count(CREATED, Guardian)
            return
        version = current.version
        updated = self.in_service(student_services.guardian_update, actor=self.actor, guardian=current,
                                  first_name=row["first_name"].strip(), last_name=row["last_name"].strip(), **fields)
        self.count(_outcome(version, updated), Guardian)


# Ed-Fi RelationDescriptor code values (folded) -> Relationship. Anything else is "other".
EDFI_RELATIONS: dict[str, str] = {
    "mother": Relationship.MOTHER, "father": Relationship.FATHER,
    "stepmother": Relationship.STEPMOTHER, "stepfather": Relationship.STEPFATHER,
    "grandmother": Relationship.GRANDMOTHER, "great grandmother": Relationship.GRANDMOTHER,
    "grandfather": Relationship.GRANDFATHER, "great grandfather": Relationship.GRANDFATHER,
    "aunt": Relationship.AUNT, "great aunt": Relationship.AUNT,
    "uncle": Relationship.UNCLE, "great uncle": Relationship.UNCLE,
    "brother": Relationship.SIBLING, "sister": Relationship.SIBLING, "sibling": Relationship.SIBLING,
    "stepbrother": Relationship.SIBLING, "stepsister": Relationship.SIBLING,
    "half-brother": Relationship.SIBLING, "half-sister": Relationship.SIBLING,
    "foster father": Relationship.FOSTER_PARENT, "foster mother": Relationship.FOSTER_PARENT,
    "foster parent": Relationship.FOSTER_PARENT,
    "guardian": Relationship.LEGAL_GUARDIAN, "court appointed guardian": Relationship.LEGAL_GUARDIAN,
    "legal guardian": Relationship.LEGAL_GUARDIAN,
    "friend": Relationship.FAMILY_FRIEND, "family friend": Relationship.FAMILY_FRIEND,
}


def relationship(value: str) -> str:
    text = code_value(value)
    if text in Relationship.values:
        return text
    return EDFI_RELATIONS.get(text.casefold(), Relationship.OTHER)


class StudentGuardianImporter(Importer):
    kind = "student_guardians"
    required = ("student_id", "guardian_id")
    optional = ("relationship", "lives_with", "has_custody", "emergency_contact", "contact_order", "receives_mail")

    def row(self, file, line, row):
        student = self.student(row)
        contact_id = row.get("guardian_id", "")
        guardian = Guardian.objects.filter(contact_id=contact_id).first() if contact_id else None
        if guardian is None:
            if not contact_id:
                raise RowError("guardian_id", contact_id, "guardian_id is required.")
            raise self.unknown("guardian_id", contact_id, "Guardian", f"Unknown guardian {contact_id}: import the "
                                                                      "guardians file first.")
        fields: dict[str, Any] = {}
        if "relationship" in row:
            fields["relationship"] = relationship(row["relationship"])
        for column in ("lives_with", "has_custody", "emergency_contact", "receives_mail"):
            value = parse_bool(row, column)
            if value is not None:
                fields[column] = value
        order = parse_int(row, "contact_order", low=0, high=99)
        if order is not None:
            fields["contact_order"] = order
        current = StudentGuardian.objects.filter(student=student, guardian=guardian).first()
        if current is None:
            fields.setdefault("relationship", Relationship.OTHER)
            self.in_service(student_services.guardian_link, actor=self.actor, student=student, guardian=guardian,
                            **fields)
            self.count(CREATED, StudentGuardian)
            return
        version = current.version
        updated = self.in_service(update_audited, current, actor=self.actor, **fields)
        self.count(_outcome(version, updated), StudentGuardian)


# The student flags that mirror an open participation ("imported facts").
_FLAGS = {ProgramKind.HOMELESS: "homeless", ProgramKind.SECTION_504: "has_504",
          ProgramKind.SPECIAL_EDUCATION: "has_iep", ProgramKind.ENGLISH_LEARNER: "english_learner"}


def program_kind(value: str) -> str | None:
    return codes.resolve(CodeMapping.Family.PROGRAM, value)


def _residence(row: dict[str, str]) -> str | None:
    value = row.get("nighttime_residence", "")
    if not value:
        return None
    text = code_value(value)
    if text in NighttimeResidence.values:
        return text
    for name, kind in EDFI_NIGHTTIME_RESIDENCE.items():
        if name.casefold() == text.casefold():
            return kind
    raise RowError("nighttime_residence", value, f"Unknown nighttime residence {value!r}; use one of "
                                                 f"{', '.join(NighttimeResidence.values)}.")


class ProgramImporter(Importer):
    kind = "programs"
    required = ("student_id", "program", "begin")
    optional = ("program_name", "end", "school_id", "nighttime_residence", "unaccompanied_youth")

    def prepare(self):
        super().prepare()
        self.seen_students: set[int] = set()

    def row(self, file, line, row):
        student = self.student(row)
        raw = row.get("program", "")
        kind = program_kind(raw)
        if kind is None:
            raise RowError("program", raw, codes.unknown(CodeMapping.Family.PROGRAM, raw))
        if row.get("school_id"):
            self.school_pk(row)  # checked, not stored: a participation belongs to the district
        begin = parse_date(row, "begin")
        end = parse_date(row, "end", required=False)
        if end is not None and end < begin:
            raise RowError("end", row["end"], "The end date is before the begin date.")
        fields: dict[str, Any] = {"import_run_id": self.run.pk}
        if "program_name" in row:
            fields["program_name"] = row["program_name"][:60]
        if "#" in raw:
            fields["descriptor"] = raw[:306]
        residence, alone = _residence(row), parse_bool(row, "unaccompanied_youth")
        if kind != ProgramKind.HOMELESS and (residence is not None or alone is not None):
            raise RowError("nighttime_residence" if residence else "unaccompanied_youth", "",
                           "Nighttime residence and unaccompanied youth apply only to McKinney-Vento (homeless).")
        if kind == ProgramKind.HOMELESS:
            fields.update(nighttime_residence=residence, unaccompanied_youth=alone)
        # import_run_id is not audited, so an unchanged row is not rewritten and keeps the run that wrote it.
        recorded = self.in_service(program_services.program_participation_record, actor=self.actor,
                                   student=student, kind=kind, begin=begin, end=end, **fields)
        self.count(recorded.outcome, ProgramParticipation, student.pk)
        self.seen_students.add(student.pk)

    def finish(self):
        """Keep the student flags in step with the open participations, after every row is in."""
        today = timezone.localdate()
        open_kinds: dict[int, set[str]] = {pk: set() for pk in self.seen_students}
        for student_id, kind in (ProgramParticipation.objects.active_on(today)
                                 .filter(student_id__in=self.seen_students, kind__in=list(_FLAGS))
                                 .values_list("student_id", "kind")):
            open_kinds[student_id].add(kind)
        for student in Student.objects.filter(pk__in=self.seen_students):
            flags = {flag: kind in open_kinds[student.pk] for kind, flag in _FLAGS.items()}
            if any(getattr(student, k) != v for k, v in flags.items()):
                student_services.student_update(actor=self.actor, student=student, **flags)
                self.touched.add(Student)


DIRECTORY_IMPORTERS = (SchoolImporter, SessionImporter, GradingPeriodImporter, GuardianImporter,
                       StudentGuardianImporter, ProgramImporter)
IMPORTERS.update({cls.kind: cls for cls in DIRECTORY_IMPORTERS})
