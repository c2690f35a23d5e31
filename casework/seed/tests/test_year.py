"""The seed's year of attendance, discipline, programs and calendars; the CSV and Ed-Fi XML export."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET  # noqa: S405 - parses files this test wrote
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.attendance.models import AttendanceEvent
from casework.calendars.schooldays import instructional_days
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.schools.models import School
from casework.seed.attendance_plan import student_year
from casework.seed.calendar_plan import INSTRUCTIONAL_DAYS, district_days, plan_calendars
from casework.seed.edfi_xml import INTERCHANGES, NAMESPACE
from casework.seed.export import export_district
from casework.seed.families import plan_households
from casework.seed.plan import AS_OF, SCALES, Scale, plan_layout
from casework.seed.writer import seed_database

TINY = Scale("tiny", students=300, clusters=2, elementary=4, middle=2, alternative=1, special=1, ppws=4)
ABSENT = ("excused", "unexcused", "out_of_school_suspension")


def years(scale: Scale, seed: int, through: date = AS_OF):
    layout = plan_layout(scale, seed)
    calendars = plan_calendars(layout, seed)
    for household in plan_households(layout, scale, seed):
        for s in household.students:
            yield s, calendars, student_year(s, household, calendars, seed).through(through)


def days_absent(events) -> float:
    """Hand-checkable: a full-day absence counts 1, a half day (2 h to under 4 h present) 0.5."""
    return sum(1 if e.minutes_present < 120 else 0.5 if e.minutes_present < 240 else 0
               for e in events if e.category in ABSENT)


def test_district_calendar_has_180_days_and_the_maryland_closures():
    days, closed = district_days()
    assert len(days) == INSTRUCTIONAL_DAYS == 180
    assert days[0] == date(2026, 8, 31) and days[-1] == date(2027, 6, 11)
    for off in (date(2026, 9, 7), date(2026, 9, 21), date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27),
                date(2026, 12, 28), date(2027, 3, 29)):
        assert off not in days and off in closed
    assert all(d.weekday() < 5 for d in days)


def test_one_school_in_ten_sends_periods_with_day_counts():
    calendars = plan_calendars(plan_layout(SCALES["district"], 2026), 2026)
    by_counts = [c for c in calendars.values() if c.source == "periods_with_counts"]
    assert 0.05 * len(calendars) <= len(by_counts) <= 0.15 * len(calendars)
    for cal in by_counts:  # only the closures inside a session are listed
        assert cal.dates and all(d.kind in ("holiday", "teacher_only") for d in cal.dates)


def test_same_seed_same_year_and_through_only_cuts():
    first = [(s.district_id, y) for s, _, y in years(TINY, 5)]
    again = [(s.district_id, y) for s, _, y in years(TINY, 5)]
    assert first == again
    longer = {sid: y for sid, _, y in ((s.district_id, c, y) for s, c, y in years(TINY, 5, date(2027, 6, 15)))}
    for sid, year in first:  # running on to June leaves the snapshot's events as they were
        assert longer[sid].through(AS_OF) == year
    assert sum(len(y.events) for y in longer.values()) > 2 * sum(len(y.events) for _, y in first)


def test_events_only_on_instructional_days_inside_enrollments():
    for s, calendars, year in years(TINY, 9, date(2027, 6, 15)):
        for e in year.events:
            assert e.day in calendars[e.school].days
            assert any(en.school == e.school and en.entry_date <= e.day
                       and (en.exit_date is None or e.day <= en.exit_date) for en in s.enrollments)
        assert len({(e.school, e.day, e.category) for e in year.events}) == len(year.events)
        for e in year.events:
            if e.category in ("excused", "unexcused") and e.minutes_present:
                assert 120 <= e.minutes_present <= 239 and e.event_duration == 0.5


def test_demo_chronic_share_and_program_shares():
    enrolled_10 = chronic = severe = students = homeless = iep = s504 = 0
    for s, calendars, year in years(SCALES["demo"], 2026):
        students += 1
        homeless += s.homeless
        iep += s.has_iep
        s504 += s.has_504
        assert {p.kind for p in year.programs} == ({"homeless"} if s.homeless else set()) | (
            {"special_education"} if s.has_iep else set()) | ({"section_504"} if s.has_504 else set())
        for en in s.enrollments:
            days = [d for d in calendars[en.school].days
                    if en.entry_date <= d <= AS_OF and (en.exit_date is None or d <= en.exit_date)]
            if len(days) < 10:
                continue
            enrolled_10 += 1
            rate = days_absent([e for e in year.events if e.school == en.school]) / len(days)
            chronic += rate >= 0.10
            severe += rate >= 0.20
    assert 0.15 <= chronic / enrolled_10 <= 0.25
    assert 0.03 <= severe / enrolled_10 <= 0.12  # the long tail
    assert 0.02 <= homeless / students <= 0.035
    assert 0.10 <= iep / students <= 0.14
    assert 0.035 <= s504 / students <= 0.06


@pytest.mark.django_db
def test_seeded_database_holds_the_plan_and_indicators_agree_with_it():
    seed_database(scale=TINY, seed=11)
    planned = {}
    expected_chronic = 0
    for s, calendars, year in years(TINY, 11):
        planned[s.district_id] = len(year.events)
        for en in s.enrollments:
            days = [d for d in calendars[en.school].days
                    if en.entry_date <= d <= AS_OF and (en.exit_date is None or d <= en.exit_date)]
            absent = days_absent([e for e in year.events if e.school == en.school])
            expected_chronic += len(days) >= 10 and absent / len(days) >= 0.10
    assert AttendanceEvent.objects.count() == sum(planned.values())
    # Every school's calendar gives 180 days, listed or counted.
    for school in School.objects.all():
        days = instructional_days(school, date(2026, 7, 1), date(2027, 6, 30))
        assert len(days) == 180 and not days.notes
    ytd = StudentIndicator.objects.filter(period_key=YEAR_TO_DATE, as_of=AS_OF)
    assert ytd.count() > 0
    assert ytd.filter(chronic_absent=True).count() == expected_chronic


@pytest.mark.django_db
def test_export_is_well_formed_and_imports_without_rejects(tmp_path):
    summary = export_district(tmp_path, scale=SCALES["demo"], seed=2026)
    for root in INTERCHANGES.values():
        tree = ET.parse(  # noqa: S314
            tmp_path / f"{root}.xml")
        assert tree.getroot().tag == f"{{{NAMESPACE}}}{root}"
    events = ET.parse(tmp_path  # noqa: S314
                       / "InterchangeStudentAttendance.xml").getroot()
    assert len(events) == summary.rows["attendance"]
    first = events[0]
    assert first.tag == f"{{{NAMESPACE}}}StudentSchoolAttendanceEvent"
    # Ed-Fi-Core.xsd 5.0: the AttendanceEvent common type (date and category first), then the references.
    assert [c.tag.split("}")[1] for c in first][:4] == ["AttendanceEvent", "StudentReference", "SchoolReference",
                                                        "SessionReference"]
    assert [c.tag.split("}")[1] for c in first[0]][:2] == ["EventDate", "AttendanceEventCategory"]
    student = ET.parse(tmp_path / "InterchangeStudent.xml").getroot()[0]  # noqa: S314
    assert [c.tag.split("}")[1] for c in student][:3] == ["StudentUniqueId", "Name", "BirthData"]
    with open(tmp_path / "attendance.csv", encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == summary.rows["attendance"]

    with open(tmp_path / "enrollments.csv", encoding="utf-8") as fh:
        codes = {row["school_id"] for row in csv.DictReader(fh)}
    for code in codes:
        School.objects.create(code=code, name=f"School {code}", level="elementary")
    for kind in ("students", "enrollments", "calendar", "attendance", "discipline"):
        call_command("import", "csv", kind, str(tmp_path / f"{kind}.csv"), no_progress=True)
    assert AttendanceEvent.objects.count() == summary.rows["attendance"]


def test_export_command_refuses_bad_options_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="--through needs --export DIR"):
        call_command("seed", through="2027-06-15")
    with pytest.raises(CommandError, match="is not a date; use YYYY-MM-DD"):
        call_command("seed", export=str(tmp_path), through="2027-02-30", no_db=True)
    with pytest.raises(CommandError, match="on or after the seed's snapshot, 2026-11-13"):
        call_command("seed", export=str(tmp_path), through="2026-11-12", no_db=True)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match="Cannot write the export to"):
        call_command("seed", export=str(blocker / "out"), no_db=True, students=10)
