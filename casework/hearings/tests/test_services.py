"""Scheduling, moving, cancelling and closing hearings: the meeting task, the follow-up task, the timeline."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.audit.models import ChangeRecord
from casework.cases.models import CaseEvent
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.hearings import services
from casework.hearings.choices import FamilyAttendance, HearingKind, HearingStatus
from casework.hearings.models import Hearing
from casework.students.models import StudentGuardian
from casework.tasks.choices import TaskKind, TaskStatus
from casework.tasks.models import Task

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))


def test_scheduling_makes_a_meeting_task_for_the_owner_and_a_timeline_entry(world, case):
    ppw = world.user("ppw")
    grandmother = StudentGuardian.objects.get(student=world.student_a)
    hearing = services.hearing_schedule(actor=ppw, case=case, kind=HearingKind.ATTENDANCE_HEARING,
                                        scheduled_at=at(D(2025, 10, 7), 14, 30), place="  Alpha Elementary, room 4 ",
                                        guardians=[grandmother], staff=[world.user("school_admin")],
                                        other_participants="Ana Ruiz, interpreter\n",
                                        notice_sent_on=D(2025, 9, 30), notice_method="certified")
    assert hearing.status == HearingStatus.SCHEDULED and hearing.place == "Alpha Elementary, room 4"
    task = Task.objects.get(pk=hearing.meeting_task_id)
    assert (task.kind, task.assignee, task.due_on, task.starts_at, task.location) == (
        TaskKind.MEETING, ppw, D(2025, 10, 7), at(D(2025, 10, 7), 14, 30), "Alpha Elementary, room 4")
    # The title travels to calendar feeds: the case number, never the student's name.
    assert task.title == f"Attendance hearing ({case.number})" and "García" not in task.title
    assert task.automatic == "hearing"
    entry = CaseEvent.objects.get(case=case, source_model="hearings.hearing", source_id=hearing.pk)
    assert entry.kind == "meeting"
    assert entry.summary == "Attendance hearing scheduled for 10/07/2025 02:30 PM at Alpha Elementary, room 4; " \
                            "notice sent 09/30/2025"
    assert "Pat Guardian (grandmother)" in hearing.participants_label
    assert hearing.participants_label.endswith("Ana Ruiz, interpreter")
    assert ChangeRecord.objects.filter(object_id=str(hearing.pk), action="create").exists()


def test_a_place_and_a_notice_method_are_required(world, case):
    with pytest.raises(ValidationError) as err:
        services.hearing_schedule(actor=None, case=case, kind=HearingKind.REVIEW_BOARD, scheduled_at=at(D(2025, 10, 7)),
                                  place=" ")
    assert "place" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.hearing_schedule(actor=None, case=case, kind=HearingKind.REVIEW_BOARD, scheduled_at=at(D(2025, 10, 7)),
                                  place="Board room", notice_sent_on=D(2025, 10, 1))
    assert "notice_method" in err.value.message_dict
    assert not Hearing.objects.exists() and not Task.objects.exists()


def test_another_students_guardian_cannot_be_invited(world, case):
    other = f.guardian(student=world.student_b)
    link = StudentGuardian.objects.get(guardian=other)
    with pytest.raises(ValidationError):
        services.hearing_schedule(actor=None, case=case, kind=HearingKind.ATTENDANCE_HEARING,
                                  scheduled_at=at(D(2025, 10, 7)), place="Office", guardians=[link])


def test_moving_updates_the_meeting_task_and_cancelling_cancels_it(world, case):
    ppw = world.user("ppw")
    hearing = services.hearing_schedule(actor=ppw, case=case, kind=HearingKind.ATTENDANCE_HEARING,
                                        scheduled_at=at(D(2025, 10, 7)), place="Office")
    hearing = services.hearing_update(actor=ppw, hearing=hearing, expected_version=hearing.version,
                                      scheduled_at=at(D(2025, 10, 9), 9), place="Library")
    task = Task.objects.get(pk=hearing.meeting_task_id)
    assert (task.due_on, task.starts_at, task.location) == (D(2025, 10, 9), at(D(2025, 10, 9), 9), "Library")
    assert CaseEvent.objects.filter(case=case, summary="Attendance hearing moved to 10/09/2025 09:00 AM at Library")
    with pytest.raises(ValidationError) as err:
        services.hearing_update(actor=ppw, hearing=hearing, status=HearingStatus.CANCELLED)
    assert "status_reason" in err.value.message_dict
    hearing = services.hearing_update(actor=ppw, hearing=hearing, status=HearingStatus.CANCELLED,
                                      status_reason="Family moved to Delaware")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and hearing.status == HearingStatus.CANCELLED
    assert CaseEvent.objects.filter(case=case, summary="Attendance hearing cancelled: Family moved to Delaware")
    with pytest.raises(ValidationError):
        services.hearing_update(actor=ppw, hearing=hearing, place="Elsewhere")


def test_a_postponed_hearing_rescheduled_gets_a_new_meeting_task(world, case):
    ppw = world.user("ppw")
    hearing = services.hearing_schedule(actor=ppw, case=case, kind=HearingKind.REVIEW_BOARD,
                                        scheduled_at=at(D(2025, 10, 7)), place="Board room")
    first = hearing.meeting_task_id
    hearing = services.hearing_update(actor=ppw, hearing=hearing, status=HearingStatus.POSTPONED,
                                      status_reason="Board did not meet")
    hearing = services.hearing_update(actor=ppw, hearing=hearing, status=HearingStatus.SCHEDULED,
                                      scheduled_at=at(D(2025, 11, 4)))
    assert Task.objects.get(pk=first).status == TaskStatus.CANCELLED
    new = Task.objects.get(pk=hearing.meeting_task_id)
    assert new.pk != first and new.status == TaskStatus.OPEN and new.due_on == D(2025, 11, 4)
    assert hearing.status_reason == ""


def test_a_stale_version_is_refused(world, case):
    hearing = services.hearing_schedule(actor=None, case=case, kind=HearingKind.ATTENDANCE_HEARING,
                                        scheduled_at=at(D(2025, 10, 7)), place="Office")
    services.hearing_update(actor=None, hearing=hearing, expected_version=hearing.version, place="Library")
    with pytest.raises(ConflictError):
        services.hearing_update(actor=None, hearing=hearing, expected_version=hearing.version, place="Gym")
    with pytest.raises(ConflictError):
        services.hearing_record_outcome(actor=None, hearing=hearing, expected_version=hearing.version,
                                        family_attendance=FamilyAttendance.ATTENDED, outcome="Contract signed")


def test_outcome_with_follow_up_completes_the_meeting_and_adds_a_follow_up_task(world, case):
    ppw = world.user("ppw")
    hearing = services.hearing_schedule(actor=ppw, case=case, kind=HearingKind.ATTENDANCE_HEARING,
                                        scheduled_at=at(D(2025, 10, 7)), place="Office")
    hearing = services.hearing_record_outcome(
        actor=ppw, hearing=hearing, expected_version=hearing.version, family_attendance=FamilyAttendance.ATTENDED,
        attended="Grandmother, PPW, assistant principal", outcome="Attendance contract signed.",
        agreements="On time every day; call the office by 8 am when ill.", follow_up_on=D(2025, 10, 28))
    assert hearing.status == HearingStatus.HELD
    meeting = Task.objects.get(pk=hearing.meeting_task_id)
    assert meeting.status == TaskStatus.DONE and meeting.completed_on == D(2025, 10, 7)
    follow = Task.objects.get(pk=hearing.follow_up_task_id)
    assert (follow.due_on, follow.assignee, follow.status, follow.automatic) == (
        D(2025, 10, 28), ppw, TaskStatus.OPEN, "hearing_follow_up")
    assert follow.title == f"Follow up: Attendance hearing ({case.number})"
    assert follow.details == "On time every day; call the office by 8 am when ill."
    entry = CaseEvent.objects.filter(case=case, source_model="hearings.hearing").order_by("-id").first()
    assert entry.summary == "Attendance hearing held 10/07/2025: family attended. Attendance contract signed."
    assert entry.occurred_at == at(D(2025, 10, 7))
    # Correcting the outcome with a new date moves the same follow-up task rather than adding a second.
    hearing = services.hearing_record_outcome(actor=ppw, hearing=hearing, family_attendance=FamilyAttendance.ATTENDED,
                                              outcome="Attendance contract signed.", follow_up_on=D(2025, 11, 4))
    assert Task.objects.filter(automatic="hearing_follow_up").count() == 1
    assert Task.objects.get(pk=hearing.follow_up_task_id).due_on == D(2025, 11, 4)


def test_outcome_needs_the_familys_attendance_and_a_follow_up_after_the_hearing(world, case):
    hearing = services.hearing_schedule(actor=None, case=case, kind=HearingKind.ATTENDANCE_HEARING,
                                        scheduled_at=at(D(2025, 10, 7)), place="Office")
    with pytest.raises(ValidationError) as err:
        services.hearing_record_outcome(actor=None, hearing=hearing, family_attendance="", outcome="x")
    assert "family_attendance" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.hearing_record_outcome(actor=None, hearing=hearing, family_attendance=FamilyAttendance.REFUSED,
                                        outcome="Refused", follow_up_on=D(2025, 10, 6))
    assert "follow_up_on" in err.value.message_dict
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.SCHEDULED
