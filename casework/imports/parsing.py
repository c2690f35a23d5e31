"""Field parsers for import rows. Each raises RowError with the column, the value and a reason a
data steward can act on."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

VALUE_LIMIT = 40  # enough to recognise the value in the SIS, not a copy of the record
REASON_LIMIT = 300  # RejectedRow.reason


def fitting_reason(*wordings: str) -> str:
    """The first wording, longest first, that fits a rejected row's reason; else the last, cut to fit."""
    return next((w for w in wordings if len(w) <= REASON_LIMIT), wordings[-1][:REASON_LIMIT])


class RowError(Exception):
    """`key`: the id of the record the rejected row would have written (a translated row's student_id),
    when the row itself is not at hand, so later rows referring to it can name the rejected line.
    `student`: the student id the rejected row names, when the row itself is not at hand (a reader's
    untranslatable record, a set-based check's reject), for the report's student_id column."""

    def __init__(self, field: str, value: str, reason: str, *, key: str = "", student: str = ""):
        super().__init__(reason)
        self.field = field
        self.value = (value or "")[:VALUE_LIMIT]
        self.reason = reason
        self.key = key
        self.student = student


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(row: dict[str, str], column: str, *, required: bool = True) -> datetime.date | None:
    value = row.get(column, "")
    if not value:
        if required:
            raise RowError(column, value, f"{column} is required.")
        return None
    if m := _ISO.match(value):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _US.match(value):
        mo, d, y = (int(g) for g in m.groups())
    else:
        raise RowError(column, value, f"{value!r} is not a date; use YYYY-MM-DD (or MM/DD/YYYY).")
    try:
        return datetime.date(y, mo, d)
    except ValueError:
        raise RowError(column, value, f"{value} is not a real date (no such day in the calendar).") from None


def parse_time(row: dict[str, str], column: str) -> datetime.time | None:
    value = row.get(column, "")
    if not value:
        return None
    for fmt in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p"):
        try:
            return datetime.datetime.strptime(value.upper(), fmt).time()
        except ValueError:
            continue
    raise RowError(column, value, f"{value!r} is not a time; use HH:MM (24-hour) or HH:MM AM/PM.")


def parse_int(row: dict[str, str], column: str, *, low: int, high: int) -> int | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(column, value, f"{value!r} is not a whole number.") from None
    if not low <= number <= high:
        raise RowError(column, value, f"{column} must be between {low} and {high}.")
    return number


def parse_decimal(row: dict[str, str], column: str, *, places: str, low: Decimal, high: Decimal,
                  rounding: str = ROUND_HALF_EVEN) -> Decimal | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        number = Decimal(value).quantize(Decimal(places), rounding=rounding)
    except (InvalidOperation, ValueError):
        raise RowError(column, value, f"{value!r} is not a number.") from None
    if not number.is_finite() or not low <= number <= high:
        raise RowError(column, value, f"{column} must be between {low} and {high}.")
    return number
