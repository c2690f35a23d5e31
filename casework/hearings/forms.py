"""Forms to schedule, change and close hearings, and to generate packets."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from casework.contacts import selectors as contact_choices
from casework.contacts.forms import GuardianChoice, StaffChoice
from casework.core.forms import ServiceErrorsMixin

from . import letters_link
from .choices import FamilyAttendance, HearingKind, HearingStatus, NoticeMethod

DATE = forms.DateInput(attrs={"type": "date"})


class HearingForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of hearing", choices=HearingKind.choices)
    date = forms.DateField(label="Date", widget=DATE)
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="Place", max_length=200,
                            help_text="e.g. Alpha Elementary, main office conference room")
    guardians = GuardianChoice(label="Guardians invited", queryset=None, required=False,
                               widget=forms.CheckboxSelectMultiple)
    staff = StaffChoice(label="Staff invited", queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    other_participants = forms.CharField(label="Others invited (optional)", required=False, max_length=1000,
                                         help_text="One per line: name and agency, interpreter",
                                         widget=forms.Textarea(attrs={"rows": 2}))
    notice_sent_on = forms.DateField(label="Notice sent on (optional)", required=False, widget=DATE,
                                     help_text="With a hearing-notice letter linked, its mailing (recorded on the "
                                               "Letters tab, not returned) is the notice: its date and method "
                                               "replace these. Moving the hearing clears the notice.")
    notice_method = forms.ChoiceField(label="Notice sent by", required=False,
                                      choices=[("", "Not sent yet"), *NoticeMethod.choices])
    notice_letter_id = forms.TypedChoiceField(label="Hearing-notice letter (optional)", required=False, coerce=int,
                                              empty_value=None)

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardians"].queryset = contact_choices.guardian_choices(case, user)
        self.fields["staff"].queryset = contact_choices.staff_choices(case)
        notices = letters_link.hearing_notices(case, user)
        if notices:
            self.fields["notice_letter_id"].choices = [("", "None")] + [
                (n.pk, f"{n.recipient_name}, {timezone.localtime(n.generated_at):%m/%d/%Y}") for n in notices]
        else:
            del self.fields["notice_letter_id"]
        if not self.is_bound:
            self.initial.setdefault("time", datetime.time(9, 0))

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time") is not None:
            data["scheduled_at"] = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        if data.get("notice_sent_on") and not data.get("notice_method"):
            self.add_error("notice_method", "Say how the notice was sent.")
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"kind": d["kind"], "scheduled_at": d["scheduled_at"], "place": d["place"],
                "guardians": list(d["guardians"]), "staff": list(d["staff"]),
                "other_participants": d["other_participants"], "notice_sent_on": d["notice_sent_on"],
                "notice_method": d["notice_method"], "notice_letter_id": d.get("notice_letter_id")}

    FIELD_FOR = {"scheduled_at": "date"}


class HearingEditForm(HearingForm):
    status = forms.ChoiceField(label="Status", choices=[(s.value, s.label) for s in HearingStatus
                                                        if s != HearingStatus.HELD])
    status_reason = forms.CharField(label="Why postponed or cancelled", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, hearing=None, **kwargs):
        if hearing is not None and not args and "data" not in kwargs:
            when = timezone.localtime(hearing.scheduled_at)
            kwargs["initial"] = {
                "kind": hearing.kind, "date": when.date(), "time": when.time(), "place": hearing.place,
                "guardians": list(hearing.guardians.all()), "staff": list(hearing.staff.all()),
                "other_participants": hearing.other_participants, "notice_sent_on": hearing.notice_sent_on,
                "notice_method": hearing.notice_method, "notice_letter_id": hearing.notice_letter_id,
                "status": hearing.status, "status_reason": hearing.status_reason, "version": hearing.version}
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        kwargs = super().service_kwargs()
        kwargs.update(status=d["status"], status_reason=d["status_reason"])
        return kwargs


class OutcomeForm(ServiceErrorsMixin, forms.Form):
    family_attendance = forms.ChoiceField(label="Did the family attend?", choices=FamilyAttendance.choices,
                                          widget=forms.RadioSelect)
    attended = forms.CharField(label="Who attended", required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label="Outcome", max_length=10000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="What was decided, or what happened. Facts, not opinions.")
    agreements = forms.CharField(label="Agreements (attendance contract terms)", required=False, max_length=10000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_on = forms.DateField(label="Follow-up date (optional)", required=False, widget=DATE,
                                   help_text="Adds a follow-up task to the case owner's list, due that day.")
    version = forms.IntegerField(widget=forms.HiddenInput)

