"""A letter counts the student's school year in the district: a child who changed schools mid-year has the
absences of both schools, as the SIS and §7-302.2 count them, and a day enrolled at two schools counts
once. Calendars: the weekdays 9/1-9/26/2025 at both schools; the letters are made as of 9/19."""

from __future__ import annotations

import datetime

import pytest

from casework.core.testing import factories as f
from casework.letters import render
from casework.letters.services import letter_create
from casework.mailings.tests.helpers import mailable_student, ship_tier1_template
from casework.students.models import Enrollment

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 9, 19)


def _school_days(school):
    days = [D(2025, 9, 1) + datetime.timedelta(days=n) for n in range(26)]
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    f.calendar_dates(school=school, days={d: "instructional" for d in days if d.weekday() < 5})


@pytest.fixture
def transfer(world):
    """Ana: at Alpha 9/1-9/12 (unexcused 9/3; excused for illness, COMAR B, 9/4), at Beta from 9/15
    (unexcused 9/16 and 9/18). By hand as of 9/19: absent 4 days, unlawful 3 (9/3, 9/16, 9/18).
    Beta alone would say 2 and 2."""
    a, b = world.school_a, world.school_b
    for school in (a, b):
        _school_days(school)
    ana = mailable_student(a, first_name="Ana", last_name="Alvarez")
    Enrollment.objects.filter(student=ana).update(entry_date=D(2025, 9, 1), exit_date=D(2025, 9, 12))
    f.enrollment(student=ana, school=b, entry_date=D(2025, 9, 15))
    f.attendance_event(student=ana, school=a, date=D(2025, 9, 3), category="unexcused")
    f.attendance_event(student=ana, school=a, date=D(2025, 9, 4), category="excused", reason_code="B")
    for day in (D(2025, 9, 16), D(2025, 9, 18)):
        f.attendance_event(student=ana, school=b, date=day, category="unexcused")
    return ana


def test_a_transfer_counts_both_schools(world, transfer):
    b = world.school_b
    assert render.absences_for([transfer.pk], b, AS_OF) == {
        (transfer.pk, b.pk): (4.0, 3.0, [D(2025, 9, 3), D(2025, 9, 16), D(2025, 9, 18)])}
    assert render.absences(transfer, b, AS_OF) == (4.0, 3.0, [D(2025, 9, 3), D(2025, 9, 16), D(2025, 9, 18)])


def test_the_letter_names_the_current_school_and_the_whole_year(world, transfer):
    ship_tier1_template()
    case = f.case(student=transfer, owner=world.user("supervisor"), opened_on=D(2025, 9, 17))
    letter = letter_create(actor=world.user("supervisor"), case=case, template_key="tier1_letter", as_of=AS_OF)
    assert "The unlawful absences were on: 09/03/2025, 09/16/2025, 09/18/2025." in letter.body_text
    assert letter.return_lines[0] == world.school_b.name


def test_a_day_enrolled_at_two_schools_counts_once(world):
    """Ben is enrolled at both schools all month (a shared-time program); 9/10 unexcused at both, 9/11
    unexcused at Beta only, 9/12 excused (B) at Alpha and unexcused at Beta. By hand: absent 3 days
    (9/10, 9/11, 9/12), unlawful 3: each day counts where it counts most."""
    a, b = world.school_a, world.school_b
    for school in (a, b):
        _school_days(school)
    ben = mailable_student(a, first_name="Ben", last_name="Brooks")
    Enrollment.objects.filter(student=ben).update(entry_date=D(2025, 9, 1))
    f.enrollment(student=ben, school=b, entry_date=D(2025, 9, 1))
    for school in (a, b):
        f.attendance_event(student=ben, school=school, date=D(2025, 9, 10), category="unexcused")
    f.attendance_event(student=ben, school=b, date=D(2025, 9, 11), category="unexcused")
    f.attendance_event(student=ben, school=a, date=D(2025, 9, 12), category="excused", reason_code="B")
    f.attendance_event(student=ben, school=b, date=D(2025, 9, 12), category="unexcused")
    assert render.absences_for([ben.pk], a, AS_OF) == {
        (ben.pk, a.pk): (3.0, 3.0, [D(2025, 9, 10), D(2025, 9, 11), D(2025, 9, 12)])}
