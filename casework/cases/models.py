"""Cases: a piece of PPS work about one student (attendance, residency, a crisis...). This is the
minimal shape the early-warning list needs ("has an open case"); case management builds on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import AuditedModel
from casework.students.models import ReachesStudentQuerySet

from .choices import OPEN_STATUSES, CaseStatus, CaseType


class CaseQuerySet(ReachesStudentQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Case(AuditedModel):
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="cases")
    case_type = models.CharField(max_length=30, choices=CaseType.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="owned_cases", help_text="The PPW working the case")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    outcome = models.TextField(blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["student", "status"], name="cases_student_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="cases_dates_ordered",
            ),
            # A closed case says when; an open one does not.
            models.CheckConstraint(
                condition=(Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=False))
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="cases_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_case_type_display()} case {self.pk} of student {self.student_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
