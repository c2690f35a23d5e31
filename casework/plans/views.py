"""Plan pages: the case's "Plans" tab, a plan (progress chart per goal, history, progress entry), the
plan form (new and revise), and the district's intervention library."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from casework.cases.selectors import case_for, case_page
from casework.core.errors import ConflictError
from casework.core.views import PolicyView, scoped_or_404

from . import services
from .charts import goal_chart
from .choices import PULLED_METRICS
from .forms import (
    FamilyResponseForm,
    InterventionEditForm,
    InterventionLibraryForm,
    PlanEditForm,
    PlanForm,
    ProgressForm,
    formsets,
    goal_initial,
    intervention_initial,
    kept_forms,
    owner_choices,
)
from .models import Intervention, Plan, PlanIntervention
from .progress import goal_progress

CONFLICT = ("This plan was changed by someone else since you opened it. Your changes are below, not saved; "
            "check the plan as it is now, then save again.")


def _plan(request, pk: int) -> Plan:
    plan = (Plan.objects.for_user(request.user, "case.work").select_related("case", "owner", "review_task")
            .filter(pk=pk).first())
    if plan is None:
        raise Http404
    return plan


def _library(request, plan: Plan | None = None):
    """Active interventions, plus retired ones the plan already uses (so its rows still show)."""
    used = list(plan.interventions.values_list("intervention_id", flat=True)) if plan is not None else []
    return Intervention.objects.for_user(request.user, "case.work").filter(Q(active=True) | Q(pk__in=used))


def _goal_rows(plan: Plan, goals) -> list[dict]:
    revisions = list(plan.revisions.all())
    rows = []
    for goal in goals:
        progress = goal_progress(goal)
        rows.append({"goal": goal, "progress": progress, "pulled": goal.metric in PULLED_METRICS,
                     "chart": goal_chart(plan=plan, goal=goal, progress=progress, revisions=revisions)})
    return rows


class CasePlansView(PolicyView):
    """The case's "Plans" tab: every plan, newest first, with where each goal stands."""

    action = "case.work"

    def get(self, request, case_pk: int):
        case, ctx = case_page(request, case_pk, tab="plans", action=self.action)
        plans = list(Plan.objects.for_user(request.user, self.action).filter(case=case)
                     .select_related("owner", "review_task")
                     .prefetch_related("goals__points", "interventions__intervention"))
        rows = [{"plan": p, "goals": [(g, goal_progress(g)) for g in p.goals.all() if g.dropped_in is None]}
                for p in plans]
        return render(request, "plans/case_plans.html", ctx | {"rows": rows, "today": timezone.localdate()})


class PlanCreateView(PolicyView):
    action = "case.work"

    def get(self, request, case_pk: int):
        case, ctx = case_page(request, case_pk, tab="plans", action=self.action)
        today = timezone.localdate()
        form = PlanForm(people=owner_choices(case, request.user), case=case,
                        initial={"owner": (case.owner or request.user).pk, "start_on": today,
                                 "review_on": today + timezone.timedelta(weeks=6)})
        goals, interventions = formsets(None, library=_library(request), extra_goals=2, extra_interventions=3)
        return self.show(request, ctx, form, goals, interventions)

    def post(self, request, case_pk: int):
        case, ctx = case_page(request, case_pk, tab="plans", action=self.action)
        form = PlanForm(request.POST, people=owner_choices(case, request.user), case=case)
        goals, interventions = formsets(request.POST, library=_library(request), extra_goals=2, extra_interventions=3)
        if not (form.is_valid() and goals.is_valid() and interventions.is_valid()):
            return self.show(request, ctx, form, goals, interventions, status=400)
        fields = form.plan_fields()
        try:
            plan = services.plan_create(
                actor=request.user, case=case, goals=[g.spec() for g in kept_forms(goals)],
                interventions=[i.spec(fields["start_on"]) for i in kept_forms(interventions)], **fields)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.show(request, ctx, form, goals, interventions, status=400)
        messages.success(request, f"Plan saved. A “Plan review due” task is set for {plan.review_on:%m/%d/%Y}.")
        return redirect("plans:detail", pk=plan.pk)

    def show(self, request, ctx, form, goals, interventions, status=200):
        return render(request, "plans/plan_form.html", ctx | {"form": form, "goal_forms": goals,
                                                             "intervention_forms": interventions, "plan": None},
                      status=status)


