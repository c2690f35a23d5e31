"""Cases: a piece of PPS work about one student (attendance, residency, a crisis...), and the case
timeline every other part of casework (referrals, contacts, plans, tasks, documents) writes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet
from casework.students.models import ReachesStudentQuerySet

from .choices import OPEN_STATUSES, SENSITIVE_TYPES, CaseStatus, CaseType, EventKind


def _sees_every_sensitive_case(user) -> bool:
    from casework.core.policy import roles_of
    from casework.core.roles import Role

    return Role.DIRECTOR in roles_of(user)


def named_on_case(user) -> Q:
    """Cases that name the user: owner or co-worker (the path is relative to Case)."""
    return Q(owner_id=user.pk) | Q(pk__in=CaseWorker.objects.filter(user_id=user.pk).values("case_id"))


class CaseQuerySet(ReachesStudentQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def restrict_for(self, user, action: str):
        """Sensitive types reach only the people named on the case and the director (policy.for_user)."""
        if _sees_every_sensitive_case(user):
            return self
        return self.filter(~Q(case_type__in=SENSITIVE_TYPES) | named_on_case(user))


class CaseRecordQuerySet(ReachesStudentQuerySet):
    """Rows that belong to a case (timeline events, contacts, plans, tasks, documents): they reach a
    school through the case's student, and a sensitive case hides them like the case itself."""

    student_path = "case__student_id"
    case_path = "case"

    def restrict_for(self, user, action: str):
        if _sees_every_sensitive_case(user):
            return self
        visible = Case.objects.filter(~Q(case_type__in=SENSITIVE_TYPES) | named_on_case(user))
        return self.filter(**{f"{self.case_path}__in": visible.values("pk")})


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
        return f"{self.get_case_type_display()} case {self.number}"

    @property
    def number(self) -> str:
        """What staff, calendars and e-mails call the case: no student name in it."""
        return f"C-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_sensitive(self) -> bool:
        return self.case_type in SENSITIVE_TYPES


class CaseWorker(models.Model):
    """A co-worker named on a case besides its owner (a second PPW, a supervisor on a crisis case).
    Written through cases.services, which record the change on the case timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="workers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_work")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="cases_worker_once")]

    def __str__(self) -> str:
        return f"{self.user} on {self.case.number}"


class CaseEvent(models.Model):
    """One entry of a case timeline: what a PPW reads to know the story of the case. Written by the
    services of every app in the same transaction as the change it records (timeline_record)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(help_text="When it happened (a home visit logged tonight happened this morning)")
    recorded_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    summary = models.CharField(max_length=300)
    # The row the entry is about, for a link from the timeline ("contacts.contact", 42).
    source_model = models.CharField(max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="cases_event_case_time_idx")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.occurred_at:%Y-%m-%d}: {self.summary}"


class CaseTypeSettingQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self  # district configuration, not student data: the same rows for every school


class CaseTypeSetting(AuditedModel):
    """What the district requires of one case type (set by the director on the case settings page).
    A type without a row uses the defaults: closure needs no approval."""

    case_type = models.CharField(max_length=30, choices=CaseType.choices, unique=True)
    closure_needs_approval = models.BooleanField(
        default=False, help_text="The owner's 'close' waits in pending closure until a supervisor approves it")

    objects = CaseTypeSettingQuerySet.as_manager()

    class Meta:
        ordering = ["case_type"]

    def __str__(self) -> str:
        return f"{self.get_case_type_display()} settings"


class ClosureRequest(AuditedModel):
    """An owner's request to close a case whose type needs a supervisor's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Sent back"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    reason = models.CharField(max_length=200, help_text="Why the case can close (becomes the closure reason)")
    outcome = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    requested_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["requested_on", "id"]
        constraints = [
            # One request waits at a time: a second "close" must not stack another in the queue.
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"),
                                    name="cases_one_pending_closure"),
        ]

    def __str__(self) -> str:
        return f"Closure of {self.case.number} ({self.get_status_display()})"


class CaseAssignment(AuditedModel):
    """One change of a case's owner: the history a transfer keeps (who had it, who has it, who decided)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reason = models.CharField(max_length=200)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.from_user or 'unassigned'} -> {self.to_user}"


class CaseStudentLink(AuditedModel):
    """A sibling or household member linked to a case about another student (one family's truancy)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="student_links")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="case_links")
    relationship = models.CharField(max_length=100, blank=True, help_text="e.g. younger brother, cousin in the home")

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "student"], name="cases_link_once")]

    def __str__(self) -> str:
        return f"{self.case.number} + student {self.student_id}"
