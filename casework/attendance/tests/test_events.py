"""Attendance events: idempotent recording, change records, constraints, scoping."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casework.attendance import services as att
from casework.attendance.models import AttendanceEvent
from casework.audit.models import ChangeRecord
from casework.core.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


def record(world, **kw):
    args = {"student": world.student_a, "school": world.school_a, "date": D(2025, 11, 3), "category": "excused"}
    return att.attendance_event_record(actor=None, **{**args, **kw})


def test_record_creates_then_is_unchanged_then_updates(world):
    first = record(world, reason_code="b", minutes_present=0)
    assert first.outcome == att.CREATED
    assert first.event.reason_code == "B"  # codes are stored in capitals
    again = record(world, reason_code="B", minutes_present=0)
    assert again.outcome == att.UNCHANGED
    assert again.event.version == 1
    changed = record(world, reason_code="J", minutes_present=0)
    assert changed.outcome == att.UPDATED
    assert AttendanceEvent.objects.count() == 1
    recs = ChangeRecord.objects.filter(content_type__model="attendanceevent", object_id=str(first.event.pk))
    assert list(recs.values_list("action", flat=True).order_by("id")) == ["create", "update"]
    assert recs.get(action="update").after == {"reason_code": "J"}


def test_import_run_is_not_a_change(world):
    record(world, import_run_id=1)
    assert record(world, import_run_id=2).outcome == att.UNCHANGED


def test_a_tardy_and_an_absence_on_the_same_day_are_two_events(world):
    record(world, category="tardy", minutes_present=200, arrival_time=datetime.time(9, 40))
    record(world, category="early_departure", minutes_present=200, departure_time=datetime.time(13, 0))
    assert AttendanceEvent.objects.filter(student=world.student_a, date=D(2025, 11, 3)).count() == 2


def test_out_of_school_suspension_is_lawful_reason_h_by_default(world):
    event = record(world, category="out_of_school_suspension").event
    assert event.reason_code == "H"


def test_str_shows_ids_only(world):
    event = record(world).event
    assert str(event) == f"student {world.student_a.pk} at school {world.school_a.pk} on 2025-11-03: excused"
    assert "García" not in str(event)


@pytest.mark.parametrize(("fields", "message"), [
    ({"minutes_present": 1500}, "Minutes present must be between 0 and 1440."),
    ({"minutes_scheduled": 0}, "Minutes scheduled must be between 1 and 1440."),
    ({"event_duration": Decimal("1.5")}, "Event duration is a fraction of a day, from 0 to 1."),
    ({"arrival_time": datetime.time(11, 0), "departure_time": datetime.time(9, 0)},
     "The departure time cannot be before the arrival time."),
    ({"reason_code": "B/J"}, "A reason code is a capital letter or a code such as PP-CHILD."),
])
def test_bad_values_are_refused_with_a_clear_message(world, fields, message):
    with pytest.raises(ValidationError) as info:
        record(world, **fields)
    assert message in info.value.messages
    assert not AttendanceEvent.objects.exists()


def test_negative_minutes_are_refused(world):
    with pytest.raises(ValidationError) as info:
        record(world, minutes_present=-5)
    assert "minutes_present" in info.value.message_dict


def test_unknown_category_is_refused(world):
    with pytest.raises(ValidationError) as info:
        record(world, category="skipped")
    assert info.value.message_dict["category"][0].startswith("Unknown attendance category 'skipped'. Use one of:")


def test_update_and_delete_are_audited(world):
    event = record(world).event
    event = att.attendance_event_update(actor=None, event=event, reason_code="a", expected_version=1)
    assert event.reason_code == "A"
    att.attendance_event_delete(actor=None, event=event, expected_version=2)
    assert not AttendanceEvent.objects.exists()
    actions = ChangeRecord.objects.filter(content_type__model="attendanceevent").values_list("action", flat=True)
    assert sorted(actions) == ["create", "delete", "update"]


def test_between_selects_a_schools_events_in_a_date_range(world):
    for day in (D(2025, 11, 3), D(2025, 11, 10), D(2025, 11, 17)):
        f.attendance_event(student=world.student_a, school=world.school_a, date=day)
    qs = AttendanceEvent.objects.filter(school=world.school_a).between(D(2025, 11, 4), D(2025, 11, 17))
    assert [e.date for e in qs] == [D(2025, 11, 10), D(2025, 11, 17)]


# --- scoping ------------------------------------------------------------------------------------------


def test_ppw_of_school_a_does_not_see_school_b_events(world):
    a = f.attendance_event(student=world.student_a, school=world.school_a, date=D(2025, 11, 3))
    b = f.attendance_event(student=world.student_b, school=world.school_b, date=D(2025, 11, 3))
    for role in ("ppw", "school_admin"):
        assert list(AttendanceEvent.objects.for_user(world.user(role), "attendance.view")) == [a]
    for role in ("director", "supervisor", "data_steward"):
        assert set(AttendanceEvent.objects.for_user(world.user(role), "attendance.view")) == {a, b}
    for role in ("school_staff", "auditor", "none"):
        assert not AttendanceEvent.objects.for_user(world.user(role), "attendance.view").exists()


def test_re_import_with_a_whole_number_duration_changes_nothing(world):
    record(world, event_duration=1)
    assert record(world, event_duration=Decimal("1.00")).outcome == att.UNCHANGED


def test_update_of_another_field_keeps_the_reason_code(world):
    event = record(world, reason_code="B").event
    event = att.attendance_event_update(actor=None, event=event, event_duration=Decimal("0.5"))
    assert (event.reason_code, event.event_duration) == ("B", Decimal("0.50"))
