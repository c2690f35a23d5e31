"""Referrals: a school asks the PPS office to look at a student. A PPW accepts (into a case), returns
or forwards it; the referrer follows the status, never the case notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import AuditedModel
from casework.students.models import ReachesStudentQuerySet

from .choices import CLOSED_STATUSES, WAITING_STATUSES, ReasonCategory, ReferralStatus, Urgency


def _case_lets_see(user, case_path: str) -> Q | None:
    """Rows to keep for a user who is not the director: a referral accepted into a sensitive case
    (crisis, child welfare) carries the same disclosure as the case, so it hides like the case. The
    referrer keeps it: they follow the status of what they reported. None means "keep everything"."""
    from casework.cases.choices import SENSITIVE_TYPES
    from casework.cases.models import Case, _sees_every_sensitive_case, named_on_case

    if _sees_every_sensitive_case(user):
        return None
    visible = Case.objects.filter(~Q(case_type__in=SENSITIVE_TYPES) | named_on_case(user)).values("pk")
    return Q(**{f"{case_path}__isnull": True}) | Q(**{f"{case_path}__in": visible})


class ReferralQuerySet(ReachesStudentQuerySet):
    def made_by(self, user):
        """The OWN scope: a teacher sees the referrals they made, whatever happened to the student."""
        return self.filter(referred_by_id=user.pk)

    def restrict_for(self, user, action: str):
        keep = _case_lets_see(user, "case")
        return self if keep is None else self.filter(keep | Q(referred_by_id=user.pk))

    def waiting(self):
        return self.filter(status__in=WAITING_STATUSES)


class Referral(AuditedModel):
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="referrals")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="referrals",
                               help_text="The referring school (a current enrollment of the student)")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    # A short list of ReasonCategory values; a JSON list keeps the form, API and history simple.
    reasons = models.JSONField(default=list)
    details = models.TextField(help_text="What the school sees")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    already_tried = models.TextField(help_text="What the school already tried (parent calls, conferences, SST...)")
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals",
                             help_text="The case it was accepted into")
    # The student already had an open case of a matching type when referred: flagged for the PPW, not dropped.
    duplicate_of_case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="duplicate_referrals")
    forwarded_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="referrals_forwarded_to_me")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="referrals_status_idx"),
                   models.Index(fields=["student", "status"], name="referrals_student_status_idx")]

    def __str__(self) -> str:
        return f"Referral {self.number}"

    @property
    def number(self) -> str:
        """What staff call it in e-mails and task titles: no student name in it."""
        return f"R-{self.pk:06d}"

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(ReasonCategory.choices)
        return [labels.get(r, r) for r in self.reasons]


class ReferralStatusChangeQuerySet(ReachesStudentQuerySet):
    student_path = "referral__student_id"

    def made_by(self, user):
        return self.filter(referral__referred_by_id=user.pk)

    def restrict_for(self, user, action: str):
        keep = _case_lets_see(user, "referral__case")
        return self if keep is None else self.filter(keep | Q(referral__referred_by_id=user.pk))


class ReferralStatusChange(AuditedModel):
    """One step of a referral's history. `note` is written for the referrer: it is shown to them."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    note = models.TextField(blank=True)

    objects = ReferralStatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.referral.number}: {self.get_status_display()}"
