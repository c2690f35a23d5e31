"""The ladder's evaluation from the stored indicators: who gets which step, when, and only once."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from casework.cases.models import Case, CaseEvent
from casework.core.testing import factories as f
from casework.enforcement.choices import EventStatus
from casework.enforcement.jobs import evaluate
from casework.enforcement.models import LadderEvent
from casework.enforcement.services import ladder_evaluate
from casework.tasks.models import Task

from .helpers import MON, indicator, step

pytestmark = pytest.mark.django_db


def test_three_unlawful_days_make_the_tier1_letter_due_with_a_task(world):
    indicator(world.student_a, world.school_a, unlawful=3, rate=0.91)
    summary = ladder_evaluate(as_of=MON)
    assert (summary.cases_opened, dict(summary.steps_due)) == (1, {"tier1_letter": 1})
    case = Case.objects.get(student=world.student_a)
    assert case.case_type == "attendance" and case.owner == world.user("ppw") and case.opened_on == MON
    event = LadderEvent.objects.get(case=case)
    # 5 school days after Monday 10/06 (no calendar loaded: weekdays) is Monday 10/13.
    assert (event.step.key, event.status, event.reached_on, event.due_on) == (
        "tier1_letter", EventStatus.DUE, MON, datetime.date(2025, 10, 13))
    assert event.rate_at_start == 0.91
    task = Task.objects.get(case=case)
    assert (task.automatic, task.due_on, task.assignee) == ("ladder:tier1_letter", event.due_on, world.user("ppw"))
    assert "García" not in task.title and "José" not in task.title
    assert CaseEvent.objects.filter(case=case, summary__startswith="Ladder step due: Tier 1").count() == 1


def test_two_unlawful_days_make_nothing_due(world):
    indicator(world.student_a, world.school_a, unlawful=2)
    summary = ladder_evaluate(as_of=MON)
    assert summary.total_due == 0 and summary.students_checked == 1
    assert not Case.objects.exists() and not LadderEvent.objects.exists()


def test_a_truant_student_is_referred_to_the_ppw_immediately(world):
    indicator(world.student_a, world.school_a, unlawful=9, truant=True)
    ladder_evaluate(as_of=MON)
    events = {e.step.key: e for e in LadderEvent.objects.all()}
    assert set(events) == {"tier1_letter", "ppw_referral"}
    assert events["ppw_referral"].due_on == MON  # §7-302.2: immediate (deadline 0 school days)
    assert Task.objects.filter(automatic="ladder:ppw_referral", due_on=MON).count() == 1


def test_habitual_truancy_makes_the_hearing_due(world):
    indicator(world.student_a, world.school_a, unlawful=20, truant=True, habitual=True)
    ladder_evaluate(as_of=MON)
    assert set(LadderEvent.objects.values_list("step__key", flat=True)) == {
        "tier1_letter", "ppw_referral", "attendance_hearing"}


def test_re_running_creates_nothing_new(world):
    indicator(world.student_a, world.school_a, unlawful=9, truant=True)
    ladder_evaluate(as_of=MON)
    counts = (Case.objects.count(), LadderEvent.objects.count(), Task.objects.count(), CaseEvent.objects.count())
    again = ladder_evaluate(as_of=MON)
    later = ladder_evaluate(as_of=MON + datetime.timedelta(days=1))
    assert again.total_due == 0 and later.total_due == 0 and again.cases_opened == 0
    assert (Case.objects.count(), LadderEvent.objects.count(), Task.objects.count(),
            CaseEvent.objects.count()) == counts == (1, 2, 2, 5)  # opened + 2 tasks + 2 steps


def test_the_students_open_attendance_case_is_used(world):
    case = f.case(student=world.student_a, owner=world.user("supervisor"), opened_on=datetime.date(2025, 9, 2))
    indicator(world.student_a, world.school_a, unlawful=4)
    summary = ladder_evaluate(as_of=MON)
    assert summary.cases_opened == 0
    assert LadderEvent.objects.get().case == case
    assert Task.objects.get().assignee == world.user("supervisor")  # the case's owner


def test_the_latest_row_counted_through_the_date_is_read_and_school_filter(world):
    indicator(world.student_a, world.school_a, unlawful=2, as_of=MON)
    indicator(world.student_a, world.school_a, unlawful=5, as_of=MON + datetime.timedelta(days=7))
    indicator(world.student_b, world.school_b, unlawful=6, as_of=MON)
    assert ladder_evaluate(as_of=MON, school=world.school_a).total_due == 0  # the 5-day row is later
    summary = ladder_evaluate(as_of=MON + datetime.timedelta(days=7), school=world.school_a)
    assert dict(summary.steps_due) == {"tier1_letter": 1}
    assert not Case.objects.filter(student=world.student_b).exists()
    # School B has no PPW: its case opens without an owner, and the summary says so.
    summary = ladder_evaluate(as_of=MON)
    assert summary.no_ppw == 1 and Case.objects.get(student=world.student_b).owner is None


def test_from_real_attendance_through_the_indicator_recompute(world):
    from casework.indicators.services import indicators_recompute

    f.session(school=world.school_a)
    for day in (datetime.date(2025, 9, 8), datetime.date(2025, 9, 9)):
        f.attendance_event(student=world.student_a, school=world.school_a, date=day)
    indicators_recompute(as_of=datetime.date(2025, 9, 30), school_ids=[world.school_a.pk])
    assert ladder_evaluate(as_of=datetime.date(2025, 9, 30)).total_due == 0  # 2 unlawful days
    f.attendance_event(student=world.student_a, school=world.school_a, date=datetime.date(2025, 9, 10))
    indicators_recompute(as_of=datetime.date(2025, 10, 1), school_ids=[world.school_a.pk])
    summary = ladder_evaluate(as_of=datetime.date(2025, 10, 1))
    assert dict(summary.steps_due) == {"tier1_letter": 1}
    assert step("tier1_letter").events.get().case.student == world.student_a


def test_command_and_job_run_the_evaluation(world):
    indicator(world.student_a, world.school_a, unlawful=3)
    out = io.StringIO()
    call_command("ladder", "--as-of", MON.isoformat(), "--school", "A100", stdout=out)
    assert "1 attendance case(s) opened, 1 step(s) made due" in out.getvalue()
    assert "tier1_letter: 1" in out.getvalue()
    indicator(world.student_b, world.school_b, unlawful=3)
    seen = []
    job = SimpleNamespace(args={"as_of": MON.isoformat()}, created_by=None)
    message = evaluate(job, lambda done, total=None, message="": seen.append((done, total)))
    assert message.startswith("1 ladder step(s) made due, 1 case(s) opened") and seen[-1] == (2, 2)


def test_command_refuses_a_bad_date(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must be a date"):
        call_command("ladder", "--as-of", "10/06/2025")


def test_a_closed_case_is_not_reopened_by_the_same_count_but_a_new_trigger_opens_one(world):
    from casework.cases.services import case_close

    indicator(world.student_a, world.school_a, unlawful=4)
    ladder_evaluate(as_of=MON)
    case = Case.objects.get()
    case_close(actor=None, case=case, closure_reason="Attendance improved", closed_on=MON)
    assert ladder_evaluate(as_of=MON + datetime.timedelta(days=1)).total_due == 0
    assert Case.objects.count() == 1
    indicator(world.student_a, world.school_a, unlawful=9, truant=True, as_of=MON + datetime.timedelta(days=30))
    summary = ladder_evaluate(as_of=MON + datetime.timedelta(days=30))
    assert (summary.cases_opened, dict(summary.steps_due)) == (1, {"ppw_referral": 1})
    assert Case.objects.open().get().pk != case.pk


def test_max_students_caps_the_run(world):
    kids = [f.student(school=world.school_a) for _ in range(3)]
    for kid in kids:
        indicator(kid, world.school_a, unlawful=3)
    assert ladder_evaluate(as_of=MON, max_students=2).cases_opened == 2
    assert ladder_evaluate(as_of=MON).cases_opened == 1  # the rest on the next (uncapped) run


def test_the_worker_evaluates_the_ladder_each_morning(world, settings):
    """The worker's round at 5:30 on Monday 10/06 queues and runs enforcement.evaluate as of that day; the
    round at 7:30 queues nothing more (one evaluation a day)."""
    from django.utils import timezone

    from casework.jobs import runner
    from casework.jobs.models import Job

    settings.CASEWORK_LADDER_HOUR, settings.CASEWORK_DIGEST_HOUR, settings.CASEWORK_UPLOAD_SWEEP_HOUR = 5, 23, 23
    settings.CASEWORK_RECOMPUTE_HOUR = 23
    indicator(world.student_a, world.school_a, unlawful=3)
    indicator(world.student_b, world.school_b, unlawful=9, truant=True)
    at = timezone.make_aware(datetime.datetime.combine(MON, datetime.time(4, 30)))
    runner.tick("w1", now=at)
    assert not Job.objects.exists() and not Task.objects.exists()
    runner.tick("w1", now=at + datetime.timedelta(hours=1))
    job = Job.objects.get()
    assert (job.kind, job.args, job.status) == ("enforcement.evaluate", {"as_of": "2025-10-06"}, "done")
    assert sorted(Task.objects.values_list("case__student__district_id", "automatic", "due_on")) == [
        ("100001", "ladder:tier1_letter", datetime.date(2025, 10, 13)),
        ("200002", "ladder:ppw_referral", MON),
        ("200002", "ladder:tier1_letter", datetime.date(2025, 10, 13)),
    ]
    runner.tick("w1", now=at + datetime.timedelta(hours=3))
    assert Job.objects.count() == 1 and Task.objects.count() == 3
