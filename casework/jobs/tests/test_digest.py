import datetime

import pytest
from django.core import mail
from django.utils import timezone

from casework.cases.models import CaseWorker
from casework.core.testing import factories as f
from casework.jobs.digest import digest_for
from casework.jobs.models import Job, JobStatus
from casework.jobs.services import job_enqueue, job_run_next
from casework.tasks.choices import TaskKind
from casework.tasks.services import task_complete, task_create

TODAY = datetime.date(2026, 11, 24)  # a Tuesday


@pytest.fixture
def setup(world, settings):
    settings.CASEWORK_JOBS_INLINE = False
    settings.CASEWORK_BASE_URL = "https://casework.example.org"
    settings.CASEWORK_DIGEST_DAYS_AHEAD = 7
    ppw = world.user("ppw")
    ppw.email, ppw.first_name = "ppw@example.org", "Pat"
    ppw.save()
    for role in ("director", "supervisor"):
        user = world.user(role)
        user.email = f"{role}@example.org"
        user.save()
    case = f.case(student=world.student_a, owner=ppw, opened_on=datetime.date(2026, 9, 1))

    def task(title, due, **kw):
        return task_create(actor=None, case=case, title=title, due_on=due, **kw)

    tasks = {
        "overdue": task("Call guardian about absences", TODAY - datetime.timedelta(days=3)),
        "today": task("Send attendance letter", TODAY),
        "soon": task("Plan review", TODAY + datetime.timedelta(days=7)),
        "later": task("Quarterly check", TODAY + datetime.timedelta(days=8)),
        "meeting": task("SST meeting", TODAY + datetime.timedelta(days=1), kind=TaskKind.MEETING,
                        starts_at=timezone.make_aware(datetime.datetime(2026, 11, 25, 9, 30)), location="Room 12"),
        "meeting_far": task("IEP meeting", TODAY + datetime.timedelta(days=3), kind=TaskKind.MEETING,
                            starts_at=timezone.make_aware(datetime.datetime(2026, 11, 27, 9, 0))),
        "done": task("Home visit", TODAY - datetime.timedelta(days=5)),
        # The director has only something far off: no e-mail for them.
        "director_far": task("Annual review", TODAY + datetime.timedelta(days=30), assignee=world.user("director")),
    }
    task_complete(actor=None, task=tasks["done"], completed_on=TODAY - datetime.timedelta(days=4))
    return {"world": world, "case": case, "tasks": tasks, "ppw": ppw}


def run_digest():
    job_enqueue(kind="reminders.daily_digest", args={"date": TODAY.isoformat()})
    return job_run_next("w1")


def test_digest_lists_overdue_due_soon_and_meetings(setup):
    job = run_digest()
    assert job.status == JobStatus.DONE
    assert job.message == "1 reminder e-mail sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ppw@example.org"]
    assert message.subject == "Casework: 1 overdue, 2 due this week, 1 meeting soon"
    body = message.body
    number = setup["case"].number
    assert f"- {number}  Call guardian about absences" in body
    assert "was due 11/21/2026 (3 days ago)" in body
    assert "Send attendance letter" in body and "Plan review" in body and "SST meeting" in body
    assert "Wed 11/25/2026 9:30 AM" in body
    for absent in ("Quarterly check", "IEP meeting", "Home visit", "Annual review"):
        assert absent not in body
    assert f"https://casework.example.org/cases/{setup['case'].pk}/tasks/" in body
    # The order: overdue before due-soon before meetings.
    assert body.index("OVERDUE") < body.index("DUE IN THE NEXT 7 DAYS") < body.index("MEETINGS")


def test_no_student_data_in_the_mail(setup):
    run_digest()
    message = mail.outbox[0]
    for text in (message.subject, message.body):
        for name in ("García", "Garcia", "José", "Jose", "100001", "Room 12"):
            assert name not in text


def test_nothing_due_means_no_mail(setup):
    for task in setup["tasks"].values():
        if task.assignee_id == setup["ppw"].pk and task.status == "open":
            task_complete(actor=None, task=task, completed_on=TODAY)
    job = run_digest()
    assert mail.outbox == []
    assert job.message == "0 reminder e-mails sent"


def test_digest_reads_tasks_through_the_policy(setup):
    world = setup["world"]
    ppw, supervisor = setup["ppw"], world.user("supervisor")
    # A task on a school-B case assigned to the school-A PPW: out of their scope, not listed.
    case_b = f.case(student=world.student_b, opened_on=datetime.date(2026, 9, 1))
    task_create(actor=None, case=case_b, title="Out of scope visit", due_on=TODAY, assignee=ppw)
    # A crisis case the supervisor is not named on: their task on it is not mailed to them.
    crisis = f.case(student=world.student_a, owner=ppw, case_type="crisis", opened_on=datetime.date(2026, 9, 1))
    task_create(actor=None, case=crisis, title="Safety plan check", due_on=TODAY, assignee=supervisor)
    assert digest_for(supervisor, TODAY).empty
    assert "Out of scope visit" not in [t.title for t in digest_for(ppw, TODAY).due_soon]
    # Named on the case as a co-worker, the supervisor hears about it.
    CaseWorker.objects.create(case=crisis, user=supervisor)
    assert [t.title for t in digest_for(supervisor, TODAY).due_soon] == ["Safety plan check"]


def test_a_failing_address_does_not_stop_the_others(setup, monkeypatch):
    from django.core.mail import EmailMessage

    world = setup["world"]
    task_create(actor=None, case=setup["case"], title="Sign off plan", due_on=TODAY, assignee=world.user("director"))
    real_send = EmailMessage.send

    def flaky(self, *a, **kw):
        if self.to == ["director@example.org"]:
            raise OSError("mail server refused")
        return real_send(self, *a, **kw)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    job = run_digest()
    assert job.status == JobStatus.DONE and job.message == "1 reminder e-mail sent, 1 failed"
    assert [m.to for m in mail.outbox] == [["ppw@example.org"]]


def test_every_send_failing_fails_the_job_for_a_retry(setup, monkeypatch):
    from django.core.mail import EmailMessage

    monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **kw: (_ for _ in ()).throw(OSError("down")))
    job = run_digest()
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    assert "check the mail settings" in job.error
    assert Job.objects.count() == 1
