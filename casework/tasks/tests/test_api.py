import datetime

import pytest
from rest_framework.test import APIClient

from casework.accounts.services import token_issue
from casework.tasks.choices import TaskStatus
from casework.tasks.services import task_complete, task_create, task_update

D = datetime.date


@pytest.fixture
def api(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(actor=None, user=world.user('ppw'))}")
    return client


def test_list_filters_and_scope(api, world, case_a, case_b):
    mine = task_create(actor=None, case=case_a, title="Mine", due_on=D(2025, 12, 2))
    theirs = task_create(actor=None, case=case_a, title="Director's", due_on=D(2025, 12, 1),
                         assignee=world.user("director"))
    done = task_create(actor=None, case=case_a, title="Done", due_on=D(2025, 11, 1))
    task_complete(actor=None, task=done)
    task_create(actor=None, case=case_b, title="Other school", due_on=D(2025, 12, 1))

    def ids(query=""):
        response = api.get(f"/api/v1/tasks/{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [done.pk, theirs.pk, mine.pk]  # by due date; school B's task is not there
    assert ids("?assignee=me&status=open") == [mine.pk]
    assert ids(f"?case={case_a.pk}&status=done") == [done.pk]
    assert ids(f"?case={case_b.pk}") == []
    assert api.get("/api/v1/tasks/?status=finished").status_code == 400
    assert api.get("/api/v1/tasks/?case=abc").status_code == 400
    row = api.get(f"/api/v1/tasks/{mine.pk}/").json()
    assert (row["case_number"], row["title"], row["version"]) == (case_a.number, "Mine", 1)
    assert "García" not in str(row)


def test_complete(api, world, case_a, case_b):
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 12, 2))
    task_update(actor=None, task=task, title="Letter 2")
    stale = api.post(f"/api/v1/tasks/{task.pk}/complete/", {"version": 1}, format="json")
    assert stale.status_code == 409
    ok = api.post(f"/api/v1/tasks/{task.pk}/complete/", {"version": 2, "completed_on": "2025-12-01"}, format="json")
    assert ok.status_code == 200
    assert (ok.json()["status"], ok.json()["completed_on"]) == (TaskStatus.DONE, "2025-12-01")
    again = api.post(f"/api/v1/tasks/{task.pk}/complete/", {"version": 3}, format="json")
    assert again.status_code == 400 and "already done" in again.json()["detail"]
    other = task_create(actor=None, case=case_b, title="Visit", due_on=D(2025, 12, 2))
    assert api.post(f"/api/v1/tasks/{other.pk}/complete/", {}, format="json").status_code == 404


def test_complete_without_a_version_is_refused(api, world, case_a):
    """No version, no write: the caller cannot know it is not overwriting someone else's change."""
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 12, 2))
    response = api.post(f"/api/v1/tasks/{task.pk}/complete/", {"completed_on": "2025-12-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["version"] == ["Give the task's version you read, so nobody's change is overwritten."]
    task.refresh_from_db()
    assert (task.status, task.version) == (TaskStatus.OPEN, 1)


def test_reading_tasks_is_in_the_access_log(api, world, case_a, case_b):
    from casework.audit.models import AccessLog

    task = task_create(actor=None, case=case_a, title="Call back", due_on=D(2025, 12, 2))
    assert api.get(f"/api/v1/tasks/{task.pk}/", {"purpose": "home visit"}).status_code == 200
    assert api.get("/api/v1/tasks/", {"case": case_b.pk}).json()["results"] == []  # nothing read, nothing logged
    assert api.get("/api/v1/tasks/").status_code == 200
    assert list(AccessLog.objects.filter(action=AccessLog.Action.API).order_by("id")
                .values_list("student_id", "detail", "purpose")) == [
        (world.student_a.pk, f"api task {task.pk}", "home visit"),
        (world.student_a.pk, "api task list", ""),
    ]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("case", "²", "Give the case id as a whole number in digits 0-9, e.g. ?case=12."),
    ("case", "abc", "Give the case id as a whole number in digits 0-9, e.g. ?case=12."),
    ("assignee", "²", 'Give the user id (or "me") as a whole number in digits 0-9, e.g. ?assignee=12.'),
])
def test_an_id_parameter_that_is_not_plain_digits_is_a_400_with_a_message(api, case_a, name, value, message):
    r = api.get("/api/v1/tasks/", {name: value})
    assert (r.status_code, r.json()) == (400, {name: message})
