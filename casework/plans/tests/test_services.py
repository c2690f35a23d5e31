import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.cases.models import CaseEvent
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.plans.choices import Comparator, Metric, PlanStatus, PointSource
from casework.plans.models import Goal, Intervention, Plan, PlanRevision, ProgressPoint
from casework.plans.services import (
    GoalSpec,
    InterventionSpec,
    intervention_create,
    intervention_update,
    plan_revise,
    progress_record,
)
from casework.tasks.choices import TaskStatus
from casework.tasks.models import Task

from .helpers import REVIEW, START, attendance_goal, library, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=datetime.date(2025, 9, 15))


def test_default_library_is_shipped_with_tiers():
    names = dict(Intervention.objects.values_list("name", "tier"))
    assert names["Check-in/check-out"] == 2
    assert names["Level 2 non-school-based alternative program"] == 3
    assert names["Wake-up call"] == 1
    assert len(names) >= 13


def test_intervention_create_and_update_are_audited(world):
    director = world.user("director")
    i = intervention_create(actor=director, name="  Lunch bunch ", tier=1)
    assert i.name == "Lunch bunch"
    i = intervention_update(actor=director, intervention=i, expected_version=1, active=False)
    assert (i.active, i.version) == (False, 2)
    records = ChangeRecord.objects.filter(content_type__app_label="plans", content_type__model="intervention",
                                          object_id=str(i.pk))
    assert records.count() == 2
    with pytest.raises(ConflictError):
        intervention_update(actor=director, intervention=i, expected_version=1, tier=3)
    with pytest.raises(ValidationError):
        intervention_create(actor=director, name=" ", tier=1)


def test_goal_text_is_generated_from_its_fields(case):
    plan = make_plan(case=case, goals=[
        attendance_goal("90", 4),
        GoalSpec(metric=Metric.UNLAWFUL_ABSENCES, target=Decimal("0"), comparator=Comparator.AT_MOST, weeks=1),
        GoalSpec(metric=Metric.OTHER, other_metric="Homework turned in", target=Decimal("3.5"), weeks=2),
    ])
    assert [g.text for g in plan.goals.all()] == [
        "Attendance rate at least 90% for 4 consecutive weeks",
        "Unlawful absences at most 0 days a week for 1 week",
        "Homework turned in at least 3.5 for 2 consecutive weeks",
    ]


def test_plan_create_adds_timeline_entry_and_review_task(world, case):
    ppw = world.user("ppw")
    plan = make_plan(case=case, actor=ppw)
    assert (plan.revision, plan.status, plan.owner) == (1, PlanStatus.ACTIVE, ppw)
    task = Task.objects.get(case=case, automatic="plan_review")
    assert task.due_on == REVIEW
    assert task.assignee == ppw
    assert task.status == TaskStatus.OPEN
    assert plan.review_task == task
    assert "Ann" not in task.title and task.title == "Plan review due"  # no student name in a feed title
    entry = CaseEvent.objects.get(case=case, kind="plan")
    assert entry.summary.startswith("Plan started: Attendance plan (review 11/17/2025)")
    assert entry.source_model == "plans.plan" and entry.source_id == plan.pk
    assert plan.interventions.get().tier == 2  # the library's tier when none is given


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"goals": []}, "at least one measurable goal"),
    ({"review_on": START - datetime.timedelta(days=1)}, "on or after the start date"),
    ({"goals": [GoalSpec(metric=Metric.OTHER, target=Decimal(1))]}, "Other"),
    ({"goals": [attendance_goal("120")]}, "0 to 100"),
])
def test_plan_create_refuses_bad_input(case, kwargs, message):
    from casework.plans.services import plan_create

    args = {"actor": None, "case": case, "title": "Plan", "start_on": START, "review_on": REVIEW,
            "goals": [attendance_goal()]} | kwargs
    with pytest.raises(ValidationError, match=message):
        plan_create(**args)
    assert not Plan.objects.exists()


def test_no_plan_on_a_closed_case(world, case):
    from casework.cases.services import case_close

    case = case_close(actor=None, case=case, closure_reason="Moved", closed_on=datetime.date(2025, 10, 1))
    with pytest.raises(ValidationError, match="closed"):
        make_plan(case=case)


