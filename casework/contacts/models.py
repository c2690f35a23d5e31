"""Contacts (every call, visit, letter or attempt a PPW makes on a case) and home-visit safety
check-ins. Written only through contacts.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.cases.models import CaseRecordQuerySet
from casework.core.models import AuditedModel

from .choices import ContactType, VisitOutcome


class ContactQuerySet(CaseRecordQuerySet):
    def attempts_only(self):
        return self.filter(reached=False)


class Contact(AuditedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contacts")
    contact_type = models.CharField("type", max_length=20, choices=ContactType.choices)
    occurred_at = models.DateTimeField("when", help_text="When it happened, not when it was typed in")
    duration_minutes = models.PositiveSmallIntegerField("minutes", null=True, blank=True)
    # Courts ask how many attempts were made: an unanswered door or call is a contact with reached=False.
    # No default: a contact logged without saying would otherwise count as reached.
    reached = models.BooleanField()
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="contacts_made", help_text="Who made the contact")
    guardians = models.ManyToManyField("students.StudentGuardian", blank=True, related_name="+",
                                       help_text="The student's guardians who took part")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="contacts_attended")
    # [{"name": ..., "agency": ...}]: social services caseworkers, probation, shelters; not system users.
    agency_people = models.JSONField(default=list, blank=True)
    # Derived from the three above at each write: the change record then says who took part.
    participants_label = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=200, blank=True)
    summary = models.TextField()
    follow_ups = models.TextField("follow-ups", blank=True)
    follow_up_due = models.DateField("follow-up due", null=True, blank=True)
    follow_up_task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    # Made by the phone before the first send, so a retried submit (poor signal) cannot log a visit twice.
    client_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="contacts_case_time_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(contact_type=ContactType.ATTEMPTED) | Q(reached=False),
                                   name="contacts_attempt_not_reached"),
        ]

    def __str__(self) -> str:
        return f"{self.get_contact_type_display()} on {self.occurred_at:%m/%d/%Y} ({self.case.number})"


class HomeVisitQuerySet(CaseRecordQuerySet):
    def still_out(self):
        return self.filter(checked_out_at__isnull=True)

    def overdue(self, now):
        return self.still_out().filter(expected_back_at__lt=now)

    def restrict_for(self, user, action: str):
        # The safety list names a worker, a case number and a time, nothing of the case itself; a
        # supervisor must see a worker overdue on a crisis case most of all.
        if action == "case.assign":
            return self
        return super().restrict_for(user, action)


class HomeVisit(AuditedModel):
    """A safety check-in: the office knows who is out, where, and when they should be back."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="home_visits")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="home_visits")
    address = models.CharField(max_length=300, blank=True, help_text="Where the worker planned to go")
    checked_in_at = models.DateTimeField()
    expected_back_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    checked_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", help_text="Someone else, when a supervisor closes it")
    outcome = models.CharField(max_length=20, choices=VisitOutcome.choices, blank=True)
    contact = models.OneToOneField(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="home_visit")

    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        indexes = [models.Index(fields=["checked_out_at", "expected_back_at"], name="contacts_visit_out_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(expected_back_at__gt=models.F("checked_in_at")),
                                   name="contacts_visit_back_after_in"),
            models.CheckConstraint(condition=Q(checked_out_at__isnull=True)
                                   | Q(checked_out_at__gte=models.F("checked_in_at")),
                                   name="contacts_visit_out_after_in"),
            models.UniqueConstraint(fields=["worker", "case"], condition=Q(checked_out_at__isnull=True),
                                    name="contacts_one_open_visit"),
        ]

    def __str__(self) -> str:
        return f"Home visit check-in {self.case.number} {self.checked_in_at:%m/%d/%Y %H:%M}"

    @property
    def is_out(self) -> bool:
        return self.checked_out_at is None
