"""The director's district dashboard and its CSV export. Aggregates only (no student is named), so no
access-log rows; small cells are suppressed (selectors.py)."""

from __future__ import annotations

import csv
import math

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.shortcuts import render

from casework.core import charts
from casework.core.views import PolicyView
from casework.rules.selectors import ruleset_in_force

from . import selectors
from .forms import DashboardFilterForm

ACTION = selectors.ACTION


def _filters(request) -> tuple[DashboardFilterForm, dict]:
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {k: form.cleaned_data[k] or v for k, v in (("level", ""), ("grade", ""), ("as_of", None))}
    return form, {"level": "", "grade": "", "as_of": None}


def _snap(dates, wanted):
    """The latest recorded date on or before `wanted` (the dashboard has figures only for recorded dates)."""
    if wanted is None:
        return None, ""
    earlier = [d for d in dates if d <= wanted]
    if not earlier:
        return None, f"Nothing was recorded on or before {wanted:%m/%d/%Y}; showing the latest figures."
    if earlier[-1] != wanted:
        return earlier[-1], f"Nothing was recorded on {wanted:%m/%d/%Y}; showing {earlier[-1]:%m/%d/%Y}."
    return wanted, ""


def _band_labels(as_of) -> list[tuple[str, str]]:
    try:
        return [(b.name, b.label) for b in ruleset_in_force(as_of).rules().bands]
    except ImproperlyConfigured:
        return []


def _pct(v: float) -> str:
    return f"{v:.1f}%"


def _charts(board: selectors.Dashboard, bands: list[tuple[str, str]]) -> dict:
    def rate_bars(groups):
        return [charts.Bar(g.label, None if g.measure_rate("chronic") is None else g.measure_rate("chronic") * 100,
                           "" if g.measure_rate("chronic") is not None else g.why_hidden("chronic") or "none counted")
                for g in groups]

    chronic_by_school = charts.responsive(
        charts.bar_chart, chart_id="chart-school", title="Chronic absence rate by school",
        desc="Percent of students counted who are chronically absent, one bar per school. The table below "
             "gives the same figures.", bars=rate_bars(board.by_school), value_format=_pct, max_value=100)
    chronic_by_grade = charts.responsive(
        charts.bar_chart, chart_id="chart-grade", title="Chronic absence rate by grade",
        desc="Percent of students counted who are chronically absent, one bar per grade. The table "
             "below gives the same figures.",
        bars=rate_bars(board.by_grade), value_format=_pct, max_value=100)
    total = board.total
    def band_note(name: str) -> str:
        return "" if total.band_shown(name) else selectors.NOTE_HIDDEN

    band_bars = [charts.Bar(label, total.bands.get(name, 0) if total.band_shown(name) else None, band_note(name))
                 for name, label in bands]
    band_chart = charts.responsive(charts.bar_chart, chart_id="chart-bands", title="Students by attendance band",
                                   desc="Number of students counted in each attendance band.", bars=band_bars)
    series = []
    for label, attr in (("Chronically absent", "chronic"), ("Habitual truant", "habitual")):
        points = [(p.as_of, p.group.measure_rate(attr) * 100) for p in board.trend
                  if p.group.measure_rate(attr) is not None]
        series.append(charts.Series(label, points))
    top = max([v for s in series for _, v in s.points] + [10])
    y_max = math.ceil(top / 10) * 10
    trend = charts.responsive(
        charts.line_chart, chart_id="chart-trend", title="Chronic absence and habitual truancy over the school year",
        desc="Percent of students counted, on each recorded date of the school year.", series=series,
        y_max=y_max, y_ticks=[y_max * i / 4 for i in range(5)], y_format=lambda v: f"{v:g}%")
    return {"chart_school": chronic_by_school, "chart_grade": chronic_by_grade, "chart_bands": band_chart,
            "chart_trend": trend}


class DashboardView(PolicyView):
    action = ACTION

    def get(self, request):
        form, filters = _filters(request)
        dates = selectors.recorded_dates(selectors.scoped(request.user))
        as_of, note = _snap(dates, filters["as_of"])
        board = selectors.dashboard(request.user, as_of=as_of, level=filters["level"], grade=filters["grade"])
        bands = _band_labels(board.as_of) if board.as_of else []
        total = board.total
        band_rows = [(label, str(total.bands.get(name, 0)), total.rate_text(total.bands.get(name, 0)))
                     if total.band_shown(name) else (label, total.band_text(name), selectors.WITHHELD)
                     for name, label in bands]
        ctx = {"form": form, "board": board, "note": note, "band_rows": band_rows, "filters": filters,
               "export_query": request.GET.urlencode(), "small_cell": selectors.SMALL_CELL}
        if board.as_of:
            ctx |= _charts(board, bands)
        return render(request, "reports/dashboard.html", ctx, status=400 if form.errors else 200)


CSV_COLUMNS = (("school_code", "School code"), ("school", "School"), ("level", "Level"), ("students", "Students"),
               ("counted", "Students counted"), ("chronic", "Chronically absent"),
               ("chronic_rate", "Chronic absence rate"), ("habitual", "Habitual truants"),
               ("habitual_rate", "Habitual truancy rate"), ("truant", "Truant (7-302.2)"),
               ("truant_rate", "Truant (7-302.2) rate"), ("mean_rate", "Mean attendance rate"))


def _cell(value: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula; school names come from the SIS."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and value != "-" else value


class DashboardExportView(PolicyView):
    """The by-school table as CSV, with the same filters and the same small-cell suppression."""

    action = ACTION

    def get(self, request):
        form, filters = _filters(request)
        if form.errors:
            return HttpResponse("; ".join(e for errs in form.errors.values() for e in errs), status=400,
                                content_type="text/plain; charset=utf-8")
        dates = selectors.recorded_dates(selectors.scoped(request.user))
        as_of, _ = _snap(dates, filters["as_of"])
        board = selectors.dashboard(request.user, as_of=as_of, level=filters["level"], grade=filters["grade"])
        name = f"district-dashboard-{board.as_of.isoformat() if board.as_of else 'empty'}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8",
                                headers={"Content-Disposition": f'attachment; filename="{name}"'})
        response.write("\ufeff")  # UTF-8 with BOM, as the early-warning CSV: Excel otherwise reads "—" as "â€”"
        writer = csv.writer(response)
        writer.writerow([label for _, label in CSV_COLUMNS])
        for g in [*board.by_school, board.total]:
            cells = g.cells() | {"school_code": g.key if g.key != "all" else "", "school": g.label, "level": g.level}
            writer.writerow([_cell(cells[key]) for key, _ in CSV_COLUMNS])
        return response