def test_revise_keeps_a_snapshot_bumps_revision_and_writes_timeline(world, case):
    ppw = world.user("ppw")
    plan = make_plan(case=case, actor=ppw)
    goal = plan.goals.get()
    cico = plan.interventions.get()
    plan = plan_revise(
        actor=ppw, plan=plan, reason="Attendance improving; add mentoring", expected_version=plan.version,
        effective_on=datetime.date(2025, 10, 27), review_on=datetime.date(2025, 12, 1),
        goals=[GoalSpec(id=goal.pk, metric=Metric.ATTENDANCE_RATE, target=Decimal("92"), weeks=4)],
        interventions=[InterventionSpec(id=cico.pk, intervention=cico.intervention, start_on=START, frequency="daily",
                                        responsible="Counselor"),
                       InterventionSpec(intervention=library("Mentoring"), start_on=datetime.date(2025, 10, 27),
                                        frequency="weekly")])
    assert plan.revision == 2
    rev = PlanRevision.objects.get(plan=plan)
    assert rev.number == 2
    assert rev.revised_by == ppw and rev.revised_on == datetime.date(2025, 10, 27)
    # The snapshot is the plan BEFORE the change.
    assert rev.snapshot["revision"] == 1
    assert rev.snapshot["review_on"] == "2025-11-17"
    assert rev.snapshot["goals"][0]["text"] == "Attendance rate at least 90% for 4 consecutive weeks"
    assert [i["name"] for i in rev.snapshot["interventions"]] == ["Check-in/check-out"]
    assert "Review date: 11/17/2025 \u2192 12/01/2025" in rev.changes
    assert "Goal changed: Attendance rate at least 90% for 4 consecutive weeks \u2192 Attendance rate at least 92%" \
        in rev.changes
    assert "Intervention added: Mentoring (tier 2), weekly" in rev.changes
    assert "Intervention changed" not in rev.changes  # the same values
    assert CaseEvent.objects.filter(case=case, kind="plan",
                                    summary="Plan revised (rev 2): Attendance improving; add mentoring").exists()
    # The open review task moved with the review date.
    task = Task.objects.get(case=case, automatic="plan_review")
    assert task.due_on == datetime.date(2025, 12, 1)


def test_revise_with_a_stale_version_is_refused_and_changes_nothing(world, case):
    plan = make_plan(case=case)
    old = plan.version
    plan_revise(actor=None, plan=plan, reason="First", expected_version=old, title="Renamed")
    with pytest.raises(ConflictError):
        plan_revise(actor=None, plan=plan, reason="Second", expected_version=old, title="Other name")
    plan.refresh_from_db()
    assert (plan.title, plan.revision) == ("Renamed", 2)
    assert PlanRevision.objects.filter(plan=plan).count() == 1


def test_revise_needs_a_reason_and_a_change(case):
    plan = make_plan(case=case)
    with pytest.raises(ValidationError, match="before the plan started"):
        plan_revise(actor=None, plan=plan, reason="Backdated", title="New", effective_on=START - datetime.timedelta(1))
    with pytest.raises(ValidationError, match="Say why"):
        plan_revise(actor=None, plan=plan, reason=" ", title="New")
    with pytest.raises(ValidationError, match="Nothing in the plan was changed"):
        plan_revise(actor=None, plan=plan, reason="Reviewed", title=plan.title)
    plan.refresh_from_db()
    assert plan.revision == 1


def test_dropping_a_goal_keeps_its_progress(world, case):
    plan = make_plan(case=case, goals=[attendance_goal(), GoalSpec(metric=Metric.DAYS_SUSPENDED, target=Decimal(0),
                                                                   comparator=Comparator.AT_MOST, weeks=2)])
    g1, g2 = plan.goals.all()
    progress_record(actor=None, plan=plan, goal=g2, week_of=datetime.date(2025, 10, 8), value=Decimal(0))
    plan = plan_revise(actor=None, plan=plan, reason="No suspensions this year",
                       goals=[GoalSpec(id=g1.pk, metric=g1.metric, target=g1.target, weeks=g1.weeks)])
    g2.refresh_from_db()
    assert g2.dropped_in == 2
    assert list(plan.goals.current()) == [g1]
    assert g2.points.count() == 1
    assert "Goal dropped: Days suspended at most 0 days a week for 2 consecutive weeks" in plan.revisions.get().changes
    with pytest.raises(ValidationError, match="dropped in revision 2"):
        progress_record(actor=None, plan=plan, goal=g2, week_of=datetime.date(2025, 10, 15), value=Decimal(0))


def test_completing_a_plan_cancels_its_review_task(case):
    plan = make_plan(case=case)
    plan_revise(actor=None, plan=plan, reason="Goal met for 4 weeks", status=PlanStatus.COMPLETED)
    task = Task.objects.get(case=case, automatic="plan_review")
    assert task.status == TaskStatus.CANCELLED


def test_a_plan_taken_up_again_gets_a_new_review_task(case):
    plan = make_plan(case=case)
    plan = plan_revise(actor=None, plan=plan, reason="Family moved", status=PlanStatus.DISCONTINUED)
    plan = plan_revise(actor=None, plan=plan, reason="Family back", status=PlanStatus.ACTIVE)
    tasks = list(Task.objects.filter(case=case, automatic="plan_review").order_by("id"))
    assert [(t.status, t.due_on) for t in tasks] == [(TaskStatus.CANCELLED, REVIEW), (TaskStatus.OPEN, REVIEW)]
    assert plan.review_task == tasks[1] and plan.revision == 3


