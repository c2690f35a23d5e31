import datetime

import pytest
from django.urls import reverse

from casework.tasks.choices import TaskStatus
from casework.tasks.models import CalendarFeed, Task
from casework.tasks.services import task_create, task_update

D = datetime.date


@pytest.fixture
def ppw_client(client, world):
    client.force_login(world.user("ppw"))
    return client


def tab(case):
    return reverse("tasks:case_tasks", kwargs={"case_pk": case.pk})


def form_data(**over):
    data = {"kind": "task", "title": "Call the school nurse", "due_on": "", "in_school_days": "", "starts_at": "",
            "location": "", "assignee": "", "details": ""}
    data.update(over)
    return data


def test_add_with_a_date(ppw_client, world, case_a):
    response = ppw_client.post(tab(case_a), form_data(due_on="2025-12-01", assignee=world.user("ppw").pk))
    assert response.status_code == 302
    task = Task.objects.get(case=case_a)
    assert (task.title, task.due_on, task.assignee) == ("Call the school nurse", D(2025, 12, 1), world.user("ppw"))


def test_add_in_school_days(ppw_client, world, case_a, calendar_a, frozen_today):
    # Today is Tue 11/25: 3 school days skip Thanksgiving, the day after and the weekend.
    response = ppw_client.post(tab(case_a), form_data(in_school_days="3", assignee=world.user("ppw").pk))
    assert response.status_code == 302
    assert Task.objects.get(case=case_a).due_on == D(2025, 12, 2)


def test_school_days_without_a_calendar_asks_for_a_date(ppw_client, world, case_a):
    response = ppw_client.post(tab(case_a), form_data(in_school_days="3", assignee=world.user("ppw").pk))
    assert response.status_code == 400
    assert "this school&#x27;s calendar is not loaded; give a date" in response.content.decode().lower()
    assert 'value="Call the school nurse"' in response.content.decode()  # nothing typed is lost
    assert not Task.objects.exists()


def test_date_and_school_days_together_or_neither(ppw_client, world, case_a):
    both = ppw_client.post(tab(case_a), form_data(due_on="2025-12-01", in_school_days="2",
                                                  assignee=world.user("ppw").pk))
    assert both.status_code == 400 and "not both" in both.content.decode()
    neither = ppw_client.post(tab(case_a), form_data(assignee=world.user("ppw").pk))
    assert neither.status_code == 400 and "Give a due date" in neither.content.decode()
    bad = ppw_client.post(tab(case_a), form_data(due_on="12/45/2025", assignee=world.user("ppw").pk))
    assert bad.status_code == 400


def test_a_meeting_is_due_on_its_day(ppw_client, world, case_a):
    response = ppw_client.post(tab(case_a), form_data(kind="meeting", title="IEP meeting", starts_at="2025-12-03T09:30",
                                                      location="Room 4", assignee=world.user("ppw").pk))
    assert response.status_code == 302
    task = Task.objects.get(case=case_a)
    assert (task.kind, task.due_on, task.location) == ("meeting", D(2025, 12, 3), "Room 4")
    no_time = ppw_client.post(tab(case_a), form_data(kind="meeting", title="SST", assignee=world.user("ppw").pk))
    assert no_time.status_code == 400 and "needs a start" in no_time.content.decode()


def test_tab_lists_open_by_due_date_with_overdue_marked(ppw_client, world, case_a, frozen_today):
    task_create(actor=None, case=case_a, title="Later one", due_on=D(2025, 12, 10))
    task_create(actor=None, case=case_a, title="Late one", due_on=D(2025, 11, 20))
    done = task_create(actor=None, case=case_a, title="Finished one", due_on=D(2025, 11, 1))
    from casework.tasks.services import task_complete
    task_complete(actor=None, task=done, completed_on=D(2025, 11, 2))
    response = ppw_client.get(tab(case_a))
    page = response.content.decode()
    assert [t.title for t in response.context["open_tasks"]] == ["Late one", "Later one"]
    assert [t.title for t in response.context["closed_tasks"]] == ["Finished one"]
    assert page.index("Overdue") < page.index("Late one") < page.index("Later one") < page.index("Finished one")
    assert page.count(">Overdue<") == 1


