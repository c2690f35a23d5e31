"""Filters of the early-warning list and the worklist. They travel as GET parameters: codes and dates,
never a student's name or id, so a bookmarked or logged URL discloses nothing about a child."""

from __future__ import annotations

from django import forms

from casework.students.choices import Grade

from .exports import NOT_RATED
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
FLAG_CHOICES = [*Flags.choices, (ABC_ANY, "ABC: any of attendance, suspended, course failure")]


class _LenientFilterForm(forms.Form):
    """Filters read leniently: a field with an error is left out (its message shown), the rest apply.
    Subclasses name their default sort and the fields that are not row filters."""

    default_sort = ""
    not_filters: tuple[str, ...] = ("sort",)

    def _ids(self) -> None:
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def _valid(self) -> dict:
        return getattr(self, "cleaned_data", {}) if self.is_bound else {}

    def filters(self) -> dict:
        """The valid filters; a field with an error is left out (and its message shown)."""
        return {k: v for k, v in self._valid().items() if v not in (None, "") and k not in self.not_filters}

    def sort_key(self) -> str:
        return self._valid().get("sort") or self.default_sort


class EarlyWarningFilterForm(_LenientFilterForm):
    default_sort = DEFAULT_SORT

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
        self.fields["band"].choices = [("", "Any band"), *bands, ("none", NOT_RATED)]
        if not show_cases:
            del self.fields["open_case"]
        self._ids()


# The worklist's sort keys; selectors.WORKLIST_SORTS says what each orders by.
WORKLIST_SORT_CHOICES = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("school", "School, then student name"),
    ("flag", "Flag"),
]
WORKLIST_DEFAULT_SORT = "newest"


class _SchoolField(forms.ChoiceField):
    def validate(self, value):
        # The refused code is echoed back in the message: keep whatever was pasted into the URL short.
        if value and not self.valid_value(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value[:12]})
        super().validate(value)


class WorklistFilterForm(_LenientFilterForm):
    """The worklist's filters, read like the early-warning list's: a value that cannot be read is left out
    with a message and the others still apply. `school` offers only the user's schools, so another
    school's code is refused as "not one of your schools" (the rows are scoped by for_user regardless);
    it is not a row filter: the view turns its code into one of the user's schools."""

    default_sort = WORKLIST_DEFAULT_SORT
    not_filters = ("sort", "school")

    school = _SchoolField(required=False, label="School",
                          error_messages={"invalid_choice": "%(value)s is not one of your schools."})
    flag = forms.ChoiceField(required=False, choices=[("", "Any flag"), *Flags.choices])
    grade = forms.ChoiceField(required=False, choices=[("", "Any grade"), *Grade.choices])
    crossed_since = forms.DateField(
        required=False, label="Crossed since", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2025-10-01."},
        help_text="Alerts whose flag was raised on or after this date")
    sort = forms.ChoiceField(required=False, choices=WORKLIST_SORT_CHOICES, label="Sort by")

    def __init__(self, data=None, *, schools):
        super().__init__(data)
        self.fields["school"].choices = [("", "All my schools"), *((s.code, s.name) for s in schools)]
        self._ids()

    def school_code(self) -> str:
        return self._valid().get("school") or ""

    def show_flag_counts(self, counts: dict[str, int]) -> None:
        """Label each flag with how many alerts it would list under the other filters."""
        self.fields["flag"].choices = [("", f"Any flag ({sum(counts.values())})"),
                                       *((v, f"{label} ({counts.get(v, 0)})") for v, label in Flags.choices)]
