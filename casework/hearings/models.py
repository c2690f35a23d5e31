"""Hearings: attendance hearings (conferences with the family), Truancy Review Board appearances and
District Court hearings on a case. Written only through hearings.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.cases.models import CaseRecordQuerySet
from casework.core.models import AuditedModel

from .choices import SHORT_NAMES, FamilyAttendance, HearingKind, HearingStatus, NoticeMethod


class HearingQuerySet(CaseRecordQuerySet):
    def upcoming(self, start, end):
        return self.filter(status=HearingStatus.SCHEDULED, scheduled_at__gte=start, scheduled_at__lt=end)


class Hearing(AuditedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(max_length=20, choices=HearingKind.choices, default=HearingKind.ATTENDANCE_HEARING)
    status = models.CharField(max_length=10, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED)
    status_reason = models.CharField(max_length=200, blank=True, help_text="Why it was postponed or cancelled")
    scheduled_at = models.DateTimeField("when")
    place = models.CharField(max_length=200)
    guardians = models.ManyToManyField("students.StudentGuardian", blank=True, related_name="+",
                                       help_text="The student's guardians invited")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="hearings_invited")
    other_participants = models.TextField(blank=True, help_text="Others, one per line (agency staff, interpreter)")
    # Derived at each write from the three above: the change record then says who was invited.
    participants_label = models.CharField(max_length=300, blank=True)
    notice_sent_on = models.DateField("notice sent on", null=True, blank=True)
    notice_method = models.CharField(max_length=20, choices=NoticeMethod.choices, blank=True)
    # The letters app's hearing-notice Letter, by id: a soft link so hearings do not depend on the
    # letters app's migrations (the packet lists every letter of the case from the letters app itself).
    notice_letter_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The attendance-contract Letter made from this hearing's agreements (the same soft link).
    contract_letter_id = models.PositiveBigIntegerField(null=True, blank=True)
    family_attendance = models.CharField(max_length=10, choices=FamilyAttendance.choices, blank=True)
    attended = models.TextField("who attended", blank=True)
    outcome = models.TextField(blank=True)
    agreements = models.TextField(blank=True, help_text="Attendance contract terms agreed")
    follow_up_on = models.DateField("follow-up date", null=True, blank=True)
    meeting_task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    follow_up_task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")

    objects = HearingQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="hearings_status_when_idx")]
        constraints = [
            # A hearing held says whether the family came: the packet and the court rely on it.
            models.CheckConstraint(condition=~Q(status=HearingStatus.HELD) | ~Q(family_attendance=""),
                                   name="hearings_held_has_attendance"),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} {self.scheduled_at:%m/%d/%Y} ({self.case.number})"

    @property
    def short_name(self) -> str:
        return SHORT_NAMES[HearingKind(self.kind)]
