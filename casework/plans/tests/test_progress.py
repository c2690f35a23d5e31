"""Weekly attendance from hand-made attendance, the pull, and the goal-met rule, all hand-computed."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from casework.cases.models import CaseEvent
from casework.core.testing import factories as f
from casework.plans.choices import Comparator, Metric, PointSource
from casework.plans.models import Goal, ProgressPoint
from casework.plans.progress import goal_progress, weekly_attendance, weekly_values
from casework.plans.services import GoalSpec, progress_pull, progress_record

from .helpers import attendance_goal, make_plan

pytestmark = pytest.mark.django_db
D = datetime.date
THROUGH = D(2025, 11, 13)  # a Thursday: the week of 11/10 is not over yet


@pytest.fixture
def record(world):
    """School A's calendar (weekdays, 10/13 off) and student A's attendance, hand-made:

    week of 10/6:  10/7 unexcused                      -> 4 of 5 present, 80%, 1 unlawful
    week of 10/13: 10/13 holiday, 10/15 excused (ill)  -> 3 of 4 present, 75%, 0 unlawful
    week of 10/20: nothing recorded                    -> 5 of 5, 100%
    week of 10/27: 10/30 out-of-school suspension      -> 4 of 5, 80%, 0 unlawful (lawful), 1 day suspended
    week of 11/3:  11/4 150 minutes present (half day) -> 4.5 of 5, 90%, 0.5 unlawful
    """
    a, s = world.school_a, world.student_a
    f.session(school=a)
    f.calendar_dates(school=a, days={D(2025, 10, 13): "holiday"})
    f.attendance_event(student=s, school=a, date=D(2025, 10, 7), category="unexcused")
    f.attendance_event(student=s, school=a, date=D(2025, 10, 15), category="excused", reason_code="B")
    f.attendance_event(student=s, school=a, date=D(2025, 10, 30), category="out_of_school_suspension")
    f.attendance_event(student=s, school=a, date=D(2025, 11, 4), category="partial", minutes_present=150)
    return world


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))


def test_weekly_attendance_by_hand(record):
    weeks = weekly_attendance(student_id=record.student_a.pk, start=D(2025, 10, 6), through=THROUGH)
    assert [(w.week_of, w.days_enrolled, w.days_present, w.rate, w.days_unlawful, w.days_suspended)
            for w in weeks] == [
        (D(2025, 10, 6), 5, 4.0, Decimal("80.0"), 1.0, 0),
        (D(2025, 10, 13), 4, 3.0, Decimal("75.0"), 0.0, 0),
        (D(2025, 10, 20), 5, 5.0, Decimal("100.0"), 0.0, 0),
        (D(2025, 10, 27), 5, 4.0, Decimal("80.0"), 0.0, 1),
        (D(2025, 11, 3), 5, 4.5, Decimal("90.0"), 0.5, 0),
    ]


def test_a_plan_starting_midweek_counts_its_first_week_from_the_start(record):
    weeks = weekly_attendance(student_id=record.student_a.pk, start=D(2025, 10, 8), through=D(2025, 10, 10))
    # 10/8, 10/9, 10/10: the 10/7 absence was before the plan.
    assert [(w.week_of, w.days_enrolled, w.rate) for w in weeks] == [(D(2025, 10, 6), 3, Decimal("100.0"))]


def test_pull_is_idempotent_and_corrects_what_changed(record, case):
    plan = make_plan(case=case, goals=[
        attendance_goal("90", 2),
        GoalSpec(metric=Metric.UNLAWFUL_ABSENCES, target=Decimal(0), comparator=Comparator.AT_MOST, weeks=3),
        GoalSpec(metric=Metric.OTHER, other_metric="Homework", target=Decimal(3), weeks=2),
    ])
    rate, unlawful, other = plan.goals.all()
    result = progress_pull(actor=None, plan=plan, through=THROUGH)
    assert (result.weeks, result.added, result.changed, result.removed) == (5, 10, 0, 0)
    assert list(rate.points.values_list("week_of", "value")) == [
        (D(2025, 10, 6), Decimal("80.00")), (D(2025, 10, 13), Decimal("75.00")), (D(2025, 10, 20), Decimal("100.00")),
        (D(2025, 10, 27), Decimal("80.00")), (D(2025, 11, 3), Decimal("90.00"))]
    assert [str(v) for v in unlawful.points.values_list("value", flat=True)] == ["1.00", "0.00", "0.00", "0.00",
                                                                                  "0.50"]
    assert rate.points.first().note == "4 of 5 days present"
    assert not other.points.exists()  # "other" goals are entered by hand
    # Derived rows: one summary change record for the pull, not one per week.
    from casework.audit.models import ChangeRecord

    bulk = ChangeRecord.objects.get(content_type__model="progresspoint", action="bulk")
    assert bulk.summary == f"Plan {plan.pk}: 10 weekly value(s) pulled from the attendance record"

    again = progress_pull(actor=None, plan=plan, through=THROUGH)
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert str(again) == "Already up to date (5 week(s) from the attendance record)."
    assert CaseEvent.objects.filter(case=case, kind="progress").count() == 1  # only the pull that changed something

    f.attendance_event(student=record.student_a, school=record.school_a, date=D(2025, 10, 21), category="unexcused")
    third = progress_pull(actor=None, plan=plan, through=THROUGH)
    assert (third.added, third.changed, third.removed) == (0, 2, 0)  # the rate and the unlawful count of 10/20
    assert rate.points.get(week_of=D(2025, 10, 20)).value == Decimal("80.00")


def test_pull_removes_weeks_before_a_moved_start(record, case):
    from casework.plans.services import plan_revise

    plan = make_plan(case=case)
    progress_pull(actor=None, plan=plan, through=THROUGH)
    plan = plan_revise(actor=None, plan=plan, reason="Started late", start_on=D(2025, 10, 20))
    result = progress_pull(actor=None, plan=plan, through=THROUGH)
    assert (result.weeks, result.removed) == (3, 2)
    assert ProgressPoint.objects.filter(source=PointSource.INDICATORS).count() == 3


def test_pull_without_a_calendar_says_so(world):
    case_b = f.case(student=world.student_b, opened_on=D(2025, 9, 15))
    plan = make_plan(case=case_b)
    with pytest.raises(ValidationError, match="No calendar for school"):
        progress_pull(actor=None, plan=plan, through=THROUGH)


def test_pull_needs_an_attendance_goal(record, case):
    plan = make_plan(case=case, goals=[GoalSpec(metric=Metric.OTHER, other_metric="Homework", target=Decimal(3))])
    with pytest.raises(ValidationError, match="no attendance"):
        progress_pull(actor=None, plan=plan, through=THROUGH)


MONDAY = D(2025, 10, 6)


def _points(values, source=PointSource.MANUAL, start=MONDAY):
    return [SimpleNamespace(week_of=start + datetime.timedelta(weeks=i), value=Decimal(v), source=source, note="")
            for i, v in enumerate(values)]


def test_three_of_four_weeks_over_90_is_not_four_consecutive():
    goal = Goal(metric=Metric.ATTENDANCE_RATE, comparator=Comparator.AT_LEAST, target=Decimal(90), weeks=4)
    progress = goal_progress(goal, _points(["95", "92", "85", "91", "93", "94"]))
    assert [w.met for w in progress.weeks] == [True, True, False, True, True, True]
    assert (progress.met, progress.streak, progress.met_week) == (False, 3, None)
    assert progress.summary == "Not met yet: 3 of 4 consecutive weeks"

    progress = goal_progress(goal, _points(["95", "92", "85", "91", "93", "94", "90"]))
    assert (progress.met, progress.streak, progress.met_week) == (True, 4, D(2025, 11, 17))
    assert progress.summary == "Met: 4 consecutive weeks by the week of 11/17/2025"


def test_at_most_goals_and_no_data():
    goal = Goal(metric=Metric.UNLAWFUL_ABSENCES, comparator=Comparator.AT_MOST, target=Decimal(0), weeks=2)
    assert [w.met for w in goal_progress(goal, _points(["1", "0", "0.5", "0", "0"])).weeks] == [
        False, True, False, True, True]
    assert goal_progress(goal, _points(["1", "0", "0.5", "0", "0"])).met
    assert goal_progress(goal, []).summary == "No progress data yet"


def test_a_week_with_nothing_recorded_breaks_a_hand_entered_run():
    """Check-ins at least 3 a week for 3 weeks: 4, 4, (five weeks with nothing), 4 is two runs of at most
    2, not 3 in a row; then 4 on the next Monday makes 2, and one more week makes the 3."""
    goal = Goal(metric=Metric.OTHER, other_metric="check-ins", comparator=Comparator.AT_LEAST, target=Decimal(3),
                weeks=3)
    gap = [SimpleNamespace(week_of=d, value=Decimal(4), source=PointSource.MANUAL, note="")
           for d in (D(2025, 9, 1), D(2025, 9, 8), D(2025, 10, 20))]
    progress = goal_progress(goal, gap)
    assert (progress.met, progress.streak) == (False, 1)
    more = gap + [SimpleNamespace(week_of=d, value=Decimal(4), source=PointSource.MANUAL, note="")
                  for d in (D(2025, 10, 27), D(2025, 11, 3))]
    progress = goal_progress(goal, more)
    assert (progress.met, progress.streak, progress.met_week) == (True, 3, D(2025, 11, 3))


def test_a_week_without_school_does_not_break_an_attendance_run():
    """Attendance weeks 10/6, 10/13, then 10/27 (no school the week of 10/20): still 3 in a row."""
    goal = Goal(metric=Metric.ATTENDANCE_RATE, comparator=Comparator.AT_LEAST, target=Decimal(90), weeks=3)
    points = [SimpleNamespace(week_of=d, value=Decimal(95), source=PointSource.INDICATORS, note="")
              for d in (D(2025, 10, 6), D(2025, 10, 13), D(2025, 10, 27))]
    progress = goal_progress(goal, points)
    assert (progress.met, progress.streak, progress.met_week) == (True, 3, D(2025, 10, 27))


def test_a_hand_entered_value_overrides_the_record_for_its_week():
    points = _points(["80", "100"], source=PointSource.INDICATORS) + _points(["92"])
    assert [(w, v, s) for w, v, s, _ in weekly_values(points)] == [
        (D(2025, 10, 6), Decimal("92"), PointSource.MANUAL), (D(2025, 10, 13), Decimal("100"), PointSource.INDICATORS)]


def test_goal_progress_reads_stored_points(record, case):
    plan = make_plan(case=case, goals=[attendance_goal("80", 2)])
    progress_pull(actor=None, plan=plan, through=THROUGH)
    progress_record(actor=None, plan=plan, goal=plan.goals.get(), week_of=D(2025, 10, 13), value=Decimal("100"),
                    note="Absence on 10/15 was a school trip")
    progress = goal_progress(plan.goals.get())
    # 80, 100 (by hand), 100, 80, 90: met by the second week.
    assert [str(w.value) for w in progress.weeks] == ["80.00", "100.00", "100.00", "80.00", "90.00"]
    assert (progress.met, progress.met_week, progress.streak) == (True, D(2025, 10, 13), 5)


def test_chart_of_a_count_goal_scales_to_its_values(case):
    from casework.plans.charts import goal_chart

    plan = make_plan(case=case, goals=[GoalSpec(metric=Metric.UNLAWFUL_ABSENCES, target=Decimal(1),
                                                comparator=Comparator.AT_MOST, weeks=2)])
    goal = plan.goals.get()
    progress = goal_progress(goal, _points(["3", "1", "0"]))
    svg = str(goal_chart(plan=plan, goal=goal, progress=progress, revisions=[]))
    # Values up to 3 -> a 0-5 axis in whole days (the top tick at y 16, its label 4 below);
    # the goal line at 1 of 5 (y = 200 - 1/5 * 184 = 163.2).
    assert '<text x="42" y="20" text-anchor="end" fill="#4a5563" font-size="11">5</text>' in svg
    assert '>4</text>' in svg and '>1.25</text>' not in svg
    assert '<line class="goal" x1="48" y1="163.2" x2="624" y2="163.2"' in svg
    assert "<title>Unlawful absences by week</title>" in svg
    assert "met in 2 of them" in svg and "No revisions yet." in svg
