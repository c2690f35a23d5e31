"""The progress chart of one goal: weekly values against the goal line, the plan's start and each
revision marked (core/charts.py draws it; the page shows the same numbers as a table)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.utils.safestring import SafeString

from casework.core.charts import WIDE, Marker, Series, line_chart, responsive

from .choices import Metric
from .models import Goal, Plan, fmt_value
from .progress import GoalProgress


def _nice_top(value: float) -> float:
    for top in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if value <= top:
            return float(top)
    return float(value)


def goal_chart(*, plan: Plan, goal: Goal, progress: GoalProgress, revisions=(), printed: bool = False) -> SafeString:
    """The goal's weekly progress chart: the page's desktop and phone drawings (charts.css shows one), or,
    `printed`, the desktop drawing alone as one <svg> (the hearing packet's PDF draws it)."""
    unit = goal.unit.strip()
    markers = [Marker(plan.start_on, "Start")] + [Marker(r.revised_on, f"Rev {r.number}") for r in revisions]
    points = [(w.week_of, float(w.value)) for w in progress.weeks]
    if goal.metric == Metric.ATTENDANCE_RATE:
        y_max, ticks, y_format = 100.0, (0, 25, 50, 75, 100), (lambda v: f"{v:g}%")
    else:
        y_max = _nice_top(max([float(goal.target), *(v for _, v in points), 1.0]))
        # Whole days where the scale allows (0-5, 0-10), else quarters.
        step = {5.0: 1.0, 10.0: 2.0}.get(y_max, y_max / 4)
        ticks = tuple(step * i for i in range(int(round(y_max / step)) + 1))
        y_format = lambda v: f"{v:g}"  # noqa: E731
    met = sum(1 for w in progress.weeks if w.met)
    desc = (f"{len(points)} week(s) of data since {plan.start_on:%m/%d/%Y}; the goal was met in {met} of them. "
            f"{progress.summary}. Goal line at {fmt_value(goal.target)}{goal.unit}. "
            + (f"Revisions marked: {', '.join(f'rev {r.number} on {r.revised_on:%m/%d/%Y}' for r in revisions)}."
               if revisions else "No revisions yet."))
    end = max([plan.review_on, *(d for d, _ in points), *(m.day for m in markers)])
    draw = partial(line_chart, layout=WIDE) if printed else partial(responsive, line_chart)
    return draw(
        chart_id=f"goal-{goal.pk}-chart",
        title=f"{goal.metric_label} by week" + (f" ({unit})" if unit == "%" else ""),
        desc=desc, series=[Series(goal.metric_label, points)], y_min=0, y_max=y_max, y_ticks=ticks,
        y_format=y_format, goal=float(Decimal(goal.target)),
        goal_label=f"Goal {fmt_value(goal.target)}{unit if unit == '%' else ''}",
        markers=markers, start=plan.start_on, end=end)
