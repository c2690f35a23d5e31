from django import forms

from .selectors import GRADES, LEVELS


class DashboardFilterForm(forms.Form):
    """GET filters: a bookmarkable dashboard. Only codes and dates, never student data."""

    level = forms.ChoiceField(label="School level", required=False, choices=[("", "All levels"), *LEVELS])
    grade = forms.ChoiceField(label="Grade", required=False, choices=[("", "All grades"), *GRADES])
    as_of = forms.DateField(label="As of", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "Enter the date as YYYY-MM-DD, e.g. 2026-01-15."})
