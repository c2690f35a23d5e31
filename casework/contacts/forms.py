"""Forms for logging and correcting contacts, and the phone form for home-visit notes."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.utils import timezone

from casework.core.forms import ServiceErrorsMixin
from casework.tasks.duedates import due_date_problem

from . import selectors
from .choices import ContactType, VisitOutcome

YES_NO = [("yes", "Yes, I reached someone"), ("no", "No: nobody answered / no response")]
VISIT_LENGTHS = [(30, "30 minutes"), (60, "1 hour"), (90, "1½ hours"), (120, "2 hours"), (180, "3 hours")]
MAX_AGENCY_LINES = 10
REACHED_REQUIRED = "Choose whether you reached someone: yes, or no if nobody answered."
MET_REQUIRED = "Choose whether you met anyone: yes, or no if nobody answered."


class GuardianChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, link):
        label = f"{link.get_relationship_display()}: {link.guardian.first_name} {link.guardian.last_name}"
        if link.guardian.phone:
            label += f" · {link.guardian.phone}"
        return label + (" · NO-CONTACT ORDER" if link.no_contact else "")


class StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return (user.get_full_name() or user.username) + (f" ({user.title})" if user.title else "")


def parse_agency_people(text: str) -> list[dict]:
    """ "Dana Brooks, Department of Social Services" per line -> [{"name", "agency"}]."""
    people = []
    for line in text.splitlines():
        if line.strip():
            name, _, agency = line.partition(",")
            people.append({"name": name.strip(), "agency": agency.strip()})
    return people


def format_agency_people(people: list[dict]) -> str:
    return "\n".join(f"{p['name']}, {p['agency']}" if p.get("agency") else p["name"] for p in people)


class ContactForm(ServiceErrorsMixin, forms.Form):
    contact_type = forms.ChoiceField(label="Type of contact", choices=[("", "Choose…"), *ContactType.choices])
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(label="Minutes (optional)", required=False, min_value=0, max_value=1440,
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    # No default: an unanswered attempt saved without touching this must not count as reached.
    reached = forms.ChoiceField(label="Did you reach the person?", choices=YES_NO, widget=forms.RadioSelect,
                                error_messages={"required": REACHED_REQUIRED})
    guardians = GuardianChoice(label="Guardians who took part", queryset=None, required=False,
                               widget=forms.CheckboxSelectMultiple)
    staff = StaffChoice(label="Staff who took part", queryset=None, required=False,
                        widget=forms.CheckboxSelectMultiple)
    agency_people = forms.CharField(
        label="Agency people (optional)", required=False, max_length=1000,
        help_text="One per line: name, agency. For example: Dana Brooks, Department of Social Services",
        widget=forms.Textarea(attrs={"rows": 2}))
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)
    summary = forms.CharField(label="Summary", max_length=10000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="What happened, or what you tried. Facts, not opinions.")
    follow_ups = forms.CharField(label="Follow-ups (optional)", required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_due = forms.DateField(label="Follow up by (optional)", required=False,
                                    help_text="Adds a task to your list, due that day.",
                                    widget=forms.DateInput(attrs={"type": "date"}))
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["guardians"].queryset = selectors.guardian_choices(case, user)
        self.fields["staff"].queryset = selectors.staff_choices(case)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("date", now.date())
            self.initial.setdefault("time", now.time().replace(second=0, microsecond=0))
            self.initial.setdefault("client_key", uuid.uuid4())

    def clean_agency_people(self):
        people = parse_agency_people(self.cleaned_data["agency_people"])
        if len(people) > MAX_AGENCY_LINES:
            raise forms.ValidationError(f"List at most {MAX_AGENCY_LINES} agency people.")
        return people

    def clean_follow_up_due(self):
        """The follow-up becomes a task: the same two-year limit as any due date (a typo'd year would
        otherwise reach calendars)."""
        day = self.cleaned_data.get("follow_up_due")
        problem = due_date_problem(day)
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time") is not None:
            data["occurred_at"] = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"contact_type": d["contact_type"], "occurred_at": d["occurred_at"], "summary": d["summary"],
                "reached": d["reached"] == "yes", "duration_minutes": d["duration_minutes"],
                "location": d["location"], "guardians": list(d["guardians"]), "staff": list(d["staff"]),
                "agency_people": d["agency_people"], "follow_ups": d["follow_ups"],
                "follow_up_due": d["follow_up_due"]}

    # Service errors name model fields; show them beside the input they are about.
    FIELD_FOR = {"occurred_at": "date", "client_key": None}


class ContactEditForm(ContactForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, contact=None, **kwargs):
        if contact is not None and not args and "data" not in kwargs:
            when = timezone.localtime(contact.occurred_at)
            kwargs["initial"] = {
                "contact_type": contact.contact_type, "date": when.date(), "time": when.time(),
                "duration_minutes": contact.duration_minutes, "reached": "yes" if contact.reached else "no",
                "guardians": list(contact.guardians.all()), "staff": list(contact.staff.all()),
                "agency_people": format_agency_people(contact.agency_people), "location": contact.location,
                "summary": contact.summary, "follow_ups": contact.follow_ups,
                "follow_up_due": contact.follow_up_due, "version": contact.version}
        super().__init__(*args, **kwargs)
        del self.fields["client_key"]


class HomeVisitNotesForm(ContactForm):
    """The phone form: a contact whose type is always "home visit"."""

    def __init__(self, *args, address: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["contact_type"]
        self.fields["reached"].label = "Did you meet anyone?"
        self.fields["reached"].choices = [("yes", "Yes, I met the family"), ("no", "No: nobody answered")]
        self.fields["reached"].error_messages["required"] = MET_REQUIRED
        if not self.is_bound and address:
            self.initial.setdefault("location", address)

    def service_kwargs(self) -> dict:
        self.cleaned_data["contact_type"] = ContactType.HOME_VISIT
        return super().service_kwargs()


class CheckInForm(forms.Form):
    minutes = forms.TypedChoiceField(label="I expect to be back in", choices=VISIT_LENGTHS, coerce=int, initial=60)


class CheckOutForm(forms.Form):
    outcome = forms.ChoiceField(label="How did it end? (optional)", required=False,
                                choices=[("", "—"), *VisitOutcome.choices])


class ContactFilterForm(forms.Form):
    type = forms.ChoiceField(label="Show", required=False, choices=[("", "Every type"), *ContactType.choices])