def test_after_a_done_review_a_new_review_date_makes_a_new_task(case):
    from casework.tasks.services import task_complete

    plan = make_plan(case=case)
    task_complete(actor=None, task=plan.review_task, completed_on=REVIEW)
    plan = plan_revise(actor=None, plan=plan, reason="Reviewed; continue 6 weeks", review_on=datetime.date(2026, 1, 5))
    tasks = list(Task.objects.filter(case=case, automatic="plan_review").order_by("id"))
    assert [(t.status, t.due_on) for t in tasks] == [(TaskStatus.DONE, REVIEW),
                                                     (TaskStatus.OPEN, datetime.date(2026, 1, 5))]
    assert plan.review_task == tasks[1]


def test_progress_record_is_weekly_and_a_second_entry_corrects_it(world, case):
    plan = make_plan(case=case)
    goal = plan.goals.get()
    p = progress_record(actor=None, plan=plan, goal=goal, week_of=datetime.date(2025, 10, 9), value=Decimal("85"))
    assert p.week_of == datetime.date(2025, 10, 6)  # the Monday
    p2 = progress_record(actor=None, plan=plan, goal=goal, week_of=datetime.date(2025, 10, 6), value=Decimal("95"),
                         note="Two absences excused after all", replaces=(p.pk, p.version))
    assert p2.pk == p.pk and p2.value == Decimal("95") and p2.source == PointSource.MANUAL
    assert ProgressPoint.objects.count() == 1
    summaries = list(CaseEvent.objects.filter(case=case, kind="progress").values_list("summary", flat=True))
    assert summaries == ["Progress recorded: Attendance rate 85% (week of 10/06/2025)",
                         "Progress corrected: Attendance rate 95% (week of 10/06/2025)"]


def test_a_week_entered_by_someone_else_is_not_replaced_unseen(world, case):
    """The supervisor enters 1 for a week the PPW recorded 5: refused (the 5 is shown); with the shown
    value's version it replaces; with a stale one (the PPW corrected it meanwhile) it is refused."""
    from casework.core.errors import ConflictError
    from casework.plans.services import WeekAlreadyRecorded

    plan = make_plan(case=case)
    goal = plan.goals.get()
    ppw, sup = world.user("ppw"), world.user("supervisor")
    first = progress_record(actor=ppw, plan=plan, goal=goal, week_of=datetime.date(2025, 10, 6), value=Decimal("85"),
                            note="From the SIS")
    with pytest.raises(WeekAlreadyRecorded) as exc:
        progress_record(actor=sup, plan=plan, goal=goal, week_of=datetime.date(2025, 10, 7), value=Decimal("1"))
    assert exc.value.point == first
    assert exc.value.message == ("The week of 10/06/2025 already has 85 (From the SIS) entered by hand. Nothing was "
                                 "saved: save again to replace it with your value.")
    with pytest.raises(WeekAlreadyRecorded):  # the version of some other value does not do
        progress_record(actor=sup, plan=plan, goal=goal, week_of=datetime.date(2025, 10, 7), value=Decimal("1"),
                        replaces=(first.pk + 1000, 1))
    progress_record(actor=ppw, plan=plan, goal=goal, week_of=datetime.date(2025, 10, 6), value=Decimal("90"),
                    replaces=(first.pk, 1))  # the PPW corrects it: version 2
    with pytest.raises(ConflictError):
        progress_record(actor=sup, plan=plan, goal=goal, week_of=datetime.date(2025, 10, 6), value=Decimal("1"),
                        replaces=(first.pk, 1))
    assert list(goal.points.values_list("value", "version")) == [(Decimal("90"), 2)]


@pytest.mark.parametrize(("week", "value", "message"), [
    (datetime.date(2025, 9, 29), "90", "The plan started"),
    (datetime.date(2099, 1, 5), "90", "not started yet"),
    (datetime.date(2025, 10, 13), "101", "0 to 100"),
])
def test_progress_record_refuses_bad_input(case, week, value, message):
    plan = make_plan(case=case)
    with pytest.raises(ValidationError, match=message):
        progress_record(actor=None, plan=plan, goal=plan.goals.get(), week_of=week, value=Decimal(value))


def test_progress_record_refuses_a_goal_of_another_plan(world, case):
    plan = make_plan(case=case)
    other = make_plan(case=case, title="Second")
    with pytest.raises(ValidationError, match="not on this plan"):
        progress_record(actor=None, plan=plan, goal=other.goals.get(), week_of=START, value=Decimal(90))
    assert Goal.objects.count() == 2
