import datetime

import pytest
from django.core.exceptions import ValidationError

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