class PlanEditView(PolicyView):
    """Revising a plan is a program change: every save keeps what the plan said before and why it changed."""

    action = "case.work"

    def get(self, request, pk: int):
        plan = _plan(request, pk)
        case, ctx = case_page(request, plan.case_id, tab="plans", action=self.action)
        form = PlanEditForm(people=owner_choices(case, request.user, plan), case=case, plan=plan, initial={
            "title": plan.title, "owner": plan.owner_id, "start_on": plan.start_on, "review_on": plan.review_on,
            "status": plan.status, "version": plan.version})
        goals, interventions = formsets(None, library=_library(request, plan), goals_initial=goal_initial(plan),
                                        interventions_initial=intervention_initial(plan))
        return self.show(request, ctx, plan, form, goals, interventions)

    def post(self, request, pk: int):
        plan = _plan(request, pk)
        case, ctx = case_page(request, plan.case_id, tab="plans", action=self.action)
        form = PlanEditForm(request.POST, people=owner_choices(case, request.user, plan), case=case, plan=plan)
        goals, interventions = formsets(request.POST, library=_library(request, plan), goals_initial=goal_initial(plan),
                                        interventions_initial=intervention_initial(plan))
        if not (form.is_valid() and goals.is_valid() and interventions.is_valid()):
            return self.show(request, ctx, plan, form, goals, interventions, status=400)
        d = form.cleaned_data
        try:
            plan = services.plan_revise(
                actor=request.user, plan=plan, reason=d["reason"], expected_version=d["version"],
                effective_on=d.get("effective_on"), goals=[g.spec() for g in kept_forms(goals)],
                interventions=[i.spec(d["start_on"]) for i in kept_forms(interventions)], **form.plan_fields())
        except ConflictError:
            plan.refresh_from_db()
            data = request.POST.copy()
            data["version"] = plan.version  # submitting again, having looked, applies the change
            form = PlanEditForm(data, people=owner_choices(case, request.user, plan), case=case, plan=plan)
            form.is_valid()
            form.add_error(None, CONFLICT)
            return self.show(request, ctx, plan, form, goals, interventions, status=409)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.show(request, ctx, plan, form, goals, interventions, status=400)
        messages.success(request, f"Plan revised: now revision {plan.revision}.")
        return redirect("plans:detail", pk=plan.pk)

    def show(self, request, ctx, plan, form, goals, interventions, status=200):
        return render(request, "plans/plan_form.html", ctx | {
            "form": form, "goal_forms": goals, "intervention_forms": interventions, "plan": plan,
            "current_goals": list(plan.goals.current()),
            "current_interventions": list(plan.interventions.select_related("intervention"))}, status=status)


def detail_context(request, plan: Plan, ctx: dict, progress_form: ProgressForm | None = None,
                   answer_form: FamilyResponseForm | None = None) -> dict:
    goals = list(plan.goals.prefetch_related("points"))
    current = [g for g in goals if g.dropped_in is None]
    interventions = list(plan.interventions.select_related("intervention"))
    # One small answer form per service; the one just posted with errors keeps what was typed.
    for item in interventions:
        item.answer_form = (answer_form if answer_form is not None and answer_form.item.pk == item.pk
                            else FamilyResponseForm(item=item))
    return ctx | {
        "plan": plan,
        "goal_rows": _goal_rows(plan, current),
        "dropped_rows": _goal_rows(plan, [g for g in goals if g.dropped_in is not None]),
        "interventions": interventions,
        "revisions": list(plan.revisions.select_related("revised_by").order_by("-number")),
        "progress_form": progress_form or ProgressForm(goals=current),
        "can_pull": any(g.metric in PULLED_METRICS for g in current),
    }


class PlanDetailView(PolicyView):
    action = "case.work"

    def get(self, request, pk: int):
        plan = _plan(request, pk)
        _case, ctx = case_page(request, plan.case_id, tab="plans", action=self.action)
        return render(request, "plans/plan_detail.html", detail_context(request, plan, ctx))


class ProgressRecordView(PolicyView):
    """A week's value entered by hand (an "other" goal, or a correction of the attendance record's)."""

    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        plan = _plan(request, pk)
        form = ProgressForm(request.POST, goals=list(plan.goals.current()))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.progress_record(actor=request.user, plan=plan, goal=form.goals[d["goal"]],
                                         week_of=d["week_of"], value=d["value"], note=d["note"],
                                         replaces=d["replaces"])
            except services.WeekAlreadyRecorded as exc:
                # Shown, not replaced: saving again (same week and goal) replaces exactly this value.
                form.add_error(None, exc.message)
                form.data = _replacing(request.POST, f"{exc.point.pk}.{exc.point.version}")
            except ConflictError:
                form.add_error(None, "That week's value was changed by someone else since you opened it; nothing "
                                     "was saved. Check it below and save again to replace it.")
                form.data = _replacing(request.POST, "")
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, "Progress saved.")
                return redirect("plans:detail", pk=plan.pk)
        _case, ctx = case_page(request, plan.case_id, tab="plans", action=self.action)
        return render(request, "plans/plan_detail.html", detail_context(request, plan, ctx, form), status=400)


