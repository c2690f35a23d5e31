"""School calendars: sessions, grading periods and listed calendar dates (Ed-Fi School Calendar domain).

Imported from the SIS and written only through services. Which days are instructional is decided in
one place, `schooldays.py`; nothing else counts school days."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from .choices import CalendarSource, DayKind, PeriodKind


class CalendarQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)

    def overlapping(self, start, end):
        return self.filter(begin__lte=end, end__gte=start)


class Session(AuditedModel):
    """A term of a school year at one school (Ed-Fi Session): fall semester, full year, ...

    `calendar_source` says how the SIS sent the days of this session: every date listed (then only
    listed instructional dates count) or only begin/end and a day count (then weekdays count, minus
    any listed closures)."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="sessions")
    school_year = models.PositiveSmallIntegerField(help_text="Ed-Fi SchoolYear: the year the school year ends, "
                                                             "e.g. 2026 for 2025-26")
    name = models.CharField(max_length=60, help_text="Ed-Fi SessionName, e.g. 2025-2026 Fall Semester")
    term = models.CharField(max_length=60, blank=True, help_text="Ed-Fi TermDescriptor code value")
    begin = models.DateField()
    end = models.DateField()
    total_instructional_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The day count the SIS declared, when it sent one")
    calendar_source = models.CharField(max_length=20, choices=CalendarSource.choices,
                                       default=CalendarSource.DATES_LISTED)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "begin", "id"]
        indexes = [models.Index(fields=["school", "begin", "end"], name="calendars_session_span_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("begin")), name="calendars_session_dates_ordered",
                                   violation_error_message="A session cannot end before it begins."),
            models.UniqueConstraint(fields=["school", "school_year", "name"], name="calendars_session_unique",
                                    violation_error_message="This school already has a session with this name "
                                                            "in this school year."),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of school {self.school_id} ({self.school_year})"


class GradingPeriod(AuditedModel):
    """A quarter, marking period, semester, trimester or the year (Ed-Fi GradingPeriod). The rules use
    these as the periods truancy and habitual truancy are counted over."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="grading_periods")
    school_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=PeriodKind.choices)
    sequence = models.PositiveSmallIntegerField(help_text="Ed-Fi PeriodSequence: 1 for the first quarter, ...")
    name = models.CharField(max_length=60, blank=True, help_text='As the school says it, e.g. "Q1"')
    descriptor = models.CharField(max_length=306, blank=True, help_text="Ed-Fi GradingPeriodDescriptor URI")
    begin = models.DateField()
    end = models.DateField()
    total_instructional_days = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "begin", "kind", "sequence"]
        indexes = [models.Index(fields=["school", "begin", "end"], name="calendars_period_span_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("begin")), name="calendars_period_dates_ordered",
                                   violation_error_message="A grading period cannot end before it begins."),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="calendars_period_sequence_positive",
                                   violation_error_message="A grading period's sequence starts at 1."),
            models.UniqueConstraint(fields=["school", "school_year", "kind", "sequence"],
                                    name="calendars_period_unique",
                                    violation_error_message="This school already has this grading period "
                                                            "(kind and sequence) in this school year."),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sequence} of school {self.school_id} ({self.school_year})"


class CalendarDate(AuditedModel):
    """One listed day of a school's calendar (Ed-Fi CalendarDate with its CalendarEvent). Ed-Fi allows
    several events on a date; the importer keeps the one that decides whether students attend."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="calendar_dates")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=DayKind.choices)
    descriptor = models.CharField(max_length=306, blank=True, help_text="Ed-Fi CalendarEventDescriptor URI")
    note = models.CharField(max_length=200, blank=True, help_text='e.g. "Thanksgiving", "snow day"')

    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="calendars_date_unique_per_school",
                                    violation_error_message="This school's calendar already lists this date."),
        ]

    def __str__(self) -> str:
        return f"{self.date} at school {self.school_id}: {self.kind}"
