"""Due dates counted in school days ("follow up in 10 school days") on the calendar of the student's
school, through THE school-day arithmetic (calendars.schooldays.add_school_days)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casework.calendars.schooldays import CalendarError, add_school_days
from casework.cases.models import Case
from casework.core import policy
from casework.students.models import Enrollment

NO_CALENDAR = "This school's calendar is not loaded; give a date."
NO_SCHOOL = "The student has no school on record to count school days at; give a date."


class DueDateError(ValueError):
    """A due date in school days cannot be computed; the message is fit to show on the form."""


def school_of(case: Case, user=None):
    """The school whose calendar counts: the student's open enrollment (withdrawn: the latest one).
    With several open ones, one in `user`'s scope first, then the primary, then the most recent."""
    enrollments = Enrollment.objects.filter(student_id=case.student_id).select_related("school")
    open_ones = list(enrollments.filter(exit_date__isnull=True))
    if not open_ones:
        latest = enrollments.order_by("-entry_date", "-id").first()
        return latest.school if latest else None
    mine = policy.school_ids_for(user, "case.work") if user is not None else None
    open_ones.sort(key=lambda e: (mine is not None and e.school_id in mine, e.primary, e.entry_date, e.pk),
                   reverse=True)
    return open_ones[0].school


def due_in_school_days(case: Case, n: int, start: datetime.date | None = None, *, user=None) -> datetime.date:
    """The date `n` school days after `start` (default today) at the student's school."""
    school = school_of(case, user)
    if school is None:
        raise DueDateError(NO_SCHOOL)
    try:
        return add_school_days(school, start or timezone.localdate(), n)
    except CalendarError:
        raise DueDateError(NO_CALENDAR) from None




# A due date more than this far ahead is a typo (9999-12-31), and it would break calendar feeds.
MAX_YEARS_AHEAD = 2
EARLIEST = datetime.date(2000, 1, 1)
TOO_FAR = "That date is more than two years away; check the year."
TOO_EARLY = "That date is too far in the past; check the year."


def latest_due(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=365 * MAX_YEARS_AHEAD + 1)  # two years, leap day included


def due_date_problem(day: datetime.date | None, today: datetime.date | None = None) -> str | None:
    """Why `day` cannot be a due date (a message for the form), or None when it can."""
    if day is None:
        return None
    if day < EARLIEST:
        return TOO_EARLY
    if day > latest_due(today):
        return TOO_FAR
    return None
