"""A school that sends two Ed-Fi calendars (CalendarCode: the K-5 calendar and a Pre-K one with days off of
its own) imports: Casework keeps one calendar a school, the one with the most instructional days, and the
run says which. It was refused as duplicate dates, naming no calendar."""

import datetime

import pytest

from casework.calendars.models import CalendarDate
from casework.imports.models import ImportRun

from . import test_edfi_fixtures as sample
from .test_edfi_import import edfi, indicators, rejects

pytestmark = pytest.mark.django_db
URI = sample.URI


def _date(code, day, event):
    return (f"<CalendarDate><CalendarReference><CalendarIdentity><CalendarCode>{code}</CalendarCode>"
            f"{sample.school_ref(100)}<SchoolYear>2026</SchoolYear></CalendarIdentity></CalendarReference>"
            f"<Date>{day.isoformat()}</Date><CalendarEvent>{URI}CalendarEventDescriptor#{event}</CalendarEvent>"
            "</CalendarDate>\n")


def test_two_calendars_at_one_school_keep_the_main_one(tmp_path):
    """100-2026 (the fixture's) lists the 20 weekdays 9/1-9/26 as instructional and 9/29 a holiday.
    PK lists the same weekdays, but 9/5 and 9/12 as teacher-only days off for Pre-K (18 instructional).
    School 100 keeps 100-2026: its students' indicators are the same as with that calendar alone."""
    folder = sample.write_edfi(tmp_path / "set")
    alone = edfi(folder)
    assert alone.status == ImportRun.Status.COMMITTED, rejects(alone)
    before = indicators()

    days_off = {datetime.date(2025, 9, 5), datetime.date(2025, 9, 12)}
    body = "".join(_date("PK-2026", d, "Teacher only day" if d in days_off else "Instructional day")
                   for d in sample.weekdays())
    (folder / "EducationOrgCalendar.xml").write_text(sample.calendar().replace(
        "</InterchangeEducationOrgCalendar>", body + "</InterchangeEducationOrgCalendar>"))
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    assert ("School 100 sends 2 calendars (100-2026: 20 instructional day(s), PK-2026: 18 instructional day(s)). "
            "Casework keeps one calendar a school: every student there is counted on 100-2026") in run.message
    stored = CalendarDate.objects.filter(school__code="100", date__in=days_off)
    assert sorted(stored.values_list("kind", flat=True)) == ["instructional", "instructional"]
    assert indicators() == before


def test_one_calendar_listing_a_date_twice_is_still_a_duplicate(tmp_path):
    folder = sample.write_edfi(tmp_path / "set")
    twice = _date("100-2026", datetime.date(2025, 9, 3), "Holiday")
    (folder / "EducationOrgCalendar.xml").write_text(sample.calendar().replace(
        "</InterchangeEducationOrgCalendar>", twice + "</InterchangeEducationOrgCalendar>"))
    run = edfi(folder)
    assert run.status == ImportRun.Status.REFUSED
    assert any(field == "Date" and reason.startswith("Duplicate: this school's date is already on")
               for _, _, field, reason in rejects(run))