def test_edit_with_a_stale_version_keeps_the_input(ppw_client, world, case_a):
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 12, 1))
    task_update(actor=None, task=task, title="Letter to the court")  # someone else saves: version 2
    url = reverse("tasks:task_edit", kwargs={"case_pk": case_a.pk, "pk": task.pk})
    response = ppw_client.post(url, form_data(title="My wording", due_on="2025-12-05", version="1",
                                              assignee=world.user("ppw").pk))
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in page
    assert 'value="My wording"' in page and "Letter to the court" in page  # theirs shown beside mine
    assert 'name="version" value="2"' in page
    task.refresh_from_db()
    assert (task.title, task.version) == ("Letter to the court", 2)
    # Saving again is a deliberate overwrite.
    again = ppw_client.post(url, form_data(title="My wording", due_on="2025-12-05", version="2",
                                           assignee=world.user("ppw").pk))
    assert again.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.due_on) == ("My wording", D(2025, 12, 5))


def test_complete_cancel_reopen(ppw_client, world, case_a):
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 12, 1))
    kw = {"case_pk": case_a.pk, "pk": task.pk}
    stale = ppw_client.post(reverse("tasks:task_complete", kwargs=kw), {"version": "7"}, follow=True)
    assert "changed by someone else since you opened it" in stale.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
    done = ppw_client.post(reverse("tasks:task_complete", kwargs=kw), {"version": "1",
                                                                       "next": reverse("caseloads:my_day")})
    assert done["Location"] == reverse("caseloads:my_day")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE
    ppw_client.post(reverse("tasks:task_reopen", kwargs=kw), {"version": "2"})
    empty = ppw_client.post(reverse("tasks:task_cancel", kwargs=kw), {"reason": "", "version": "3"})
    assert empty.status_code == 400
    ppw_client.post(reverse("tasks:task_cancel", kwargs=kw), {"reason": "Meeting called off", "version": "3"})
    task.refresh_from_db()
    assert (task.status, task.cancel_reason) == (TaskStatus.CANCELLED, "Meeting called off")


def test_next_is_only_our_own_pages(ppw_client, world, case_a):
    task = task_create(actor=None, case=case_a, title="Letter", due_on=D(2025, 12, 1))
    kw = {"case_pk": case_a.pk, "pk": task.pk}
    response = ppw_client.post(reverse("tasks:task_complete", kwargs=kw), {"version": "1",
                                                                           "next": "https://evil.example/"})
    assert response["Location"] == tab(case_a)


def test_out_of_scope_is_404(ppw_client, world, case_a, case_b):
    other = task_create(actor=None, case=case_b, title="Visit", due_on=D(2025, 12, 1))
    assert ppw_client.get(tab(case_b)).status_code == 404
    # A task of case B reached through case A's address: still 404, and nothing changes.
    kw = {"case_pk": case_a.pk, "pk": other.pk}
    assert ppw_client.get(reverse("tasks:task_edit", kwargs=kw)).status_code == 404
    assert ppw_client.post(reverse("tasks:task_complete", kwargs=kw)).status_code == 404
    assert ppw_client.post(tab(case_b), form_data(due_on="2025-12-01")).status_code == 404
    assert Task.objects.get(pk=other.pk).status == TaskStatus.OPEN


def test_sensitive_case_tasks_hidden_from_a_ppw_not_named(ppw_client, world):
    from casework.core.testing import factories as f

    crisis = f.case(student=world.student_a, case_type="crisis", owner=world.user("director"))
    task_create(actor=None, case=crisis, title="Safety plan", due_on=D(2025, 12, 1), assignee=world.user("ppw"))
    assert ppw_client.get(tab(crisis)).status_code == 404
    assert "Safety plan" not in ppw_client.get(reverse("tasks:my_tasks")).content.decode()


def test_my_tasks(ppw_client, world, case_a, frozen_today):
    task_create(actor=None, case=case_a, title="Mine", due_on=D(2025, 11, 24))
    task_create(actor=None, case=case_a, title="The director's", due_on=D(2025, 11, 24),
                assignee=world.user("director"))
    response = ppw_client.get(reverse("tasks:my_tasks"))
    assert [t.title for t in response.context["open_tasks"]] == ["Mine"]
    assert response.context["overdue_count"] == 1
    assert "García, José" in response.content.decode()


