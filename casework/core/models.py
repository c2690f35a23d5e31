from django.db import models


class AuditedModel(models.Model):
    """Base for models whose every write goes through services and leaves a change record.

    `version` is bumped on each write so an edit made from a stale copy is refused, not silently
    applied over someone else's."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # Fields left out of change records (derived values, secrets).
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at", "version")

    class Meta:
        abstract = True
