"""Filters of the early-warning list and the worklist. They travel as GET parameters: codes and dates,
never a student's name or id, so a bookmarked or logged URL discloses nothing about a child."""

from __future__ import annotations

from django import forms

from casework.students.choices import Grade

from .models import Flags

# Sort keys a user can pick; selectors.SORTS says what each orders by.
SORT_CHOICES = [
    ("rate", "Attendance rate, lowest first"),
    ("-rate", "Attendance rate, highest first"),
    ("unlawful", "Unlawful days, most first"),
    ("absent", "Days absent, most first"),
    ("suspensions", "Suspensions, most first"),
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("grade", "Grade, lowest first"),
    ("-grade", "Grade, highest first"),
]
DEFAULT_SORT = "rate"
ABC_ANY = "abc"
FLAG_CHOICES = [*Flags.choices, (ABC_ANY, "ABC: attendance or suspended")]


class EarlyWarningFilterForm(forms.Form):
    grade = forms.ChoiceField(required=False, choices=[("", "Any grade"), *Grade.choices])
    band = forms.ChoiceField(required=False)
    flag = forms.ChoiceField(required=False, choices=[("", "Any or none"), *FLAG_CHOICES])
    crossed_since = forms.DateField(
        required=False, label="Newly crossed since", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2025-10-01."},
        help_text="Students with a flag first raised on or after this date (and still raised)")
    open_case = forms.ChoiceField(required=False, label="Open case",
                                  choices=[("", "Either"), ("yes", "Has an open case"), ("no", "No open case")])
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")

    def __init__(self, data=None, *, bands: list[tuple[str, str]], show_cases: bool = True):
        super().__init__(data)
        self.fields["band"].choices = [("", "Any band"), *bands, ("none", "Not rated (too few days enrolled)")]
        if not show_cases:
            del self.fields["open_case"]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def filters(self) -> dict:
        """The valid filters; a field with an error is left out (and its message shown)."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return {k: v for k, v in data.items() if v not in (None, "") and k != "sort"}

    def sort_key(self) -> str:
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return data.get("sort") or DEFAULT_SORT


class WorklistFilterForm(forms.Form):
    school = forms.ChoiceField(required=False, label="School")

    def __init__(self, data=None, *, schools):
        super().__init__(data)
        self.fields["school"].choices = [("", "All my schools"), *((s.code, s.name) for s in schools)]
