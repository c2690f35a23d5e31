"""Forms of the plan pages. A plan's goals and interventions are formsets on the plan form; an edit
carries the plan's `version` (a stale form is refused, not applied over someone else's change) and the
reason for the change, which goes in the plan's history."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .choices import RESPONSES_NEEDING_REASON, Comparator, FamilyResponse, Metric, PlanStatus, Tier
from .dates import plan_date_problem
from .models import Goal, Intervention, Plan
from .services import GoalSpec, InterventionSpec

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


def owner_choices(case, user, plan: Plan | None = None) -> dict[int, object]:
    """The people who can carry a plan: those named on the case, and whoever is filling in the form."""
    people = [case.owner, *(w.user for w in case.workers.select_related("user")), user,
              plan.owner if plan is not None else None]
    return {p.pk: p for p in people if p is not None}


class PlanForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="What the plan is for, e.g. “Attendance plan, spring”. "
                                                      "No student name: it shows in task lists.")
    owner = forms.TypedChoiceField(coerce=int, label="Owner", help_text="Who carries the plan out")
    start_on = forms.DateField(label="Start date", widget=DATE)
    review_on = forms.DateField(label="Review date", widget=DATE,
                                help_text="A “Plan review due” task is made for this date")

    def __init__(self, *args, people: dict[int, object], case=None, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people, self.case, self.plan = people, case, plan
        self.fields["owner"].choices = [(pk, _staff_label(p)) for pk, p in people.items()]

    def clean(self):
        data = super().clean()
        if self.case is not None:
            for name in ("start_on", "review_on", "effective_on"):
                problem = plan_date_problem(data.get(name), self.case)
                if problem and self._date_changed(name, data.get(name)):
                    self.add_error(name, problem)
        if data.get("start_on") and data.get("review_on") and data["review_on"] < data["start_on"]:
            self.add_error("review_on", "The review date must be on or after the start date.")
        return data

    def _date_changed(self, name: str, value) -> bool:
        """An edit is not refused for a date it leaves as it was."""
        return self.plan is None or getattr(self.plan, name, None) != value

    def plan_fields(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "owner": self.people[d["owner"]], "start_on": d["start_on"],
                "review_on": d["review_on"]}


class PlanEditForm(PlanForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=PlanStatus.choices)
    reason = forms.CharField(label="Reason for the change", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept in the plan's history with what it said before, e.g. "
                                       "“Review 11/17: attendance up; adding mentoring”")
    effective_on = forms.DateField(label="Change takes effect", widget=DATE, required=False,
                                   help_text="Marked on the progress chart; today if left empty")

    def plan_fields(self) -> dict:
        return super().plan_fields() | {"status": self.cleaned_data["status"]}


class GoalForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    metric = forms.ChoiceField(label="Measure", choices=Metric.choices, initial=Metric.ATTENDANCE_RATE)
    other_metric = forms.CharField(label="If other, what is measured", required=False, max_length=120)
    comparator = forms.ChoiceField(label="Compared", choices=Comparator.choices, initial=Comparator.AT_LEAST)
    target = forms.DecimalField(label="Target", max_digits=7, decimal_places=2, min_value=0,
                                help_text="Attendance rate in %; absences and suspensions in days a week")
    weeks = forms.IntegerField(label="For consecutive weeks", min_value=1, max_value=40, initial=4)

    def clean(self):
        data = super().clean()
        if data.get("metric") == Metric.OTHER and not (data.get("other_metric") or "").strip():
            self.add_error("other_metric", "Say what this goal measures.")
        if data.get("metric") == Metric.ATTENDANCE_RATE and data.get("target") is not None and data["target"] > 100:
            self.add_error("target", "An attendance rate target is a percentage from 0 to 100.")
        return data

    def spec(self) -> GoalSpec:
        d = self.cleaned_data
        return GoalSpec(id=d.get("id"), metric=d["metric"], other_metric=d.get("other_metric") or "",
                        comparator=d["comparator"], target=d["target"], weeks=d["weeks"])


class InterventionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    intervention = forms.ModelChoiceField(label="Intervention", queryset=Intervention.objects.none(),
                                          empty_label="Choose from the library")
    tier = forms.TypedChoiceField(label="Tier", coerce=int, required=False, empty_value=None,
                                  choices=[("", "The library's tier"), *Tier.choices])
    frequency = forms.CharField(label="How often", required=False, max_length=120)
    responsible = forms.CharField(label="Who does it", required=False, max_length=120)
    start_on = forms.DateField(label="From", required=False, widget=DATE, help_text="The plan's start if empty")
    end_on = forms.DateField(label="Until", required=False, widget=DATE)

    def __init__(self, *args, library=None, **kwargs):
        super().__init__(*args, **kwargs)
        if library is not None:
            self.fields["intervention"].queryset = library

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", "The end date is before the start date.")
        return data

    def spec(self, default_start) -> InterventionSpec:
        d = self.cleaned_data
        return InterventionSpec(id=d.get("id"), intervention=d["intervention"], tier=d.get("tier"),
                                frequency=d.get("frequency") or "", responsible=d.get("responsible") or "",
                                start_on=d.get("start_on") or default_start, end_on=d.get("end_on"))


def goal_initial(plan: Plan) -> list[dict]:
    return [{"id": g.pk, "metric": g.metric, "other_metric": g.other_metric, "comparator": g.comparator,
             "target": g.target.normalize(), "weeks": g.weeks} for g in plan.goals.current()]


def intervention_initial(plan: Plan) -> list[dict]:
    return [{"id": i.pk, "intervention": i.intervention_id, "tier": i.tier, "frequency": i.frequency,
             "responsible": i.responsible, "start_on": i.start_on, "end_on": i.end_on}
            for i in plan.interventions.all()]


def formsets(data, *, library, goals_initial=None, interventions_initial=None, extra_goals: int = 1,
             extra_interventions: int = 2):
    """The goal and intervention formsets with `extra` blank rows (left blank, they are skipped)."""
    goal_cls = forms.formset_factory(GoalForm, extra=extra_goals, can_delete=True, max_num=8, absolute_max=8,
                                     validate_max=True)
    int_cls = forms.formset_factory(InterventionForm, extra=extra_interventions, can_delete=True, max_num=15,
                                    absolute_max=15, validate_max=True)
    return (goal_cls(data, prefix="goals", initial=goals_initial),
            int_cls(data, prefix="interventions", initial=interventions_initial, form_kwargs={"library": library}))


def kept_forms(formset) -> list[forms.Form]:
    """Rows filled in and not marked for removal."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class ProgressForm(forms.Form):
    goal = forms.TypedChoiceField(coerce=int, label="Goal")
    week_of = forms.DateField(label="Week of", widget=DATE, help_text="Any day of the school week")
    value = forms.DecimalField(label="Value", max_digits=7, decimal_places=2, min_value=0,
                               help_text="Attendance rate in %; absences or suspensions in days")
    note = forms.CharField(label="Note", required=False, max_length=300,
                           help_text="Where the number comes from, or why it replaces the attendance record's")
    # Set only after the form has shown the value already entered for that week: saving then replaces it.
    replaces = forms.RegexField(regex=r"^[0-9]{1,12}\.[0-9]{1,9}$", required=False, widget=forms.HiddenInput,
                                error_messages={"invalid": "Reload the page and enter the value again."})

    def __init__(self, *args, goals: list[Goal], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = {g.pk: g for g in goals}
        self.fields["goal"].choices = [(g.pk, g.text) for g in goals]
        if not self.is_bound:
            self.initial.setdefault("week_of", timezone.localdate())

    def clean_replaces(self) -> tuple[int, int] | None:
        """"<value id>.<version>" of the value this form showed, as the service takes it."""
        raw = self.cleaned_data.get("replaces") or ""
        if not raw:
            return None
        pk, version = raw.split(".")
        return int(pk), int(version)


class InterventionLibraryForm(forms.Form):
    name = forms.CharField(max_length=120)
    tier = forms.TypedChoiceField(coerce=int, choices=Tier.choices, initial=Tier.TWO)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(required=False, initial=True, label="Offered on new plans",
                                help_text="Untick to retire it: plans that use it keep it")


class InterventionEditForm(InterventionLibraryForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class FamilyResponseForm(forms.Form):
    """The family's answer to one service on the plan; `version` is the service row's as shown."""

    response = forms.ChoiceField(label="Family's answer",
                                 choices=[("", "No answer recorded"), *FamilyResponse.choices], required=False,
                                 help_text="“No answer recorded” clears a mistaken answer (say why in the note)")
    answered_on = forms.DateField(label="Date of the answer", widget=DATE, required=False)
    note = forms.CharField(label="Reason or note", required=False, max_length=300,
                           help_text="Required for a refusal: who said what, e.g. “mother declined the "
                                     "counseling referral”")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        # Each row's form has its own ids (several on one page).
        self.auto_id = f"id_answer{item.pk}_%s" if item is not None else "id_%s"
        if not self.is_bound and item is not None:
            self.initial = {"response": item.family_response, "note": item.family_response_note,
                            "answered_on": item.family_response_on or timezone.localdate(),
                            "version": item.version}

    def clean(self):
        data = super().clean()
        if data.get("response") in RESPONSES_NEEDING_REASON and not (data.get("note") or "").strip():
            self.add_error("note", "Give the family's reason: the review board and court packets list it.")
        if data.get("response") and not data.get("answered_on") and "answered_on" not in self.errors:
            self.add_error("answered_on", "Give the date the family answered.")
        return data
