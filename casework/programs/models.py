"""A student's participation in a program (Ed-Fi StudentProgramAssociation and its homeless, Section 504
and special education subclasses). Imported facts: Casework does not decide eligibility here."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from .choices import NighttimeResidence, ProgramKind


class ProgramParticipationQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        # Through the student: programs belong to the district (the LEA), not to a school.
        from casework.students.models import Student

        return self.filter(student__in=Student.objects.in_schools(school_ids))

    def in_current_schools(self, school_ids):
        # Roles that see only a school's current students see only their programs.
        from casework.students.models import Student

        return self.filter(student__in=Student.objects.in_current_schools(school_ids))

    def active_on(self, day):
        return self.filter(begin__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


class ProgramParticipation(AuditedModel):
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="programs")
    kind = models.CharField(max_length=30, choices=ProgramKind.choices)
    program_name = models.CharField(max_length=60, blank=True, help_text="Ed-Fi ProgramName as the SIS sent it")
    descriptor = models.CharField(max_length=306, blank=True, help_text="Ed-Fi ProgramTypeDescriptor as received")
    begin = models.DateField()
    end = models.DateField(null=True, blank=True)
    # Homeless (McKinney-Vento) only; maryland-pps-rules.md 4.2.
    nighttime_residence = models.CharField(max_length=20, choices=NighttimeResidence.choices, null=True,
                                           blank=True, help_text="Primary nighttime residence")
    unaccompanied_youth = models.BooleanField(null=True, blank=True,
                                              help_text="Not in the physical custody of a parent or guardian")
    import_run_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = ProgramParticipationQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at", "version", "import_run_id")

    class Meta:
        ordering = ["-begin", "-id"]
        indexes = [models.Index(fields=["student", "kind", "begin"], name="programs_student_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("begin")),
                                   name="programs_dates_ordered",
                                   violation_error_message="A program participation cannot end before it begins."),
            models.CheckConstraint(condition=Q(kind=ProgramKind.HOMELESS)
                                   | Q(nighttime_residence__isnull=True, unaccompanied_youth__isnull=True),
                                   name="programs_residence_only_for_homeless",
                                   violation_error_message="Nighttime residence and unaccompanied youth apply "
                                                           "only to McKinney-Vento participation."),
            models.UniqueConstraint(fields=["student", "kind", "begin"], name="programs_participation_unique",
                                    violation_error_message="This student already has this program beginning "
                                                            "on this date."),
        ]

    def __str__(self) -> str:
        return f"student {self.student_id} in {self.kind} from {self.begin}"

    def is_active_on(self, day) -> bool:
        return self.begin <= day and (self.end is None or self.end >= day)
