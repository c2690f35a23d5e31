"""The dates a plan can take: from the start of the school year the case was opened in to the end of
next school year. Anything outside is a typo (9999-12-31), and would reach calendars as a review task."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casework.indicators.inputs import school_year_bounds


def plan_date_bounds(case, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    earliest, _ = school_year_bounds(case.opened_on if case.opened_on else today)
    _, this_year_ends = school_year_bounds(today)
    return earliest, this_year_ends.replace(year=this_year_ends.year + 1)


def plan_date_problem(day: datetime.date | None, case, today: datetime.date | None = None) -> str | None:
    """Why `day` cannot be a date on this case's plan (a message for the form), or None."""
    if day is None:
        return None
    earliest, latest = plan_date_bounds(case, today)
    if day < earliest:
        return f"That is before the case's first school year (from {earliest:%m/%d/%Y}); check the year."
    if day > latest:
        return f"That is after the end of next school year ({latest:%m/%d/%Y}); check the year."
    return None
