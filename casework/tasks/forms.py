"""The task / meeting form: a due date given as a date or as "in N school days" on the student's
school calendar."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from casework.cases.models import Case, CaseWorker

from .choices import TaskKind
from .duedates import DueDateError, due_in_school_days

MAX_SCHOOL_DAYS = 200  # more than a school year ahead is a typo


def assignee_choices(user, case: Case) -> list[tuple[str, str]]:
    """The people who work the case: its owner, its co-workers, and the person filling in the form."""
    people = {}
    if case.owner_id:
        people[case.owner_id] = case.owner
    for worker in CaseWorker.objects.for_user(user, "case.work").filter(case=case).select_related("user"):
        people.setdefault(worker.user_id, worker.user)
    people.setdefault(user.pk, user)
    ordered = sorted(people.items(), key=lambda p: str(p[1]))
    return [(str(pk), str(u.get_full_name() or u.username)) for pk, u in ordered]


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label="What", choices=TaskKind.choices, initial=TaskKind.TASK)
    title = forms.CharField(max_length=200, help_text="No student name: it shows in calendar feeds and e-mails.")
    due_on = forms.DateField(label="Due on", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    in_school_days = forms.IntegerField(
        label="Or due in … school days", required=False, min_value=0, max_value=MAX_SCHOOL_DAYS,
        help_text="Counted on the calendar of the student's school, from today.")
    starts_at = forms.DateTimeField(label="Meeting starts", required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format="%Y-%m-%dT%H:%M"),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    location = forms.CharField(max_length=200, required=False, help_text="Meetings: where (shows in your calendar).")
    assignee = forms.ChoiceField(label="Assigned to")
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.case = user, case
        self.fields["assignee"].choices = assignee_choices(user, case)
        self.fields["assignee"].initial = str(case.owner_id or user.pk)

    def clean(self):
        data = super().clean()
        kind, due_on, n, starts = data.get("kind"), data.get("due_on"), data.get("in_school_days"), data.get(
            "starts_at")
        if kind == TaskKind.MEETING and starts is None and "starts_at" not in self.errors:
            self.add_error("starts_at", "A meeting needs a start date and time.")
        if due_on is not None and n is not None:
            self.add_error("in_school_days", "Give a date or a number of school days, not both.")
        elif n is not None:
            try:
                data["due_on"] = due_in_school_days(self.case, n, user=self.user)
            except DueDateError as exc:
                self.add_error("in_school_days", str(exc))
        elif due_on is None:
            if kind == TaskKind.MEETING and starts is not None:
                data["due_on"] = timezone.localtime(starts).date()  # a meeting is due the day it happens
            elif "due_on" not in self.errors:
                self.add_error("due_on", "Give a due date, or a number of school days.")
        if data.get("due_on") and data["due_on"] < datetime.date(2000, 1, 1):
            self.add_error("due_on", "That date is too far in the past.")
        if kind != TaskKind.MEETING:
            data["starts_at"], data["location"] = None, data.get("location", "")
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        assignee = next((u for u in self._people() if str(u.pk) == d["assignee"]), None)
        return {"title": d["title"], "details": d.get("details", ""), "due_on": d["due_on"],
                "starts_at": d.get("starts_at"), "location": d.get("location", ""), "assignee": assignee}

    def _people(self):
        from django.contrib.auth import get_user_model

        ids = [int(v) for v, _ in self.fields["assignee"].choices if v]
        return list(get_user_model().objects.filter(pk__in=ids))


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why is it no longer needed?", max_length=200)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