def test_feed_page_shows_the_url_once(ppw_client, world):
    url = reverse("tasks:feed")
    made = ppw_client.post(url, {"op": "create"})
    feed = CalendarFeed.objects.get(user=world.user("ppw"))
    link = made.context["new_url"]
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.hash(token) == feed.token_hash and token not in feed.token_hash
    later = ppw_client.get(url).content.decode()
    assert token not in later and feed.prefix in later
    ppw_client.post(url, {"op": "revoke"})
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
    assert ppw_client.post(url, {"op": "nonsense"}).status_code == 400


def test_no_new_tasks_on_a_closed_case(ppw_client, world, case_a):
    from casework.cases.models import Case

    Case.objects.filter(pk=case_a.pk).update(status="closed", closed_on=D(2025, 11, 1))
    page = ppw_client.get(tab(case_a)).content.decode()
    assert "Add a task or meeting" not in page and "reopen it to add tasks" in page
    response = ppw_client.post(tab(case_a), form_data(due_on="2025-12-01", assignee=world.user("ppw").pk))
    assert response.status_code == 400 and not Task.objects.exists()


def test_changes_without_a_version_save_nothing(ppw_client, world, case_a):
    """Edit, complete, reopen and cancel all need the version the page showed; a post without one (an old
    page, a hand-made request) saves nothing and says why, instead of overwriting someone's change."""
    task = task_create(actor=None, case=case_a, title="Call school nurse", due_on=D(2025, 12, 1))
    task_update(actor=None, task=task, expected_version=1, title="Call nurse and doctor")  # version 2
    kw = {"case_pk": case_a.pk, "pk": task.pk}
    edit = ppw_client.post(reverse("tasks:task_edit", kwargs=kw),
                           form_data(title="Call school nurse (stale)", due_on="2025-12-01",
                                     assignee=world.user("ppw").pk))
    assert edit.status_code == 400
    assert "Reload the page and try again" in edit.content.decode()
    assert 'value="Call school nurse (stale)"' in edit.content.decode()  # what was typed is still there
    done = ppw_client.post(reverse("tasks:task_complete", kwargs=kw), {}, follow=True)
    assert "nothing was saved" in done.content.decode()
    cancel = ppw_client.post(reverse("tasks:task_cancel", kwargs=kw), {"reason": "Called off"})
    assert cancel.status_code == 400 and "Reload the page and try again" in cancel.content.decode()
    task.refresh_from_db()
    assert (task.title, task.status, task.version) == ("Call nurse and doctor", TaskStatus.OPEN, 2)
    from casework.tasks.services import task_complete
    task_complete(actor=None, task=task, expected_version=2)
    reopen = ppw_client.post(reverse("tasks:task_reopen", kwargs=kw), {"version": ""}, follow=True)
    assert "Reload the page and try again" in reopen.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


def test_the_form_refuses_a_student_name_and_a_far_date(ppw_client, world, case_a, frozen_today):
    response = ppw_client.post(tab(case_a), form_data(title="Home visit García family", due_on="9999-12-31",
                                                      assignee=world.user("ppw").pk))
    page = response.content.decode()
    assert response.status_code == 400
    assert "leave the student&#x27;s name out" in page
    assert "more than two years away" in page
    assert not Task.objects.filter(case=case_a).exists()


def test_a_refused_task_shows_a_summary_linking_to_each_field_above_the_form(ppw_client, world, case_a):
    """On a phone the add form is screens down the page: the summary comes first in the form and is
    focused on load, each error a link to its field."""
    response = ppw_client.post(tab(case_a), form_data(kind="meeting", title="Meet the family",
                                                      location="School office", assignee=world.user("ppw").pk))
    assert response.status_code == 400 and not Task.objects.exists()
    page = response.content.decode()
    form = page[page.index('class="task-form"'):]
    summary = form.index('class="error error-summary"')
    assert summary < form.index('name="kind"')
    assert 'role="alert" tabindex="-1" autofocus' in form[summary:summary + 80]
    assert '<a href="#id_starts_at">Meeting starts — A meeting needs a start date and time.</a>' in form
    assert 'id="id_starts_at"' in form
    assert 'value="Meet the family"' in form and 'value="School office"' in form  # nothing typed is lost
