from __future__ import annotations

from decimal import Decimal

from django import forms

from casework.cases.choices import CaseType


class WeightsForm(forms.Form):
    """One weight per case type, each with the version of the row it was read from."""

    def __init__(self, *args, rows: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in CaseType.choices:
            row = rows.get(value)
            self.fields[f"w_{value}"] = forms.DecimalField(
                label=label, min_value=Decimal("0"), max_value=Decimal("10"), max_digits=4, decimal_places=2,
                initial=row.weight if row else Decimal("1.00"),
                widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}))
            self.fields[f"v_{value}"] = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                                           initial=row.version if row else None)

    current: dict | None = None  # after a conflict: the rows as the other person saved them

    def weight_fields(self):
        theirs = self.current or {}
        return [(self[f"w_{value}"], self[f"v_{value}"], getattr(theirs.get(value), "weight", None))
                for value in CaseType.values]

    def weights(self) -> dict[str, Decimal]:
        return {value: self.cleaned_data[f"w_{value}"] for value in CaseType.values}

    def versions(self) -> dict[str, int]:
        return {value: self.cleaned_data[f"v_{value}"] for value in CaseType.values
                if self.cleaned_data.get(f"v_{value}") is not None}
