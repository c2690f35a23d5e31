"""The per-value checks of an attendance row (everything but the student, school, date, enrolment and
duplicate checks, which the set-based load does in SQL). The load runs them once per distinct
combination of values, not once per row: a district's file of millions of events has a few thousand."""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection
from decimal import ROUND_CEILING, Decimal
from typing import Any

from casework.attendance.choices import AttendanceCategory, LawfulReason
from casework.rules.definition import REASON_CODE

from .parsing import RowError, fitting_reason, parse_decimal, parse_int, parse_time

CATEGORIES = frozenset(AttendanceCategory.values)
# Categories whose lawfulness no reason code decides (engine: unexcused is never lawful; a suspension is
# as the rule set says): an SIS's own code on them ("U") is kept, not refused.
_CODE_IGNORED = frozenset({AttendanceCategory.UNEXCUSED, AttendanceCategory.OUT_OF_SCHOOL_SUSPENSION})
_REASON_LABELS = {label.casefold(): code for code, label in LawfulReason.choices}
_CODE_FIRST = re.compile(r"^([A-Z]|PP-[A-Z]+)[.:)]\s")

# The attendance table's columns an import writes a new event with (both bulk paths), in this order.
INSERT_COLUMNS = ("student_id", "school_id", "date", "category", "reason_code", "reason_text", "minutes_present",
                  "minutes_scheduled", "event_duration", "arrival_time", "departure_time", "descriptor",
                  "import_run_id", "created_at", "updated_at", "version")

# The columns these checks read, in the order the checks read them.
SHAPE_COLUMNS = ("category", "descriptor", "reason_code", "reason_text", "minutes_present", "minutes_scheduled",
                 "event_duration", "arrival_time", "departure_time")


def stored_fields(category: str, values: dict[str, Any]) -> tuple:
    """A checked row's values for INSERT_COLUMNS category..descriptor, as both bulk paths write them:
    the duration and the times as text (a staging table's text columns, SQLite, COPY text)."""
    duration, arrival, departure = (values.get(k) for k in ("event_duration", "arrival_time", "departure_time"))
    return (category, values.get("reason_code"), values.get("reason_text", ""), values.get("minutes_present"),
            values.get("minutes_scheduled"), None if duration is None else str(duration),
            None if arrival is None else arrival.isoformat(), None if departure is None else departure.isoformat(),
            values.get("descriptor", ""))


def reason_in_text(text: str) -> str | None:
    """A lawful-reason code carried in the reason text, as SIS exports often do (Ed-Fi's
    AttendanceEventReason is free text): a known reason's label, or text led by its code, "B. Illness"."""
    if not text:
        return None
    if code := _REASON_LABELS.get(text.strip().casefold()):
        return code
    match = _CODE_FIRST.match(text.strip())
    return match.group(1) if match else None


def unmapped_descriptor(descriptor: str) -> str:
    """The reject reason of a descriptor the mapping does not know: the command that maps it, ready to
    paste, and the categories. At most 300 characters (the longest reason a rejected row keeps): the
    descriptor is named twice only when that fits; the row's value holds it anyway."""
    command = f"map it with: casework descriptors set {shlex.quote(descriptor)} <category> --user <you>"
    categories = f" (category: {', '.join(AttendanceCategory.values)})."
    return fitting_reason(f"Descriptor {descriptor!r} is not mapped to a category; {command}{categories}",
                          f"Descriptor not mapped to a category; {command}{categories}",
                          f"Descriptor not mapped to a category; {command}.")


def event_values(row: dict[str, str], resolve, known: Collection[str] | None = None) -> tuple[str, dict[str, Any]]:
    """(category, {stored field: value}) of a row holding the present SHAPE_COLUMNS (stripped); only
    the fields of present columns are in the dict (an absent column leaves the stored value alone),
    plus reason_code when a code is implied. Raises RowError with the column, value and reason.
    `known`: the lawful reason codes (attendance.selectors.lawful_reason_codes); a reason_code outside
    them is refused where the code decides lawfulness, since the absence would silently count as
    unlawful."""
    values: dict[str, Any] = {}
    implied_reason = None
    if row.get("category"):
        category = row["category"].strip().lower().replace(" ", "_").replace("-", "_")
        if category not in CATEGORIES:
            raise RowError("category", row["category"], f"Unknown attendance category {row['category']!r}; "
                                                        f"use one of {', '.join(AttendanceCategory.values)}.")
    elif row.get("descriptor"):
        resolved = resolve(row["descriptor"])
        if resolved is None:
            raise RowError("descriptor", row["descriptor"], unmapped_descriptor(row["descriptor"]))
        category, implied_reason = resolved
    else:
        raise RowError("category", "", "Give a category or a descriptor.")
    if "descriptor" in row:
        values["descriptor"] = row["descriptor"][:306]
    given = row.get("reason_code", "").upper()
    from_text = reason_in_text(row.get("reason_text", ""))
    if known is not None and from_text not in known:
        from_text = None  # free text led by "Z)": no lawful reason, the absence presumed unlawful
    code = given or implied_reason or from_text
    if code is None and category == AttendanceCategory.OUT_OF_SCHOOL_SUSPENSION:
        code = LawfulReason.H.value
    if code is not None and not REASON_CODE.match(code):
        raise RowError("reason_code", row.get("reason_code", ""), "A reason code is a capital letter or a code "
                                                                  "such as PP-CHILD.")
    if given and known is not None and given not in known and category not in _CODE_IGNORED:
        raise RowError("reason_code", row["reason_code"], fitting_reason(
            f"Unknown reason code {given!r}: an absence is lawful only by a reason of the rule set (COMAR "
            f"13A.08.01.03 A-J, the PP- codes, or a district code listed in a rule set): {', '.join(known)}. Leave "
            "it empty for an absence with no lawful reason.", "Unknown reason code."))
    if "reason_code" in row or code is not None:
        values["reason_code"] = code
    if "reason_text" in row:
        values["reason_text"] = row["reason_text"][:255]
    for column, low in (("minutes_present", 0), ("minutes_scheduled", 1)):
        if column in row:
            values[column] = parse_int(row, column, low=low, high=1440)
    if "event_duration" in row:
        # Finer than the standard's hundredths: the part missed rounds up, so the time present never
        # rounds up across the 4 h / 2 h lines (COMAR counts "4 hours or more").
        values["event_duration"] = parse_decimal(row, "event_duration", places="0.01", low=Decimal(0),
                                                 high=Decimal(1), rounding=ROUND_CEILING)
    for column in ("arrival_time", "departure_time"):
        if column in row:
            values[column] = parse_time(row, column)
    if values.get("arrival_time") and values.get("departure_time") \
            and values["departure_time"] < values["arrival_time"]:
        raise RowError("departure_time", row["departure_time"], "The departure time is before the arrival time.")
    return category, values
