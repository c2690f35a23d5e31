"""Forms of the referral pages. Choice lists come from the policy-scoped selectors; decision forms carry
the referral's version so a decision made on a stale page is refused, not applied."""

from __future__ import annotations

from django import forms

from casework.cases.choices import CaseType

from .choices import ReasonCategory, Urgency

MAX_QUERY = 100


class StudentPickForm(forms.Form):
    q = forms.CharField(label="Student name or ID", max_length=MAX_QUERY,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": "e.g. Garcia, Jose or 100234"}))


class _ReferralText(forms.Form):
    reasons = forms.MultipleChoiceField(
        label="Reasons", choices=ReasonCategory.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one reason for the referral."})
    urgency = forms.ChoiceField(label="How soon", choices=Urgency.choices, initial=Urgency.ROUTINE,
                                widget=forms.RadioSelect)
    details = forms.CharField(label="What have you seen?", widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=5000,
                              error_messages={"required": "Say what you have seen: the PPW decides from this."})
    already_tried = forms.CharField(
        label="What has the school already tried?", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Calls home, conferences, SST, schedule changes... Write \"nothing yet\" if that is the case.",
        error_messages={"required": "Say what the school already tried, or write \"nothing yet\"."})


class ReferralForm(_ReferralText):
    school = forms.ChoiceField(label="Referring school")

    field_order = ["school", "reasons", "urgency", "details", "already_tried"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(s.pk, s.name) for s in schools]
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        self._schools = {s.pk: s for s in schools}

    def clean_school(self):
        return self._schools[int(self.cleaned_data["school"])]


class BulkReferralForm(_ReferralText):
    """The confirm step of "refer these students": the ids come from the early-warning list's checkboxes."""

    student = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput,
                                             error_messages={"required": "Select at least one student."})

    def __init__(self, *args, student_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [(i, i) for i in student_ids]


class _Decision(forms.Form):
    """The decision forms share one page: each gets its own element ids (field names stay plain)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    id_prefix = "decision"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AcceptForm(_Decision):
    id_prefix = "accept"
    NEW, EXISTING = "new", "existing"
    into = forms.ChoiceField(label="Accept into", widget=forms.RadioSelect, initial=NEW,
                             choices=[(NEW, "A new case"), (EXISTING, "An open case of this student")])
    case_type = forms.ChoiceField(label="Type of new case", choices=CaseType.choices, required=False)
    owner = forms.ChoiceField(label="Case owner", required=False)
    case = forms.ChoiceField(label="Open case", required=False)
    note = forms.CharField(label="Note for the referrer (optional)", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="The referrer sees this note and the status, never the case notes.")

    def __init__(self, *args, owners, cases, default_type: str, me, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].initial = default_type
        self.fields["owner"].choices = [(u.pk, u.get_full_name() or u.username) for u in owners]
        self.fields["owner"].initial = me.pk
        self.fields["case"].choices = [(c.pk, f"{c.number} · {c.get_case_type_display()} · "
                                              f"{c.owner.get_full_name() if c.owner else 'no owner'}") for c in cases]
        if not cases:
            self.fields["into"].choices = self.fields["into"].choices[:1]
            del self.fields["case"]
        self._owners = {u.pk: u for u in owners}
        self._cases = {c.pk: c for c in cases}

    def clean(self):
        data = super().clean()
        if data.get("into") == self.EXISTING:
            if not data.get("case"):
                self.add_error("case" if "case" in self.fields else None, "Pick the open case to add it to.")
            else:
                data["case"] = self._cases[int(data["case"])]
        else:
            data["case"] = None
            if not data.get("case_type"):
                self.add_error("case_type", "Pick the type of case to open.")
            data["owner"] = self._owners.get(int(data["owner"])) if data.get("owner") else None
        return data


class ReturnForm(_Decision):
    id_prefix = "return"
    reason = forms.CharField(label="Why return it? (the referrer reads this)", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why it is returned: the referrer reads this."})


class ForwardForm(_Decision):
    id_prefix = "forward"
    to_user = forms.ChoiceField(label="Forward to")
    note = forms.CharField(label="Note (the referrer sees it too)", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [("", "Pick a person"), *(
            (u.pk, u.get_full_name() or u.username) for u in candidates)]
        self._candidates = {u.pk: u for u in candidates}

    def clean_to_user(self):
        return self._candidates[int(self.cleaned_data["to_user"])]


class WithdrawForm(_Decision):
    id_prefix = "withdraw"
    reason = forms.CharField(label="Why withdraw it? (optional)", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
