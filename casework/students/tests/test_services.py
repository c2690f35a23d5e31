"""Domain rules of the student services: address history, enrollments, identity, search keys."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.core.testing import factories as f
from casework.students import services as st
from casework.students.models import Enrollment, HouseholdAddress, Student

D = datetime.date
pytestmark = pytest.mark.django_db


def move(household, day, street="1 Elm St"):
    return st.household_move(actor=None, household=household, moved_on=day, street=street, city="Rockville",
                             postal_code="20850")


# --- household_move -----------------------------------------------------------------------------------


def test_move_closes_previous_address_the_day_before():
    h = st.household_create(actor=None, label="Ruiz")
    first = move(h, D(2024, 7, 1))
    second = move(h, D(2025, 3, 15), street="9 Oak Ave")
    first.refresh_from_db()
    assert first.end_date == D(2025, 3, 14)
    assert second.start_date == D(2025, 3, 15)
    assert second.end_date is None
    assert h.current_address == second
    assert list(h.addresses.values_list("street", flat=True)) == ["9 Oak Ave", "1 Elm St"]  # newest first


def test_move_on_first_of_march_in_a_leap_year():
    h = st.household_create(actor=None)
    first = move(h, D(2023, 9, 1))
    move(h, D(2024, 3, 1), street="2 Elm St")
    first.refresh_from_db()
    assert first.end_date == D(2024, 2, 29)


def test_move_the_day_after_the_current_start_is_allowed():
    h = st.household_create(actor=None)
    first = move(h, D(2025, 1, 10))
    move(h, D(2025, 1, 11), street="2 Elm St")
    first.refresh_from_db()
    assert first.end_date == D(2025, 1, 10)  # a one-day stay, start == end


@pytest.mark.parametrize("day", [D(2025, 3, 15), D(2025, 3, 14), D(2020, 1, 1)])
def test_move_not_after_current_start_is_refused(day):
    h = st.household_create(actor=None)
    current = move(h, D(2025, 3, 15))
    with pytest.raises(ValidationError) as info:
        move(h, day, street="Other St")
    assert info.value.message_dict == {
        "moved_on": ["The move date must be after 03/15/2025, when the current address began."]}
    current.refresh_from_db()
    assert current.end_date is None
    assert HouseholdAddress.objects.filter(household=h).count() == 1


def test_first_address_of_a_household_needs_no_previous_one():
    h = st.household_create(actor=None)
    addr = move(h, D(1999, 12, 31))
    assert (addr.start_date, addr.end_date, addr.state, addr.address_type) == (D(1999, 12, 31), None, "MD", "home")


# --- enrollments --------------------------------------------------------------------------------------


def test_second_open_enrollment_at_the_same_school_is_refused():
    school = f.school(name="Alpha Elementary")
    s = f.student(school=school, entry_date=D(2025, 8, 25))
    with pytest.raises(ValidationError) as info:
        st.enrollment_create(actor=None, student=s, school=school, entry_date=D(2025, 9, 2))
    assert info.value.messages == ["The student already has an open enrollment at Alpha Elementary. Exit it first."]
    assert Enrollment.objects.filter(student=s).count() == 1


def test_open_enrollment_elsewhere_and_reenrollment_after_exit_are_allowed():
    a, b = f.school(), f.school()
    s = f.student(school=a, entry_date=D(2025, 8, 25))
    st.enrollment_create(actor=None, student=s, school=b, entry_date=D(2025, 8, 25), primary=False)
    first = Enrollment.objects.get(student=s, school=a)
    st.enrollment_exit(actor=None, enrollment=first, exit_date=D(2025, 10, 31), exit_code="W02")
    again = st.enrollment_create(actor=None, student=s, school=a, entry_date=D(2026, 1, 5), grade="06")
    assert again.grade == "06"
    assert Enrollment.objects.filter(student=s, exit_date__isnull=True).count() == 2


def test_exit_before_entry_is_refused():
    school = f.school()
    s = f.student(school=school, entry_date=D(2025, 8, 25))
    e = Enrollment.objects.get(student=s)
    with pytest.raises(ValidationError) as info:
        st.enrollment_exit(actor=None, enrollment=e, exit_date=D(2025, 8, 24))
    assert info.value.message_dict == {"exit_date": ["The exit date cannot be before the entry date."]}
    e.refresh_from_db()
    assert (e.exit_date, e.version) == (None, 1)


def test_exit_on_the_entry_day_is_allowed():
    s = f.student(school=f.school(), entry_date=D(2025, 8, 25))
    e = st.enrollment_exit(actor=None, enrollment=Enrollment.objects.get(student=s), exit_date=D(2025, 8, 25))
    assert e.exit_date == D(2025, 8, 25)
    assert e.version == 2


def test_enrollment_created_with_exit_before_entry_is_refused():
    s = f.student()
    with pytest.raises(ValidationError):
        st.enrollment_create(actor=None, student=s, school=f.school(), entry_date=D(2025, 8, 25),
                             exit_date=D(2025, 8, 1))
    assert not Enrollment.objects.filter(student=s).exists()


def test_enrollment_grade_defaults_to_the_students_grade():
    s = f.student(grade="KG")
    e = st.enrollment_create(actor=None, student=s, school=f.school(), entry_date=D(2025, 8, 25))
    assert e.grade == "KG"


# --- identity -----------------------------------------------------------------------------------------


def test_duplicate_district_id_is_refused_with_a_clear_message():
    f.student(district_id="100001")
    records = ChangeRecord.objects.count()
    for dup in ("100001", " 100001 "):
        with pytest.raises(ValidationError) as info:
            st.student_create(actor=None, district_id=dup, first_name="Other", last_name="Child",
                              date_of_birth=D(2015, 1, 1), grade="04")
        assert info.value.message_dict == {"district_id": ["A student with district id 100001 already exists."]}
    assert Student.objects.filter(district_id="100001").count() == 1
    assert ChangeRecord.objects.count() == records


def test_changing_district_id_to_a_taken_one_is_refused():
    f.student(district_id="100001")
    other = f.student(district_id="100002")
    with pytest.raises(ValidationError) as info:
        st.student_update(actor=None, student=other, district_id="100001")
    assert "district_id" in info.value.message_dict
    other.refresh_from_db()
    assert other.district_id == "100002"


def test_create_strips_names_and_id():
    s = st.student_create(actor=None, district_id="  4455 ", first_name=" Ana ", last_name=" Ruiz ",
                          date_of_birth=D(2015, 1, 1), grade="04")
    assert (s.district_id, s.first_name, s.last_name) == ("4455", "Ana", "Ruiz")
    assert s.search_text == "ruiz ana 4455"


# --- search keys --------------------------------------------------------------------------------------


def test_search_text_refreshed_on_rename():
    s = f.student(first_name="José", last_name="García", district_id="100001")
    assert s.search_text == "garcia jose 100001"
    st.student_update(actor=None, student=s, last_name="Ramírez", preferred_name="Pepe")
    s.refresh_from_db()
    assert s.search_text == "ramirez jose pepe 100001"
    assert list(Student.objects.search(["ramirez"])) == [s]
    assert list(Student.objects.search(["pepe"])) == [s]
    assert list(Student.objects.search(["garcia"])) == []


def test_search_text_is_not_in_the_change_record():
    s = f.student(first_name="Ana", last_name="Ruiz")
    st.student_update(actor=None, student=s, last_name="Vega")
    rec = ChangeRecord.objects.filter(content_type__model="student", object_id=str(s.pk), action="update").latest("id")
    assert rec.after == {"last_name": "Vega"}
