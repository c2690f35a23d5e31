"""Letter templates (district wording, per key and language, versioned) and the letters made from them
(the rendered text kept as sent, so a letter is reproducible exactly for a hearing or court packet)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from casework.cases.models import CaseRecordQuerySet
from casework.core.models import AuditedModel
from casework.core.querysets import ScopedQuerySet

from .choices import MailMethod, language_label

language_code = RegexValidator(r"^[a-z]{2,3}$", "Use a two- or three-letter language code (ISO 639), e.g. es.")


class LetterTemplateQuerySet(ScopedQuerySet):
    def in_schools(self, school_ids):
        return self  # district wording, not student data: the same rows for every school

    def active(self):
        return self.filter(is_active=True)


class LetterTemplate(AuditedModel):
    """One version of one letter in one language. Editing saves a new version and retires the old one;
    old letters keep pointing at the version they were made from."""

    key = models.SlugField(max_length=40, help_text="Which letter, e.g. tier1_letter")
    language = models.CharField(max_length=3, validators=[language_code], help_text="ISO 639-1 code: en, es, ...")
    # `version` (AuditedModel's) numbers the wording: 1, 2, 3... A template row is written once and only
    # ever retired afterwards (services._retire), so the number never moves.
    title = models.CharField(max_length=200, help_text="Shown in lists and contacts; no student name")
    body = models.TextField(help_text="Text with {{ placeholders }}")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    objects = LetterTemplateQuerySet.as_manager()
    audit_exclude = ("created_at", "updated_at")

    class Meta:
        ordering = ["key", "language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language", "version"], name="letters_template_version_once"),
            models.UniqueConstraint(fields=["key", "language"], condition=Q(is_active=True),
                                    name="letters_one_active_template"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language}) v{self.version}"

    @property
    def language_label(self) -> str:
        return language_label(self.language)


class Letter(AuditedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    template_key = models.SlugField(max_length=40)
    language = models.CharField(max_length=3)
    title = models.CharField(max_length=200, help_text="The template's title when the letter was made")
    guardian = models.ForeignKey("students.Guardian", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="letters")
    recipient_name = models.CharField(max_length=200)
    address_lines = models.JSONField(default=list, blank=True)
    # The school's return address as printed above the window (the school may move; the letter does not).
    return_lines = models.JSONField(default=list, blank=True)
    body_text = models.TextField()
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # The batch it was made in ("Tier 1 letters for School X this week"); empty for a single letter.
    mailing = models.ForeignKey("mailings.Mailing", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="letters")
    mailed_on = models.DateField(null=True, blank=True)
    mail_method = models.CharField(max_length=20, choices=MailMethod.choices, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    return_reason = models.CharField(max_length=200, blank=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["case", "generated_at"], name="letters_case_time_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.case.number})"

    @property
    def language_label(self) -> str:
        return language_label(self.language)

    @property
    def status(self) -> str:
        if self.returned_on:
            return "returned"
        return "mailed" if self.mailed_on else "generated"
