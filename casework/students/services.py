"""Every write to students, guardians, households and enrollments. Importers, the seed generator,
views and the API all come through here."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.core.services import create_audited, update_audited
from casework.schools.models import School

from .models import Enrollment, Guardian, Household, HouseholdAddress, Student, StudentGuardian


def _refresh(student: Student) -> None:
    student.refresh_search_text()


def student_create(*, actor, district_id: str, first_name: str, last_name: str,
                   date_of_birth: datetime.date | None, grade: str, **fields: Any) -> Student:
    if Student.objects.filter(district_id=district_id.strip()).exists():
        raise ValidationError({"district_id": f"A student with district id {district_id.strip()} already exists."})
    return create_audited(Student, actor=actor, derive=_refresh, district_id=district_id.strip(),
                          first_name=first_name.strip(), last_name=last_name.strip(),
                          date_of_birth=date_of_birth, grade=grade, **fields)


def student_update(*, actor, student: Student, expected_version: int | None = None, **changes: Any) -> Student:
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    return update_audited(student, actor=actor, expected_version=expected_version, derive=_refresh, **changes)


def household_create(*, actor, label: str = "", phone: str = "") -> Household:
    return create_audited(Household, actor=actor, label=label, phone=phone)


@transaction.atomic
def household_move(*, actor, household: Household, moved_on: datetime.date, street: str, city: str,
                   postal_code: str, unit: str = "", state: str = "MD",
                   address_type: str = "home") -> HouseholdAddress:
    """Record a new address from `moved_on`; the previous one is closed the day before, never erased."""
    current = household.addresses.select_for_update().filter(end_date__isnull=True).first()
    if current is not None:
        if moved_on <= current.start_date:
            raise ValidationError({"moved_on": f"The move date must be after {current.start_date:%m/%d/%Y}, "
                                               "when the current address began."})
        update_audited(current, actor=actor, end_date=moved_on - datetime.timedelta(days=1))
    return create_audited(HouseholdAddress, actor=actor, household=household, street=street, unit=unit,
                          city=city, state=state, postal_code=postal_code, start_date=moved_on,
                          address_type=address_type)


def guardian_create(*, actor, first_name: str, last_name: str, **fields: Any) -> Guardian:
    return create_audited(Guardian, actor=actor, first_name=first_name.strip(), last_name=last_name.strip(), **fields)


def guardian_update(*, actor, guardian: Guardian, expected_version: int | None = None, **changes: Any) -> Guardian:
    return update_audited(guardian, actor=actor, expected_version=expected_version, **changes)


def guardian_link(*, actor, student: Student, guardian: Guardian, relationship: str, **flags: Any) -> StudentGuardian:
    if StudentGuardian.objects.filter(student=student, guardian=guardian).exists():
        raise ValidationError("This person is already listed as a contact for the student.")
    return create_audited(StudentGuardian, actor=actor, student=student, guardian=guardian,
                          relationship=relationship, **flags)


@transaction.atomic
def enrollment_create(*, actor, student: Student, school: School, entry_date: datetime.date,
                      grade: str | None = None, **fields: Any) -> Enrollment:
    overlapping = Enrollment.objects.filter(student=student, school=school, exit_date__isnull=True)
    if overlapping.exists():
        raise ValidationError(f"The student already has an open enrollment at {school.name}. Exit it first.")
    return create_audited(Enrollment, actor=actor, student=student, school=school, entry_date=entry_date,
                          grade=grade or student.grade, **fields)


def enrollment_exit(*, actor, enrollment: Enrollment, exit_date: datetime.date, exit_code: str = "",
                    expected_version: int | None = None) -> Enrollment:
    if exit_date < enrollment.entry_date:
        raise ValidationError({"exit_date": "The exit date cannot be before the entry date."})
    return update_audited(enrollment, actor=actor, expected_version=expected_version, exit_date=exit_date,
                          exit_code=exit_code)
