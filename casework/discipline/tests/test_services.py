"""Discipline incidents and actions: idempotent recording, change records, constraints, scoping."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.core.testing import factories as f
from casework.discipline import services as dis
from casework.discipline.models import Action, Incident

D = datetime.date
pytestmark = pytest.mark.django_db


def test_incident_record_is_idempotent_and_audited(world):
    first = dis.incident_record(actor=None, school=world.school_a, incident_id=" 2025-0042 ", date=D(2025, 10, 6),
                                code="FIGHT", description="Altercation in the cafeteria")
    assert first.outcome == dis.CREATED
    assert str(first.row) == f"incident 2025-0042 at school {world.school_a.pk}"  # no description, no names
    again = dis.incident_record(actor=None, school=world.school_a, incident_id="2025-0042", date=D(2025, 10, 6),
                                code="FIGHT", description="Altercation in the cafeteria")
    assert again.outcome == dis.UNCHANGED
    moved = dis.incident_record(actor=None, school=world.school_a, incident_id="2025-0042", date=D(2025, 10, 7),
                                code="FIGHT", description="Altercation in the cafeteria")
    assert moved.outcome == dis.UPDATED
    assert ChangeRecord.objects.filter(content_type__model="incident").count() == 2


def test_suspension_action_counts_days_and_is_lawful_reason_h(world):
    incident = dis.incident_record(actor=None, school=world.school_a, incident_id="I-1", date=D(2025, 10, 6)).row
    res = dis.action_record(actor=None, student=world.student_a, school=world.school_a, action_id="A-1",
                            kind="out_of_school_suspension", start_date=D(2025, 10, 7), length_days=Decimal("3.0"),
                            incident=incident)
    action = res.row
    assert res.outcome == dis.CREATED
    assert (action.is_suspension, action.attendance_reason_code, action.days) == (True, "H", Decimal("3.0"))
    action = dis.action_update(actor=None, action=action, actual_length_days=Decimal("2.5"), expected_version=1)
    assert action.days == Decimal("2.5")
    assert str(action) == f"action A-1 for student {world.student_a.pk} from 2025-10-07"
    assert list(incident.actions.all()) == [action]
    assert ChangeRecord.objects.filter(content_type__model="action", object_id=str(action.pk)).count() == 2


@pytest.mark.parametrize(("kind", "suspension", "reason"), [
    ("in_school_suspension", True, None),  # in school: a day present, not an absence
    ("expulsion", False, None),
    ("other", False, None),
])
def test_only_out_of_school_suspension_carries_a_lawful_absence_reason(world, kind, suspension, reason):
    action = f.discipline_action(student=world.student_a, school=world.school_a, start_date=D(2025, 10, 7), kind=kind)
    assert (action.is_suspension, action.attendance_reason_code) == (suspension, reason)


def test_re_recording_the_same_action_changes_nothing(world):
    kw = {"actor": None, "student": world.student_a, "school": world.school_a, "action_id": "A-9",
          "kind": "out_of_school_suspension", "start_date": D(2025, 10, 7), "length_days": 2}
    dis.action_record(**kw)
    assert dis.action_record(**kw).outcome == dis.UNCHANGED
    assert dis.action_record(**{**kw, "length_days": 3}).outcome == dis.UPDATED
    assert Action.objects.get().length_days == Decimal(3)


def test_negative_length_is_refused_with_a_clear_message(world):
    with pytest.raises(ValidationError) as info:
        f.discipline_action(student=world.student_a, school=world.school_a, start_date=D(2025, 10, 7), length_days=-1)
    assert "The length in days cannot be negative." in info.value.messages
    assert not Action.objects.exists()


def test_unknown_kind_and_other_schools_incident_are_refused(world):
    with pytest.raises(ValidationError) as info:
        f.discipline_action(student=world.student_a, school=world.school_a, start_date=D(2025, 10, 7), kind="detention")
    assert info.value.message_dict["kind"][0].startswith("Unknown discipline action 'detention'.")
    other = dis.incident_record(actor=None, school=world.school_b, incident_id="B-1", date=D(2025, 10, 6)).row
    with pytest.raises(ValidationError) as info:
        f.discipline_action(student=world.student_a, school=world.school_a, start_date=D(2025, 10, 7), incident=other)
    assert info.value.message_dict == {"incident": ["Incident B-1 belongs to another school."]}


def test_ppw_of_school_a_sees_only_school_a_discipline(world):
    a = f.discipline_action(student=world.student_a, school=world.school_a, start_date=D(2025, 10, 7))
    f.discipline_action(student=world.student_b, school=world.school_b, start_date=D(2025, 10, 7))
    ia = dis.incident_record(actor=None, school=world.school_a, incident_id="I-A", date=D(2025, 10, 6)).row
    dis.incident_record(actor=None, school=world.school_b, incident_id="I-B", date=D(2025, 10, 6))
    ppw = world.user("ppw")
    assert list(Action.objects.for_user(ppw, "discipline.view")) == [a]
    assert list(Incident.objects.for_user(ppw, "discipline.view")) == [ia]
    assert Action.objects.for_user(world.user("director"), "discipline.view").count() == 2
    assert not Action.objects.for_user(world.user("school_staff"), "discipline.view").exists()
    assert list(Action.objects.suspensions()) == list(Action.objects.all())
