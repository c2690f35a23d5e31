from django.db import models


class CalendarSource(models.TextChoices):
    """How a school's calendar arrived from the SIS. Real exports come both ways."""

    DATES_LISTED = "dates_listed", "Dates listed (every school day given)"
    PERIODS_WITH_COUNTS = "periods_with_counts", "Periods with day counts (begin/end dates and a total)"


class PeriodKind(models.TextChoices):
    """Ed-Fi GradingPeriodDescriptor families, as a PPW names them."""

    QUARTER = "quarter", "Quarter"
    MARKING_PERIOD = "marking_period", "Marking period"
    SEMESTER = "semester", "Semester"
    TRIMESTER = "trimester", "Trimester"
    YEAR = "year", "Year"


class DayKind(models.TextChoices):
    """Ed-Fi CalendarEventDescriptor values, shortened."""

    INSTRUCTIONAL = "instructional", "Instructional day"
    MAKE_UP = "make_up", "Make-up day"
    SHORT_DAY = "short_day", "Late arrival / early dismissal (instructional)"
    HOLIDAY = "holiday", "Holiday"
    TEACHER_ONLY = "teacher_only", "Teacher-only day"
    EMERGENCY_CLOSURE = "emergency_closure", "Emergency closure"
    WEATHER_CLOSURE = "weather_closure", "Weather closure"
    STRIKE = "strike", "Strike"
    NON_INSTRUCTIONAL = "non_instructional", "Non-instructional day"
    OTHER = "other", "Other (not instructional)"


# Days students are expected in school. Everything else listed on a calendar is a day off.
INSTRUCTIONAL_KINDS = frozenset({DayKind.INSTRUCTIONAL, DayKind.MAKE_UP, DayKind.SHORT_DAY})

# A day listed as an ordinary instructional day means the SIS sent a session's dates. Make-up and short
# days are listed on "periods with day counts" calendars too, like holidays, so they are no such sign.
LISTED_DATES_SIGN = DayKind.INSTRUCTIONAL
