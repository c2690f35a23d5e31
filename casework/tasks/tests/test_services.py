import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.cases.models import CaseEvent
from casework.core.errors import ConflictError
from casework.tasks.choices import TaskKind, TaskStatus
from casework.tasks.services import task_cancel, task_complete, task_create, task_reopen, task_update

D = datetime.date


def summaries(case):
    return list(CaseEvent.objects.filter(case=case, kind__in=["task", "meeting"]).values_list("summary", flat=True))


def test_lifecycle_writes_the_timeline(world, case_a):
    ppw = world.user("ppw")
    task = task_create(actor=ppw, case=case_a, title="Call the grandmother", due_on=D(2025, 10, 1))
    assert task.assignee == ppw  # the case owner by default
    task = task_update(actor=ppw, task=task, expected_version=1, due_on=D(2025, 10, 3), title="Call grandmother")
    assert (task.version, task.due_on, task.title) == (2, D(2025, 10, 3), "Call grandmother")
    task = task_cancel(actor=ppw, task=task, reason="Family moved", expected_version=2)
    assert (task.status, task.cancel_reason) == (TaskStatus.CANCELLED, "Family moved")
    task = task_reopen(actor=ppw, task=task)
    assert (task.status, task.cancel_reason, task.completed_on) == (TaskStatus.OPEN, "", None)
    task = task_complete(actor=ppw, task=task, completed_on=D(2025, 10, 2))
    assert (task.status, task.completed_on) == (TaskStatus.DONE, D(2025, 10, 2))
    assert summaries(case_a) == [
        "Task added: Call the grandmother (due 10/01/2025)",
        "Task changed: Call grandmother (due 10/01/2025 → 10/03/2025)",
        "Task cancelled: Call grandmother (Family moved)",
        "Task reopened: Call grandmother",
        "Task done: Call grandmother",
    ]


def test_title_only_change_is_not_on_the_timeline(world, case_a):
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 10, 1))
    task_update(actor=None, task=task, title="Send the letter")
    assert len(summaries(case_a)) == 1


def test_stale_version_is_refused(world, case_a):
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 10, 1))
    task_update(actor=None, task=task, expected_version=1, title="Letter 2")
    with pytest.raises(ConflictError):
        task_update(actor=None, task=task, expected_version=1, title="Mine")
    with pytest.raises(ConflictError):
        task_complete(actor=None, task=task, expected_version=1)


def test_rules(world, case_a):
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 10, 1))
    with pytest.raises(ValidationError):
        task_cancel(actor=None, task=task, reason="  ")
    with pytest.raises(ValidationError):
        task_update(actor=None, task=task, title=" ")
    with pytest.raises(TypeError):
        task_update(actor=None, task=task, status="done")
    with pytest.raises(ValidationError):
        task_reopen(actor=None, task=task)
    task = task_complete(actor=None, task=task)
    with pytest.raises(ValidationError, match="reopen"):
        task_update(actor=None, task=task, title="Late change")
    with pytest.raises(ValidationError):
        task_create(actor=None, case=case_a, title="IEP", due_on=D(2025, 10, 1), kind=TaskKind.MEETING)


def test_a_moved_meeting_says_when(world, case_a):
    from django.utils import timezone

    starts = timezone.make_aware(datetime.datetime(2025, 12, 3, 9, 30))
    meeting = task_create(actor=None, case=case_a, title="SST meeting", due_on=D(2025, 12, 3), kind=TaskKind.MEETING,
                          starts_at=starts)
    task_update(actor=None, task=meeting, starts_at=starts + datetime.timedelta(days=1, hours=4),
                due_on=D(2025, 12, 4))
    assert summaries(case_a)[-1] == "Meeting changed: SST meeting (now 12/04/2025 01:30 PM)"
    with pytest.raises(ValidationError):
        task_update(actor=None, task=meeting, starts_at=None)


# --- titles and places leave Casework (calendar feed, reminder e-mail): no student names or ids ----------


@pytest.mark.parametrize("title", ["Home visit garcia family", "Call GARCÍA", "Call Jose's mother",
                                   "Check SIS 100001 attendance", "Call José García"])
def test_a_title_naming_the_student_is_refused(world, case_a, title):
    """student_a is José García, district id 100001: accent- and case-insensitive, whole words."""
    with pytest.raises(ValidationError) as exc:
        task_create(actor=None, case=case_a, title=title, due_on=D(2025, 12, 1))
    assert exc.value.message_dict["title"][0].startswith("Task titles show in calendars and e-mails")
    assert not case_a.tasks.exists()


def test_a_place_naming_a_linked_sibling_is_refused(world, case_a):
    """A sibling linked to the case counts too; an ordinary title with a near-miss word is fine."""
    from casework.cases.models import CaseStudentLink
    from casework.core.testing import factories as f

    sibling = f.student(school=world.school_a, first_name="Marisol", last_name="Ortega", district_id="100777")
    CaseStudentLink.objects.create(case=case_a, student=sibling)
    with pytest.raises(ValidationError) as exc:
        task_create(actor=None, case=case_a, title="SST meeting", due_on=D(2025, 12, 1), kind=TaskKind.MEETING,
                    starts_at=timezone.make_aware(datetime.datetime(2025, 12, 1, 9)), location="Ortega home")
    assert list(exc.value.message_dict) == ["location"]
    ok = task_create(actor=None, case=case_a, title="Call Garcias Bakery reference", due_on=D(2025, 12, 1))
    assert ok.title == "Call Garcias Bakery reference"  # "garcias" is not the word "garcia"


def test_an_edit_adding_the_name_is_refused(world, case_a):
    task = task_create(actor=None, case=case_a, title="Call home", due_on=D(2025, 12, 1))
    with pytest.raises(ValidationError):
        task_update(actor=None, task=task, expected_version=1, title="Call home (Nguyen? no: Garcia)")
    task.refresh_from_db()
    assert (task.title, task.version) == ("Call home", 1)


def test_due_dates_are_capped_two_years_ahead(world, case_a, frozen_today):
    """Today is pinned to 11/25/2025: 11/26/2027 is the last due date taken, 9999-12-31 is a typo."""
    assert task_create(actor=None, case=case_a, title="Far", due_on=D(2027, 11, 26)).due_on == D(2027, 11, 26)
    for bad in (D(2027, 11, 27), D(9999, 12, 31), D(1999, 12, 31)):
        with pytest.raises(ValidationError) as exc:
            task_create(actor=None, case=case_a, title="Typo", due_on=bad)
        assert "due_on" in exc.value.message_dict
    task = task_create(actor=None, case=case_a, title="Near", due_on=D(2025, 12, 1))
    with pytest.raises(ValidationError):
        task_update(actor=None, task=task, expected_version=1, due_on=D(9999, 12, 31))
    task.refresh_from_db()
    assert task.due_on == D(2025, 12, 1)
