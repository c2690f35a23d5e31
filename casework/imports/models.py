"""Import runs and the rows they rejected. A run is the unit of an import: one transaction, one
change record per model touched, counts and a rejects report. Runs are written by the import
service only; they are a log, not student records (rejected values are truncated), but a rejected row
names its student's SIS id: the import page logs an access for each known student it shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet


class ImportRunQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self  # district operation: no school owns a run


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        COMMITTED = "committed", "Committed"
        REFUSED = "refused", "Refused (nothing written)"
        PARTIAL = "partial", "Partially committed (good rows written)"

    kind = models.CharField(max_length=200, help_text="The kind(s) of data, e.g. attendance")
    format = models.CharField(max_length=20, default="csv")
    source_files = models.JSONField(default=list, help_text="File names as given")
    encoding = models.CharField(max_length=300, blank=True, help_text="Encoding(s) detected, per file")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    partial = models.BooleanField(default=False, help_text="--partial: commit the good rows")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Why the run was refused, and warnings")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"import run {self.pk} ({self.format} {self.kind}): {self.status}"


class RejectedRowQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self


class RejectedRow(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejected_rows")
    file = models.CharField(max_length=255)
    line = models.PositiveIntegerField(null=True, blank=True, help_text="Line in the file (1 = header)")
    element = models.CharField(max_length=200, blank=True, help_text="XML element, for XML imports")
    field = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=40, blank=True, help_text="The offending value, truncated")
    reason = models.CharField(max_length=300)
    student_ref = models.CharField(max_length=40, blank=True,
                                   help_text="The SIS student id the row names, as the file gives it (the "
                                             "report's student_id), truncated")

    objects = RejectedRowQuerySet.as_manager()

    class Meta:
        ordering = ["run", "file", "line", "id"]

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.field}: {self.reason}"


class CodeMappingQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self  # district configuration: no school owns a mapping


class CodeMapping(AuditedModel):
    """A SIS code outside attendance (an Ed-Fi descriptor URI or a local code) and the Casework value it
    means: a calendar event's kind of day, a discipline action's kind, a program's kind. The Ed-Fi
    defaults ship in a data migration; a district adds its own (uri://district.org/...#Snow Day). The
    attendance descriptors have their own table (`attendance.DescriptorMapping`): they carry a reason."""

    class Family(models.TextChoices):
        CALENDAR_EVENT = "calendar_event", "Calendar event (kind of day)"
        DISCIPLINE = "discipline", "Discipline action"
        PROGRAM = "program", "Program type"

    family = models.CharField(max_length=20, choices=Family.choices)
    descriptor = models.CharField(max_length=306, help_text="uri://ed-fi.org/CalendarEventDescriptor#Holiday, "
                                                            "or a local code such as SNOW")
    value = models.CharField(max_length=30, help_text="The Casework kind it means (checked per family)")
    shipped = models.BooleanField(default=False, help_text="Seeded from the Ed-Fi defaults")
    notes = models.CharField(max_length=200, blank=True)

    objects = CodeMappingQuerySet.as_manager()

    class Meta:
        ordering = ["family", "descriptor"]
        constraints = [models.UniqueConstraint(fields=["family", "descriptor"], name="code_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.family}: {self.descriptor} -> {self.value}"
