from __future__ import annotations

import datetime
import itertools

from casework.accounts.models import User
from casework.accounts.services import role_assign, user_create
from casework.schools.models import School
from casework.schools.services import school_create
from casework.students import services as st
from casework.students.models import Enrollment, Guardian, Household, Student

_seq = itertools.count(1)
PASSWORD = "casework-test-pw"  # noqa: S105


def school(*, code: str | None = None, name: str | None = None, level: str = "elementary") -> School:
    n = next(_seq)
    return school_create(actor=None, code=code or f"S{n:04d}", name=name or f"Test School {n}", level=level)


def student(*, school: School | None = None, entry_date: datetime.date | None = None, exit_date=None,
            district_id: str | None = None, first_name: str = "Alex", last_name: str | None = None,
            grade: str = "05", **fields) -> Student:
    n = next(_seq)
    s = st.student_create(actor=None, district_id=district_id or f"9{n:07d}", first_name=first_name,
                          last_name=last_name or f"Tester{n}", date_of_birth=fields.pop("date_of_birth",
                          datetime.date(2014, 5, 17)), grade=grade, **fields)
    if school is not None:
        enrollment(student=s, school=school, entry_date=entry_date, exit_date=exit_date)
    return s


def enrollment(*, student: Student, school: School, entry_date=None, exit_date=None) -> Enrollment:
    e = st.enrollment_create(actor=None, student=student, school=school,
                             entry_date=entry_date or datetime.date(2025, 8, 25))
    if exit_date is not None:
        e = st.enrollment_exit(actor=None, enrollment=e, exit_date=exit_date)
    return e


def guardian(*, student: Student, relationship: str = "mother", first_name: str = "Pat", last_name: str = "Guardian",
             household: Household | None = None, **flags) -> Guardian:
    g = st.guardian_create(actor=None, first_name=first_name, last_name=last_name, household=household,
                           phone="301-555-0100")
    st.guardian_link(actor=None, student=student, guardian=g, relationship=relationship, **flags)
    return g


def user(*, username: str | None = None, role: str | None = None, schools=(), password: str = PASSWORD) -> User:
    u = user_create(actor=None, username=username or f"user{next(_seq)}", password=password, check_password=False)
    if role:
        role_assign(actor=None, user=u, role=role, schools=schools)
    return u


# --- calendars, attendance, discipline, programs -------------------------------------------------------


def session(*, school: School, begin: datetime.date = datetime.date(2025, 8, 25),
            end: datetime.date = datetime.date(2026, 6, 12), calendar_source: str = "periods_with_counts",
            name: str | None = None, school_year: int | None = None, total_instructional_days: int | None = None):
    from casework.calendars.services import session_create

    return session_create(actor=None, school=school, school_year=school_year or end.year,
                          name=name or f"{begin.year}-{end.year} {begin:%b}-{end:%b}", begin=begin, end=end,
                          calendar_source=calendar_source, total_instructional_days=total_instructional_days)


def calendar_dates(*, school: School, days: dict):
    """{date: day kind}, e.g. {date(2025, 11, 27): "holiday"}."""
    from casework.calendars.services import calendar_set_dates

    return calendar_set_dates(actor=None, school=school, days=days)


def attendance_event(*, student: Student, school: School, date: datetime.date, category: str = "unexcused",
                     **fields):
    from casework.attendance.services import attendance_event_record

    return attendance_event_record(actor=None, student=student, school=school, date=date, category=category,
                                   **fields).event


def discipline_action(*, student: Student, school: School, start_date: datetime.date,
                      kind: str = "out_of_school_suspension", length_days=1, action_id: str | None = None, **fields):
    from casework.discipline.services import action_record

    return action_record(actor=None, student=student, school=school, action_id=action_id or f"DA{next(_seq)}",
                         kind=kind, start_date=start_date, length_days=length_days, **fields).row


def course_grade(*, student: Student, school: School, grading_period, course_code: str = "ALG1",
                 letter_grade: str = "", numeric_grade=None, grade_type: str = "Grading Period", **fields):
    from decimal import Decimal

    from casework.grades.services import grade_record

    numeric = None if numeric_grade is None else Decimal(str(numeric_grade))
    return grade_record(actor=None, student=student, school=school, grading_period=grading_period,
                        course_code=course_code, grade_type=grade_type, letter_grade=letter_grade,
                        numeric_grade=numeric, **fields).row


def program_participation(*, student: Student, kind: str = "homeless",
                          begin: datetime.date = datetime.date(2025, 9, 2), **fields):
    from casework.programs.services import program_participation_record

    return program_participation_record(actor=None, student=student, kind=kind, begin=begin, **fields).participation


def case(*, student: Student, case_type: str = "attendance", owner=None, opened_on: datetime.date | None = None):
    from casework.cases.services import case_open

    return case_open(actor=None, student=student, case_type=case_type, owner=owner,
                     opened_on=opened_on or datetime.date(2025, 9, 15))