class FamilyResponseView(PolicyView):
    """The family's answer to one service on the plan: accepted, refused (with the reason), or stopped."""

    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, pk: int, item_pk: int):
        plan = _plan(request, pk)
        item = (PlanIntervention.objects.for_user(request.user, self.action).select_related("intervention")
                .filter(pk=item_pk, plan=plan).first())
        if item is None:
            raise Http404
        form = FamilyResponseForm(request.POST, item=item)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                item = services.intervention_respond(actor=request.user, item=item, response=d["response"],
                                                     answered_on=d["answered_on"], note=d["note"],
                                                     expected_version=d["version"])
            except ConflictError:
                item.refresh_from_db()
                data = request.POST.copy()
                data["version"] = item.version  # saving again, having looked, applies the answer
                form = FamilyResponseForm(data, item=item)
                form.is_valid()
                form.add_error(None, "Someone else recorded an answer for this service since you opened the plan "
                                     f"(now: {item.response_words or 'no answer'}). Nothing was saved; save again "
                                     "to replace it with yours.")
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                # No service name or reason in the flash message: the page below shows them.
                messages.success(request, "Family's answer saved." if item.family_response
                                 else "Family's answer cleared.")
                return redirect("plans:detail", pk=plan.pk)
        _case, ctx = case_page(request, plan.case_id, tab="plans", action=self.action)
        return render(request, "plans/plan_detail.html", detail_context(request, plan, ctx, answer_form=form),
                      status=status)


def _replacing(post, replaces: str):
    data = post.copy()
    data["replaces"] = replaces
    return data


class ProgressPullView(PolicyView):
    """"Pull from attendance": refresh the weekly values from the attendance record (safe to repeat)."""

    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        plan = _plan(request, pk)
        case_for(request.user, plan.case_id, self.action)
        try:
            result = services.progress_pull(actor=request.user, plan=plan)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(result))
        return redirect("plans:detail", pk=plan.pk)


# --- the intervention library -----------------------------------------------------------------------------


class InterventionListView(PolicyView):
    """The district's intervention library: what plans pick from, by tier. Retired ones stay listed."""

    action = "intervention.manage"

    def get(self, request):
        return self.show(request, InterventionLibraryForm())

    def post(self, request):
        form = InterventionLibraryForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if Intervention.objects.for_user(request.user, self.action).filter(name__iexact=d["name"].strip()).exists():
                form.add_error("name", "The library already has an intervention with that name.")
            else:
                try:
                    i = services.intervention_create(actor=request.user, **d)
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    messages.success(request, f"“{i.name}” added to the library.")
                    return redirect("plans:interventions")
        return self.show(request, form, status=400)

    def show(self, request, form, status=200):
        items = list(Intervention.objects.for_user(request.user, self.action).order_by("-active", "tier", "name"))
        return render(request, "plans/interventions.html", {"items": items, "form": form}, status=status)


class InterventionEditView(PolicyView):
    action = "intervention.manage"

    def _get(self, request, pk: int) -> Intervention:
        return scoped_or_404(Intervention, request.user, self.action, pk)

    def get(self, request, pk: int):
        item = self._get(request, pk)
        form = InterventionEditForm(initial={"name": item.name, "tier": item.tier, "description": item.description,
                                             "active": item.active, "version": item.version})
        return render(request, "plans/intervention_edit.html", {"item": item, "form": form})

    def post(self, request, pk: int):
        item = self._get(request, pk)
        form = InterventionEditForm(request.POST)
        status = 400
        if form.is_valid():
            d = dict(form.cleaned_data)
            version = d.pop("version")
            clash = (Intervention.objects.for_user(request.user, self.action)
                     .filter(name__iexact=d["name"].strip()).exclude(pk=item.pk).exists())
            if clash:
                form.add_error("name", "The library already has an intervention with that name.")
            else:
                try:
                    item = services.intervention_update(actor=request.user, intervention=item,
                                                        expected_version=version, **d)
                except ConflictError:
                    item.refresh_from_db()
                    data = request.POST.copy()
                    data["version"] = item.version
                    form = InterventionEditForm(data)
                    form.is_valid()
                    form.add_error(None, "This intervention was changed by someone else since you opened it. "
                                         "Your changes are below, not saved; check it, then save again.")
                    status = 409
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    messages.success(request, f"“{item.name}” saved.")
                    return redirect("plans:interventions")
        return render(request, "plans/intervention_edit.html", {"item": item, "form": form}, status=status)
