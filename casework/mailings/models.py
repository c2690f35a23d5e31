"""A mailing: one batch of family letters for one school ("Tier 1 letters for everyone who crossed the
trigger this week"), made by a background job. The letters themselves are letters.Letter rows that point
back here; this row keeps who asked, for whom (the criteria), how it went and the merged print-ready PDF."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet


class MailingStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RUNNING = "running", "Making letters"
    DONE = "done", "Ready to print"
    FAILED = "failed", "Failed"


class MailingQuerySet(ScopedQuerySet):
    """A mailing belongs to its school: the people who may send that school's letters see it."""

    def in_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)


class Mailing(AuditedModel):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="mailings")
    template_key = models.CharField(max_length=60, default="tier1_letter")
    # Who gets a letter, as asked: {"crossed_since": "2026-11-16", "flag": "truant_7_302_2"} or
    # {"unlawful_at_least": 5} or {"students": [ids]} (picked on the early-warning list). Ids only.
    criteria = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=MailingStatus.choices, default=MailingStatus.QUEUED)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # {"students": n, "letters": n, "skipped": {"no guardian address": [student ids], ...},
    #  "unprintable": [{"letter": pk, "case": pk, "number": case number}]}
    counts = models.JSONField(default=dict, blank=True)
    # Name inside the mailings storage (random, no extension); empty until the job has rendered it.
    pdf_name = models.CharField(max_length=100, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    mailed_on = models.DateField(null=True, blank=True, help_text="Set by 'mark all mailed'")
    mailed_method = models.CharField(max_length=30, blank=True)

    objects = MailingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "created_at"], name="mailings_school_created_idx")]

    def __str__(self) -> str:
        return f"Mailing {self.pk} ({self.template_key}, {self.status})"

    @property
    def letter_count(self) -> int:
        return int(self.counts.get("letters", 0))

    @property
    def skipped(self) -> dict[str, list[int]]:
        return self.counts.get("skipped", {})

    @property
    def unprintable(self) -> list[dict]:
        """[{"letter", "case", "number"}] of the letters whose PDF cannot print some characters."""
        return self.counts.get("unprintable", [])

    @property
    def skipped_count(self) -> int:
        return sum(len(ids) for ids in self.skipped.values())
