"""Forms of the case pages. Filters travel as GET parameters (codes and ids, never a name); edits carry
the case's `version` so a stale form is refused instead of overwriting someone else's change."""

from __future__ import annotations

from django import forms

from casework.schools.models import School

from .choices import CaseStatus, CaseType, EventKind
from .selectors import case_staff


def _ids(form: forms.Form) -> None:
    for name, field in form.fields.items():
        field.widget.attrs.setdefault("id", f"id_{name}")


def _staff_label(user) -> str:
    return user.get_full_name() or user.username


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _staff_label(obj)


SORTS = [("-opened", "Newest first"), ("opened", "Oldest first (longest open)")]


class CaseListFilterForm(forms.Form):
    scope = forms.ChoiceField(required=False, label="Show",
                              choices=[("mine", "My cases"), ("all", "All cases I can work")])
    status = forms.ChoiceField(required=False, label="Status",
                               choices=[("open_any", "Any open status"), ("", "Any status, closed too"),
                                        *CaseStatus.choices])
    case_type = forms.ChoiceField(required=False, label="Type", choices=[("", "Any type"), *CaseType.choices])
    school = forms.ModelChoiceField(required=False, label="School", queryset=School.objects.none(),
                                    empty_label="Any of my schools", to_field_name="code")
    owner = StaffChoiceField(required=False, label="Owner", queryset=case_staff(), empty_label="Anyone")
    sort = forms.ChoiceField(required=False, label="Sort by", choices=SORTS)

    def __init__(self, data=None, *, user, leader: bool):
        super().__init__(data)
        self.fields["school"].queryset = School.objects.for_user(user, "case.work").order_by("name")
        if not leader:
            del self.fields["owner"]
        _ids(self)

    def values(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "mine": (data.get("scope") or "mine") == "mine",
            "status": data.get("status", "open_any") if self.is_bound else "open_any",
            "case_type": data.get("case_type") or "",
            "school": data["school"].pk if data.get("school") else None,
            "owner": data["owner"].pk if data.get("owner") else None,
            "sort": data.get("sort") or "-opened",
        }


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(required=False, label="Show entries about", choices=EventKind.choices,
                                     widget=forms.CheckboxSelectMultiple)


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=[*CaseStatus.choices])
    reason = forms.CharField(required=False, max_length=200, label="Reason",
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    outcome = forms.CharField(required=False, label="Outcome (when closing)", widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseOpenForm(forms.Form):
    case_type = forms.ChoiceField(label="Type of case", choices=CaseType.choices)
    owner = StaffChoiceField(label="Owner", queryset=case_staff(), empty_label=None)
    opened_on = forms.DateField(label="Opened on", widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2025-10-01."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_staff()
        _ids(self)


class AssignForm(forms.Form):
    to_user = StaffChoiceField(label="New owner", queryset=case_staff())
    reason = forms.CharField(label="Reason", max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = case_staff()
        _ids(self)


class WorkerForm(forms.Form):
    user = StaffChoiceField(label="Co-worker", queryset=case_staff())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = case_staff()
        _ids(self)


class LinkForm(forms.Form):
    district_id = forms.CharField(label="Student ID of the sibling or household member", max_length=20)
    relationship = forms.CharField(label="Relationship", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district_id"].widget.attrs["id"] = "id_link_district_id"
        self.fields["relationship"].widget.attrs["id"] = "id_link_relationship"


class BulkReassignForm(forms.Form):
    from_user = StaffChoiceField(label="Cases owned by", queryset=case_staff())
    school = forms.ModelChoiceField(required=False, label="Only students at", queryset=School.objects.none(),
                                    empty_label="Any school", to_field_name="code")
    to_user = StaffChoiceField(label="Move to", queryset=case_staff())
    reason = forms.CharField(label="Reason", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_user(user, "case.assign").order_by("name")
        self.fields["from_user"].queryset = case_staff()
        self.fields["to_user"].queryset = case_staff()
        _ids(self)

    def clean(self):
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", "Pick a different person than the current owner.")
        return data


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve closure"), ("return", "Send back")])
    note = forms.CharField(required=False, label="Note to the owner", widget=forms.Textarea(attrs={"rows": 2}))
