"""Rows of the `casework indicators` command: the columns, formatted for CSV and typed for JSON."""

from __future__ import annotations

from typing import Any

from .inputs import IndicatorRow

COLUMNS = (
    "student_id", "school_id", "days_enrolled", "days_present", "days_absent", "days_unlawful",
    "attendance_rate", "band", "chronic_absent", "habitual_truant", "truant_7_302_2", "suspensions",
    "days_suspended", "expulsions", "abc_attendance", "abc_behavior", "course_failures", "abc_course", "rule_set",
    "calendar_method",
)
FLAGS = ("chronic_absent", "habitual_truant", "truant_7_302_2", "abc_attendance", "abc_behavior", "abc_course")


def days(value: float) -> str:
    """7.0 -> "7", 7.5 -> "7.5": whole and half days, written plainly."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0")


def rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def row_values(row: IndicatorRow) -> dict[str, Any]:
    """Typed values (numbers as numbers, flags as booleans), year to date as of the date."""
    r = row.result
    ytd = r.year_to_date
    return {
        "student_id": row.student_id,
        "school_id": row.school_id,
        "days_enrolled": ytd.days_enrolled,
        "days_present": ytd.days_present,
        "days_absent": ytd.days_absent,
        "days_unlawful": ytd.days_unlawful,
        "attendance_rate": None if ytd.attendance_rate is None else round(ytd.attendance_rate, 4),
        "band": ytd.band,
        "chronic_absent": r.chronic_absent.raised,
        "habitual_truant": r.habitual_truant.raised,
        "truant_7_302_2": r.truant_7_302_2.raised,
        "suspensions": ytd.suspensions,
        "days_suspended": ytd.days_suspended,
        "expulsions": ytd.expulsions,
        "abc_attendance": r.abc_attendance.raised,
        "abc_behavior": r.abc_behavior.raised,
        "course_failures": r.course_failures,
        "abc_course": r.abc_course.raised,
        "rule_set": r.rule_set,
        "calendar_method": row.calendar_method,
    }


def csv_row(row: IndicatorRow) -> list[str]:
    v = row_values(row)
    out = []
    for col in COLUMNS:
        value = v[col]
        if col in ("days_present", "days_absent", "days_unlawful", "days_suspended"):
            out.append(days(value))
        elif col == "attendance_rate":
            out.append(rate(row.result.year_to_date.attendance_rate))
        elif isinstance(value, bool):
            out.append("true" if value else "false")
        elif value is None:
            out.append("")
        else:
            out.append(str(value))
    return out


def json_row(row: IndicatorRow) -> dict[str, Any]:
    v = row_values(row)
    r = row.result
    v["explanations"] = {name: r.flags[name].explanation for name in FLAGS}
    # The periods that raised each flag; none for a flag not raised (the engine keeps, for those, the
    # periods it looked at, which is what the explanation speaks of).
    v["flag_periods"] = {name: list(r.flags[name].periods) if r.flags[name].raised else [] for name in FLAGS}
    v["periods"] = [
        {
            "name": p.name, "kind": str(p.kind), "begin": p.begin.isoformat(), "end": p.end.isoformat(),
            "through": p.through.isoformat(), "complete": p.complete, "days_enrolled": p.days_enrolled,
            "days_present": p.days_present, "days_absent": p.days_absent, "days_unlawful": p.days_unlawful,
            "attendance_rate": None if p.attendance_rate is None else round(p.attendance_rate, 4),
            "band": p.band, "chronic_absent": p.chronic_absent.raised,
            "habitual_truant": None if p.habitual_truant is None else p.habitual_truant.raised,
            "truant_7_302_2": None if p.truant_7_302_2 is None else p.truant_7_302_2.raised,
            "suspensions": p.suspensions, "days_suspended": p.days_suspended,
        }
        for p in r.periods
    ]
    v["ignored"] = list(r.ignored) + list(row.notes)
    return v
