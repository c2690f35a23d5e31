import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.core.models import AuditedModel
from casework.core.roles import Role


class User(AbstractUser):
    """A staff member. What they may see comes only from their role assignments."""

    title = models.CharField(max_length=100, blank=True, help_text="Job title, e.g. Pupil Personnel Worker")
    phone = models.CharField(max_length=30, blank=True)

    audit_exclude = ("password", "last_login")

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        day = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class RoleAssignment(AuditedModel):
    """A role, optionally limited to one school. A PPW covering five schools has five rows."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments",
        help_text="Empty means district-wide.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "school"], name="accounts_role_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(school__isnull=True), name="accounts_role_districtwide_unique"
            ),
        ]

    def __str__(self) -> str:
        where = self.school.code if self.school_id else "district"
        return f"{self.user} — {self.get_role_display()} ({where})"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart")
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
