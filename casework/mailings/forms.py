"""The "generate letters" form and the "mark all mailed" form."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from casework.letters.choices import TEMPLATE_KEYS

from .recipients import TRIGGER_FLAGS
from .services import MAIL_METHODS

WHO_CROSSED = "crossed"
WHO_UNLAWFUL = "unlawful"
WHO_SELECTED = "selected"
TEMPLATES = list(TEMPLATE_KEYS.items())


def start_of_week(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class MailingForm(forms.Form):
    template_key = forms.ChoiceField(label="Letter", choices=TEMPLATES, initial="tier1_letter")
    who = forms.ChoiceField(label="Who gets a letter", widget=forms.RadioSelect, initial=WHO_CROSSED, choices=[
        (WHO_CROSSED, "Students whose flag was newly raised since a date"),
        (WHO_UNLAWFUL, "Students with at least a number of unlawful absences this year"),
    ])
    flag = forms.ChoiceField(label="Flag", choices=TRIGGER_FLAGS, required=False)
    crossed_since = forms.DateField(label="Raised on or after", required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    unlawful_at_least = forms.IntegerField(label="Unlawful days, at least", min_value=1, max_value=180,
                                           required=False)
    student = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, selected: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crossed_since"].initial = start_of_week(timezone.localdate())
        self.fields["unlawful_at_least"].initial = 5
        ids = selected or []
        self.fields["student"].choices = [(i, i) for i in ids]
        self.fields["student"].initial = ids  # carried as hidden inputs from the list to the final POST
        if ids:
            self.fields["who"].choices = [*self.fields["who"].choices,
                                          (WHO_SELECTED, f"The {len(ids)} student{'s' if len(ids) != 1 else ''} "
                                                         "selected on the early-warning list")]
            self.fields["who"].initial = WHO_SELECTED

    def clean(self):
        data = super().clean()
        who = data.get("who")
        if who == WHO_CROSSED:
            if not data.get("crossed_since"):
                self.add_error("crossed_since", "Give the date the flags were raised on or after.")
            elif data["crossed_since"] > timezone.localdate():
                self.add_error("crossed_since", "The date cannot be in the future.")
            if not data.get("flag"):
                self.add_error("flag", "Choose the flag.")
        elif who == WHO_UNLAWFUL and not data.get("unlawful_at_least"):
            self.add_error("unlawful_at_least", "Give the number of unlawful days.")
        elif who == WHO_SELECTED and not data.get("student"):
            self.add_error("who", "No student was selected on the list.")
        return data

    def criteria(self) -> dict:
        data = self.cleaned_data
        if data["who"] == WHO_CROSSED:
            return {"crossed_since": data["crossed_since"].isoformat(), "flag": data["flag"]}
        if data["who"] == WHO_UNLAWFUL:
            return {"unlawful_at_least": data["unlawful_at_least"]}
        return {"students": sorted(set(data["student"]))}


class MarkMailedForm(forms.Form):
    mailed_on = forms.DateField(label="Mailed on", widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label="How", choices=MAIL_METHODS, initial="first_class")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailed_on"].initial = timezone.localdate()

    def clean_mailed_on(self):
        day = self.cleaned_data["mailed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The mailing date cannot be in the future.")
        return day
