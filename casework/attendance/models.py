"""Daily attendance events (Ed-Fi StudentSchoolAttendanceEvent) and the district-editable table that
maps SIS descriptors to Casework's categories. Imported; written only through services."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from .choices import AttendanceCategory

reason_code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9-]{0,19}$",
                                       "A reason code is a capital letter or a code such as PP-CHILD.")


class AttendanceEventQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        # Through the school where the event was recorded: a school's own records, not another's.
        return self.filter(school_id__in=school_ids)

    def between(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class AttendanceEvent(AuditedModel):
    """One thing the school recorded about one student on one day. SIS exports are by exception: a day
    with no event is a day present."""

    # The database fills in the times of rows a bulk load leaves them out of (the direct load's COPY:
    # parsing two timestamps a row was a third of its time). Django's own saves still set them.
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    # No database-level foreign keys (Django still cascades and protects): every writer resolves the
    # student and school first, the bulk import in the very statement that writes the rows (known student
    # and school, enrolled there on the date), and a district's year is millions of rows, whose row-by-row
    # key checks took a load from 25 s to 58 s and lock every student row they touch (FOR KEY SHARE).
    # Dropping and re-adding the keys for a load would lock the students table instead. No index of their
    # own either: the unique key leads with the student (a student's events: a few hundred entries a
    # year, read through it), (school, date) with the school, and each extra index cost a district load
    # about a second to build.
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="attendance_events",
                                db_constraint=False, db_index=False)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="attendance_events",
                               db_constraint=False, db_index=False)
    date = models.DateField()
    category = models.CharField(max_length=30, choices=AttendanceCategory.choices)
    reason_code = models.CharField(max_length=20, null=True, blank=True, validators=[reason_code_validator],
                                   help_text="Lawful reason (COMAR 13A.08.01.03 A-J, 7-301.1 codes); "
                                             "empty when none was given")
    reason_text = models.CharField(max_length=255, blank=True, help_text="Ed-Fi AttendanceEventReason")
    minutes_present = models.PositiveSmallIntegerField(null=True, blank=True,
                                                       help_text="Ed-Fi SchoolAttendanceDuration")
    minutes_scheduled = models.PositiveSmallIntegerField(null=True, blank=True,
                                                         help_text="Set when the student is scheduled for "
                                                                   "less than a full day")
    event_duration = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True,
                                         help_text="Ed-Fi EventDuration: 1 = a whole day, 0.5 = half a day")
    arrival_time = models.TimeField(null=True, blank=True)
    departure_time = models.TimeField(null=True, blank=True)
    descriptor = models.CharField(max_length=306, blank=True,
                                  help_text="The SIS descriptor as received, e.g. "
                                            "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy")
    import_run_id = models.PositiveBigIntegerField(null=True, blank=True,
                                                   help_text="The import run that last wrote this event")

    objects = AttendanceEventQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at", "version", "import_run_id")

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["school", "date"], name="attendance_school_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["student", "school", "date", "category"], name="attendance_event_unique",
                                    violation_error_message="This student already has an event of this category "
                                                            "at this school on this date."),
            models.CheckConstraint(condition=Q(minutes_present__isnull=True) | Q(minutes_present__gte=0,
                                                                                   minutes_present__lte=1440),
                                   name="attendance_minutes_present_in_day",
                                   violation_error_message="Minutes present must be between 0 and 1440."),
            models.CheckConstraint(condition=Q(minutes_scheduled__isnull=True) | Q(minutes_scheduled__gt=0,
                                                                                     minutes_scheduled__lte=1440),
                                   name="attendance_minutes_scheduled_in_day",
                                   violation_error_message="Minutes scheduled must be between 1 and 1440."),
            models.CheckConstraint(condition=Q(event_duration__isnull=True) | Q(event_duration__gte=0,
                                                                                  event_duration__lte=1),
                                   name="attendance_event_duration_fraction",
                                   violation_error_message="Event duration is a fraction of a day, from 0 to 1."),
            models.CheckConstraint(condition=Q(arrival_time__isnull=True) | Q(departure_time__isnull=True)
                                   | Q(departure_time__gte=F("arrival_time")),
                                   name="attendance_departure_after_arrival",
                                   violation_error_message="The departure time cannot be before the arrival time."),
        ]

    def __str__(self) -> str:
        return f"student {self.student_id} at school {self.school_id} on {self.date}: {self.category}"


class DescriptorMappingQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self  # district configuration: no school owns a mapping

    def as_dict(self) -> dict[str, tuple[str, str | None]]:
        """{descriptor: (category, reason code)} for an importer to load once per run."""
        return {d: (c, r) for d, c, r in self.values_list("descriptor", "category", "reason_code")}


class DescriptorMapping(AuditedModel):
    """A SIS attendance descriptor (an Ed-Fi URI or a local code) and the Casework category it means.
    The Ed-Fi defaults ship in a data migration; each district adds and edits its own."""

    descriptor = models.CharField(max_length=306, unique=True,
                                  help_text="uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy, "
                                            "or a local code such as UA")
    category = models.CharField(max_length=30, choices=AttendanceCategory.choices)
    reason_code = models.CharField(max_length=20, null=True, blank=True, validators=[reason_code_validator],
                                   help_text="Lawful reason implied by this descriptor, when the SIS code "
                                             "carries one (e.g. a local code for illness = B)")
    shipped = models.BooleanField(default=False, help_text="Seeded from the Ed-Fi defaults")
    notes = models.CharField(max_length=200, blank=True)

    objects = DescriptorMappingQuerySet.as_manager()

    class Meta:
        ordering = ["descriptor"]

    def __str__(self) -> str:
        return f"{self.descriptor} -> {self.category}"
