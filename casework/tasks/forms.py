"""The task / meeting form: a due date given as a date or as "in N school days" on the student's
school calendar."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.cases.models import Case, CaseWorker

from .choices import TaskKind
from .duedates import DueDateError, due_date_problem, due_in_school_days
from .services import check_free_text

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
        problem = due_date_problem(data.get("due_on"))
        if problem and "due_on" not in self.errors:
            self.add_error("starts_at" if kind == TaskKind.MEETING and due_on is None and n is None else "due_on",
                           problem)
        if kind != TaskKind.MEETING:
            data["starts_at"], data["location"] = None, data.get("location", "")
        return data

    def clean_title(self):
        return self._no_names("title")

    def clean_location(self):
        return self._no_names("location")

    def _no_names(self, field: str) -> str:
        value = self.cleaned_data.get(field, "")
        try:
            check_free_text(self.case, **{field: value})
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict[field]) from None
        return value

    def service_fields(self) -> dict:
        d = self.cleaned_data
        assignee = next((u for u in self._people() if str(u.pk) == d["assignee"]), None)
        return {"title": d["title"], "details": d.get("details", ""), "due_on": d["due_on"],
                "starts_at": d.get("starts_at"), "location": d.get("location", ""), "assignee": assignee}

    def _people(self):
        from django.contrib.auth import get_user_model

        ids = [int(v) for v, _ in self.fields["assignee"].choices if v]
        return list(get_user_model().objects.filter(pk__in=ids))


MISSING_VERSION = ("This page did not say which version of the task you opened, so nothing was saved (it could "
                   "overwrite someone else's change). Reload the page and try again.")


def version_field() -> forms.IntegerField:
    """Every change to an existing task names the version the person saw; without it nothing is saved."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                              error_messages={"required": MISSING_VERSION, "invalid": MISSING_VERSION})


class TaskEditForm(TaskForm):
    version = version_field()

    def clean(self):
        data = super().clean()
        if "version" in self.errors:  # a hidden field: say it at the top, where the person looks
            self.add_error(None, self.errors.pop("version")[0])
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why is it no longer needed?", max_length=200)
    version = version_field()

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version")[0])
        return data
