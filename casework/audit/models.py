from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from casework.core.context import Source
from casework.core.querysets import ScopedQuerySet


class AuditEntry(models.Model):
    """What every audit stream records from the audit context: when, who (and their username at the
    time, should the account be renamed), through what, and in which request."""

    time = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=10, choices=Source.CHOICES)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class ChangeRecord(AuditEntry):
    """Before/after of one write to an audited row (or one summary row for a bulk load)."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        BULK = "bulk", "Bulk load"

    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "time"], name="audit_change_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id} by {self.actor_label or 'system'}"


class AccessLog(AuditEntry):
    """One opening or export of a student's record: who, when, through what, and why if they said."""

    class Action(models.TextChoices):
        VIEW = "view", "Opened the record"
        API = "api", "Read through the API"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"
        DOWNLOAD = "download", "Downloaded a document"

    # Kept as long as the record itself (COMAR 13A.08.02.06): a student row cannot be deleted under it.
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="access_log")
    action = models.CharField(max_length=10, choices=Action.choices)
    purpose = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=100, blank=True, help_text="Which part was opened, e.g. profile")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["student", "time"], name="audit_access_student_idx")]

    def __str__(self) -> str:
        return f"{self.actor_label or 'system'} {self.action} student {self.student_id}"
