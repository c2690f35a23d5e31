"""Calendar writes: idempotent date listing, change records, constraints with clear messages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.calendars import services as cal
from casework.calendars.models import CalendarDate, GradingPeriod, Session
from casework.core.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


def test_set_dates_is_idempotent_and_audited():
    school = f.school()
    days = {D(2025, 11, 27): "holiday", D(2025, 11, 28): "holiday"}
    assert cal.calendar_set_dates(actor=None, school=school, days=days) == cal.SetDatesResult(created=2)
    records = ChangeRecord.objects.filter(content_type__model="calendardate").count()
    assert records == 2
    assert cal.calendar_set_dates(actor=None, school=school, days=days) == cal.SetDatesResult(unchanged=2)
    assert ChangeRecord.objects.filter(content_type__model="calendardate").count() == 2  # nothing written

    result = cal.calendar_set_dates(actor=None, school=school, days={D(2025, 11, 28): "make_up"})
    assert result == cal.SetDatesResult(updated=1)
    row = CalendarDate.objects.get(school=school, date=D(2025, 11, 28))
    assert (row.kind, row.version) == ("make_up", 2)
    rec = ChangeRecord.objects.filter(content_type__model="calendardate", action="update").get()
    assert (rec.before, rec.after) == ({"kind": "holiday"}, {"kind": "make_up"})


def test_set_dates_refuses_an_unknown_kind_and_writes_nothing():
    school = f.school()
    with pytest.raises(ValidationError) as info:
        cal.calendar_set_dates(actor=None, school=school, days={D(2025, 9, 1): "instructional",
                                                                D(2025, 9, 2): "snow"})
    assert "Unknown calendar day kind: snow." in info.value.message_dict["kind"][0]
    assert not CalendarDate.objects.exists()


def test_session_is_audited_and_records_how_the_calendar_arrived():
    school = f.school()
    s = f.session(school=school, calendar_source="dates_listed", total_instructional_days=180)
    assert (s.school_year, s.calendar_source, s.total_instructional_days) == (2026, "dates_listed", 180)
    assert str(s) == f"session {s.pk} of school {school.pk} (2026)"
    assert ChangeRecord.objects.filter(content_type__model="session", object_id=str(s.pk), action="create").exists()


def test_session_ending_before_it_begins_is_refused():
    school = f.school()
    with pytest.raises(ValidationError) as info:
        f.session(school=school, begin=D(2026, 1, 5), end=D(2026, 1, 2))
    assert info.value.messages == ["A session cannot end before it begins."]
    assert not Session.objects.exists()


def test_session_source_must_be_known():
    with pytest.raises(ValidationError) as info:
        f.session(school=f.school(), calendar_source="guessed")
    assert "calendar_source" in info.value.message_dict


def test_grading_periods_unique_per_school_year_kind_and_sequence():
    school = f.school()
    q1 = cal.grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=1,
                                   begin=D(2025, 8, 25), end=D(2025, 10, 31), total_instructional_days=47)
    assert str(q1) == f"quarter 1 of school {school.pk} (2026)"
    with pytest.raises(ValidationError) as info:
        cal.grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=1,
                                  begin=D(2025, 8, 25), end=D(2025, 10, 31))
    assert info.value.messages == ["This school already has this grading period (kind and sequence) in this "
                                   "school year."]
    with pytest.raises(ValidationError) as info:
        cal.grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=2,
                                  begin=D(2025, 11, 3), end=D(2025, 11, 1))
    assert info.value.messages == ["A grading period cannot end before it begins."]
    assert GradingPeriod.objects.count() == 1


def test_grading_period_update_is_audited():
    school = f.school()
    q1 = cal.grading_period_create(actor=None, school=school, school_year=2026, kind="quarter", sequence=1,
                                   begin=D(2025, 8, 25), end=D(2025, 10, 31))
    cal.grading_period_update(actor=None, period=q1, end=D(2025, 11, 3), expected_version=1)
    rec = ChangeRecord.objects.filter(content_type__model="gradingperiod", action="update").get()
    assert rec.after == {"end": "2025-11-03"}


def test_calendars_are_visible_to_every_role(world):
    f.session(school=world.school_b)
    for role in ("ppw", "school_staff", "auditor"):
        assert Session.objects.for_user(world.user(role), "calendar.view").count() == 1
    assert Session.objects.for_user(world.user("none"), "calendar.view").count() == 0
