"""Forms of the Ladder tab, the director's settings and the funnel report."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from .choices import Acts, Trigger

WHAT = (("done", "Record done"), ("skip", "Skip"), ("repeat", "Repeat"), ("start", "Start now"))


class StepActionForm(forms.Form):
    """One step's record on a case: done (date, outcome), skip or repeat (reason), or start a manual step."""

    what = forms.ChoiceField(choices=WHAT)
    step = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    done_on = forms.DateField(label="Date done", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.CharField(label="Outcome", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="Reason", required=False, max_length=300)
    evidence = forms.CharField(label="Evidence", required=False, max_length=80)

    def clean(self):
        data = super().clean()
        if data.get("what") in ("skip", "repeat") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why: a skipped or repeated step needs a reason on the record.")
        if data.get("what") == "done" and data.get("done_on") and data["done_on"] > timezone.localdate():
            self.add_error("done_on", "The date it was done cannot be in the future.")
        return data


class OverrideForm(forms.Form):
    reason = forms.CharField(label="Why this case may go ahead without the earlier steps", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Give the reason for the override; it goes on the record."})


class CopyForm(forms.Form):
    name = forms.CharField(label="Name of the new version", max_length=120)
    effective_from = forms.DateField(label="In force from", widget=forms.DateInput(attrs={"type": "date"}),
                                     error_messages={"invalid": "Enter a date like 2026-07-01."})


class StepFieldsForm(forms.Form):
    """What a director sets on a step (services.EDITABLE)."""

    name = forms.CharField(max_length=120)
    trigger = forms.ChoiceField(choices=Trigger.choices)
    trigger_days = forms.IntegerField(label="N (unlawful absences)", required=False, min_value=1, max_value=180)
    also_after_previous = forms.BooleanField(label="Also due when the previous step is done", required=False)
    letter_template = forms.CharField(label="Letter template key", required=False, max_length=40,
                                      help_text="e.g. tier1_letter, conference_invitation, hearing_notice")
    acts = forms.ChoiceField(label="Who acts", choices=Acts.choices)
    deadline_school_days = forms.IntegerField(label="Deadline (school days after it is due)", min_value=0,
                                              max_value=180)
    required_before_petition = forms.BooleanField(label="Required before the review board / petition",
                                                  required=False)
    guarded = forms.BooleanField(label="Guarded: needs every required earlier step (or an override)",
                                 required=False)
    repeatable = forms.BooleanField(required=False)
    citation = forms.CharField(label="Law or policy", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("trigger") == Trigger.UNLAWFUL_DAYS and not data.get("trigger_days"):
            self.add_error("trigger_days", "Give N, the number of unlawful absences that makes the step due.")
        return data


class StepForm(StepFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StepAddForm(StepFieldsForm):
    """A new step: where it goes (after which step), and optionally its key."""

    position = forms.TypedChoiceField(label="Put it", coerce=int, empty_value=None)
    key = forms.CharField(label="Key (optional)", required=False, max_length=40,
                          help_text="Tasks are tagged ladder:<key>; made from the name when left empty")

    field_order = ["position", "name"]

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [(0, "First, at the top")] + [
            (s.pk, f"After {s.order}. {s.name}") for s in steps]
        if steps and not self.is_bound:
            self.initial.setdefault("position", steps[-1].pk)


ARRANGE = (("up", "Move up"), ("down", "Move down"), ("retire", "Retire"), ("restore", "Put back"))


class StepArrangeForm(forms.Form):
    what = forms.ChoiceField(choices=ARRANGE)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    as_of = forms.DateField(label="As of", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "Enter a date like 2026-01-15."})
    school = forms.TypedChoiceField(label="School", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "All schools")] + [(s.pk, s.name) for s in schools]

    def as_of_or_today(self) -> datetime.date:
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or timezone.localdate()
