"""Discipline incidents and the actions taken (Ed-Fi DisciplineIncident, DisciplineAction).
Imported from the SIS; written only through services. Incident descriptions may name people, so
`__str__` never shows them."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from casework.attendance.choices import LawfulReason
from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from .choices import SUSPENSIONS, ActionKind


class IncidentQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)


class Incident(AuditedModel):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="discipline_incidents")
    incident_id = models.CharField("incident id", max_length=36, help_text="Ed-Fi IncidentIdentifier")
    date = models.DateField()
    time = models.TimeField(null=True, blank=True)
    code = models.CharField(max_length=60, blank=True, help_text="Behavior code or Ed-Fi BehaviorDescriptor")
    description = models.TextField(blank=True)
    location = models.CharField(max_length=60, blank=True, help_text="Ed-Fi IncidentLocationDescriptor")

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["school", "date"], name="discipline_incident_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["school", "incident_id"], name="discipline_incident_unique",
                                    violation_error_message="This school already has an incident with this id."),
        ]

    def __str__(self) -> str:
        return f"incident {self.incident_id} at school {self.school_id}"


class ActionQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)

    def suspensions(self):
        return self.filter(kind__in=SUSPENSIONS)


class Action(AuditedModel):
    """What was done to one student (Ed-Fi DisciplineAction): a suspension, an expulsion, ...

    `school` is the school responsible for the action (Ed-Fi ResponsibilitySchool)."""

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="discipline_actions")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="discipline_actions")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    action_id = models.CharField("action id", max_length=36, help_text="Ed-Fi DisciplineActionIdentifier")
    kind = models.CharField(max_length=30, choices=ActionKind.choices)
    descriptor = models.CharField(max_length=306, blank=True, help_text="Ed-Fi DisciplineDescriptor as received")
    start_date = models.DateField(help_text="Ed-Fi DisciplineDate: the first day of the action")
    length_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(0),
                                      help_text="School days assigned (Ed-Fi DisciplineActionLength)")
    actual_length_days = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True,
                                             help_text="School days served (Ed-Fi ActualDisciplineActionLength)")
    import_run_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at", "version", "import_run_id")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["school", "start_date"], name="discipline_action_school_idx"),
            models.Index(fields=["student", "start_date"], name="discipline_action_student_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["student", "action_id", "start_date"], name="discipline_action_unique",
                                    violation_error_message="This student already has this action on this date."),
            models.CheckConstraint(condition=Q(length_days__gte=0), name="discipline_length_not_negative",
                                   violation_error_message="The length in days cannot be negative."),
            models.CheckConstraint(condition=Q(actual_length_days__isnull=True) | Q(actual_length_days__gte=0),
                                   name="discipline_actual_length_not_negative",
                                   violation_error_message="The days served cannot be negative."),
        ]

    def __str__(self) -> str:
        return f"action {self.action_id} for student {self.student_id} from {self.start_date}"

    @property
    def is_suspension(self) -> bool:
        return self.kind in SUSPENSIONS

    @property
    def days(self) -> Decimal:
        """Days served when known, else days assigned."""
        return self.actual_length_days if self.actual_length_days is not None else self.length_days

    @property
    def attendance_reason_code(self) -> str | None:
        """The lawful absence reason the days out of school carry: H (COMAR 13A.08.01.03H) for an
        out-of-school suspension. An in-school suspension is a day present; an expulsion is not a
        suspension (the student may be exempt under Educ. Art. 7-301, a PPW's decision)."""
        return LawfulReason.H.value if self.kind == ActionKind.OUT_OF_SCHOOL_SUSPENSION else None
