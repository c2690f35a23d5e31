"""Ladder pages: the case's Ladder tab (record done / skip / repeat, the director's override), the
director's ladder settings, and the funnel report with its CSV (aggregates only: no access log)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.cases.choices import EventKind
from casework.cases.models import CaseEvent
from casework.cases.selectors import case_for, case_page
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.views import PolicyView, scoped_or_404
from casework.schools.models import School

from . import report, services
from .choices import OPEN_EVENT, EventStatus, Trigger
from .forms import CopyForm, OverrideForm, ReportForm, StepActionForm, StepAddForm, StepArrangeForm, StepForm
from .models import Ladder, LadderEvent, LadderOverride, LadderStep

CONFLICT = ("This step was changed by someone else since you opened it. Nothing was saved: check the current "
            "record below, then save again if it still needs doing.")


EVIDENCE_KINDS = (EventKind.CONTACT, EventKind.LETTER, EventKind.MEETING, EventKind.DOCUMENT)


def _evidence_choices(user, case) -> dict[str, str]:
    """What can prove a step was carried out: the case's letters, contacts, meetings and documents, as
    their timeline entries name them ("contacts.contact:42" -> "10/08/2025 · Home visit: ...")."""
    rows = (CaseEvent.objects.for_user(user, "case.work").filter(case=case, kind__in=EVIDENCE_KINDS)
            .exclude(source_model="").exclude(source_id=None).order_by("-occurred_at", "-id")[:50])
    choices: dict[str, str] = {}
    for e in rows:
        choices.setdefault(f"{e.source_model}:{e.source_id}",
                           f"{timezone.localtime(e.occurred_at):%m/%d/%Y} · {e.summary[:80]}")
    return choices


def _tab_url(case_pk: int) -> str:
    return reverse("enforcement:case_ladder", kwargs={"case_pk": case_pk})


# --- the case's Ladder tab -----------------------------------------------------------------------------------


class CaseLadderView(PolicyView):
    """Every step of the case's ladder in order, with what happened at each and what can be recorded now."""

    action = "case.work"

    def get(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="ladder")
        return self.page(request, case, context)

    def post(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="ladder")
        form = StepActionForm(request.POST)
        step = None
        if form.is_valid():
            step = (LadderStep.objects.for_user(request.user, self.action)
                    .filter(pk=form.cleaned_data["step"], ladder=services.ladder_for_case(case)).first())
            if step is None:
                raise Http404
            try:
                self.record(request, case, step, form.cleaned_data)
            except ConflictError:
                form.add_error(None, CONFLICT)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect(_tab_url(case.pk))
        else:
            step_pk = form.cleaned_data.get("step")
            step = LadderStep.objects.for_user(request.user, self.action).filter(pk=step_pk).first()
        return self.page(request, case, context, failed=form, failed_step=step, status=400)

    def record(self, request, case, step, data) -> None:
        what, user = data["what"], request.user
        if what == "done":
            evidence = None
            if data.get("evidence"):
                if data["evidence"] not in _evidence_choices(user, case):
                    raise ValidationError("Choose the evidence from this case's letters, contacts and documents.")
                label, _, pk = data["evidence"].rpartition(":")
                evidence = (label, int(pk))
            services.ladder_step_done(actor=user, case=case, step=step, done_on=data.get("done_on"),
                                      outcome=data.get("outcome") or "", evidence=evidence,
                                      expected_version=data.get("version"))
            messages.success(request, f"Recorded done: {step.name}.")
        elif what == "skip":
            services.ladder_step_skip(actor=user, case=case, step=step, reason=data["reason"],
                                      expected_version=data.get("version"))
            messages.success(request, f"Skipped: {step.name}.")
        elif what == "repeat":
            services.ladder_step_repeat(actor=user, case=case, step=step, reason=data["reason"])
            messages.success(request, f"{step.name} is due again; a task was added.")
        else:
            services.ladder_step_start(actor=user, case=case, step=step)
            messages.success(request, f"{step.name} is now due; a task was added.")

    def page(self, request, case, context, *, failed=None, failed_step=None, override_form=None, status=200):
        ladder = services.ladder_for_case(case)
        events = list(LadderEvent.objects.for_user(request.user, self.action).filter(case=case)
                      .select_related("recorded_by", "step").order_by("id"))
        overrides = list(LadderOverride.objects.for_user(request.user, self.action).filter(case=case)
                         .select_related("granted_by"))
        rows = []
        for step in services.steps_of(ladder, retired=True):
            mine = [e for e in events if e.step_id == step.pk]
            if step.retired and not mine:
                continue  # retired before this case reached it: not part of its ladder
            current = next((e for e in reversed(mine) if e.status in OPEN_EVENT), mine[-1] if mine else None)
            missing = services.guard_missing(case, step) if case.is_open else []
            rows.append({
                "step": step, "events": mine, "current": current,
                # A retired step can only be settled where it was already due.
                "can_done": case.is_open and (current is None or current.is_open or step.repeatable)
                and not (step.retired and not (current and current.is_open)),
                "can_skip": case.is_open and (current is None or current.is_open)
                and not (step.retired and current is None),
                "can_repeat": case.is_open and step.repeatable and not step.retired and current is not None
                and current.status == EventStatus.DONE,
                "can_start": case.is_open and current is None and step.trigger == Trigger.MANUAL and not step.retired,
                "missing": missing,
                "failed": failed if failed_step is not None and failed_step.pk == step.pk else None,
            })
        evidence = _evidence_choices(request.user, case)
        for e in events:
            e.evidence_label = evidence.get(f"{e.source_model}:{e.source_id}", "") if e.source_model else ""
        context.update({
            "ladder": ladder, "rows": rows, "evidence": evidence, "overrides": overrides, "today": timezone.localdate(),
            "can_override": case.is_open and policy.has_action(request.user, "ladder.override"),
            "override_form": override_form or OverrideForm(),
            "form_error": failed if failed is not None and failed_step is None else None,
        })
        return render(request, "enforcement/case_ladder.html", context, status=status)


class OverrideView(PolicyView):
    """The director lets a case go to the review board or court without every required earlier step."""

    action = "ladder.override"

    def post(self, request, case_pk: int):
        case = case_for(request.user, case_pk, "case.work")
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                services.ladder_override(actor=request.user, case=case, reason=form.cleaned_data["reason"])
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, "Override recorded: the review board referral and petition may proceed.")
                return redirect(_tab_url(case.pk))
        case, context = case_page(request, case_pk, tab="ladder")
        return CaseLadderView().page(request, case, context, override_form=form, status=400)


# --- settings (director) ------------------------------------------------------------------------------------


class SettingsView(PolicyView):
    action = "ladder.manage"

    def get(self, request, form: CopyForm | None = None, status: int = 200):
        today = timezone.localdate()
        ladders = list(Ladder.objects.for_user(request.user, self.action).prefetch_related("steps"))
        started = services.cases_started(ladder.pk for ladder in ladders)
        for ladder in ladders:  # a version with cases keeps its steps' order, triggers and guard
            ladder.cases_started = started.get(ladder.pk, 0)
        in_force = Ladder.objects.for_user(request.user, self.action).in_force(today)
        form = form or CopyForm(initial={"name": f"District ladder {today.year}", "effective_from": today})
        return render(request, "enforcement/settings.html", {
            "ladders": ladders, "in_force": in_force, "form": form, "today": today}, status=status)

    def post(self, request):
        form = CopyForm(request.POST)
        source = Ladder.objects.for_user(request.user, self.action).filter(pk=request.POST.get("source")).first()
        if source is None:
            form.add_error(None, "Choose the ladder to copy.")
        if form.is_valid():
            try:
                ladder = services.ladder_copy(actor=request.user, source=source, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"New version created: {ladder}. Edit its steps below.")
                return redirect("enforcement:settings")
        return self.get(request, form=form, status=400)


class RunView(PolicyView):
    """Evaluate the ladder now (as of today) in the background; the job page shows its progress."""

    action = "ladder.manage"

    def post(self, request):
        from casework.jobs.services import job_enqueue

        today = timezone.localdate()
        job = job_enqueue(kind="enforcement.evaluate", args={"as_of": today.isoformat()}, actor=request.user,
                          unique_key=f"enforcement.evaluate:{today.isoformat()}")
        messages.success(request, "The ladder evaluation is running; steps that are due get a task on the case.")
        return redirect("jobs:status", pk=job.pk)


class StepEditView(PolicyView):
    action = "ladder.manage"

    def _step(self, request, pk):
        step = LadderStep.objects.for_user(request.user, self.action).select_related("ladder").filter(pk=pk).first()
        if step is None:
            raise Http404
        return step

    def get(self, request, pk: int):
        step = self._step(request, pk)
        form = StepForm(initial={"version": step.version, **{f: getattr(step, f) for f in services.EDITABLE}})
        return self.page(request, step, form)

    def post(self, request, pk: int):
        step = self._step(request, pk)
        form = StepForm(request.POST)
        status = 400
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in services.EDITABLE}
            try:
                services.ladder_step_update(actor=request.user, step=step,
                                            expected_version=form.cleaned_data["version"], **changes)
            except ConflictError:
                step = self._step(request, pk)
                form.add_error(None, "This step was changed by someone else since you opened it. Your changes are "
                                     "still below: check the current values, then save again to keep yours.")
                data = request.POST.copy()
                data["version"] = step.version
                form.data = data
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Saved: {changes['name']}.")
                return redirect("enforcement:settings")
        return self.page(request, step, form, status=status)

    def page(self, request, step, form, status=200):
        return render(request, "enforcement/step_edit.html", {"step": step, "form": form}, status=status)


class StepAddView(PolicyView):
    """A new step on a copy of the ladder, at the place the director picks."""

    action = "ladder.manage"

    def get(self, request, pk: int):
        ladder = scoped_or_404(Ladder, request.user, self.action, pk)
        steps = services.steps_of(ladder, retired=True)
        form = StepAddForm(steps=steps, initial={"deadline_school_days": 10, "trigger": Trigger.AFTER_STEP})
        return self.page(request, ladder, form)

    def post(self, request, pk: int):
        ladder = scoped_or_404(Ladder, request.user, self.action, pk)
        steps = services.steps_of(ladder, retired=True)
        form = StepAddForm(request.POST, steps=steps)
        if form.is_valid():
            data = form.cleaned_data
            after = next((s for s in steps if s.pk == data["position"]), None)
            try:
                step = services.ladder_step_add(actor=request.user, ladder=ladder, after=after, key=data["key"],
                                                **{f: data[f] for f in services.EDITABLE})
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Added: {step}.")
                return redirect("enforcement:settings")
        return self.page(request, ladder, form, status=400)

    def page(self, request, ladder, form, status=200):
        return render(request, "enforcement/step_add.html", {"ladder": ladder, "form": form}, status=status)


class StepArrangeView(PolicyView):
    """Move a step up or down, retire it or put it back (buttons on the settings page)."""

    action = "ladder.manage"

    def post(self, request, pk: int):
        step = LadderStep.objects.for_user(request.user, self.action).select_related("ladder").filter(pk=pk).first()
        if step is None:
            raise Http404
        form = StepArrangeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose what to do with the step.")
            return redirect("enforcement:settings")
        what, version = form.cleaned_data["what"], form.cleaned_data.get("version")
        try:
            if what in ("up", "down"):
                services.ladder_step_move(actor=request.user, step=step, up=what == "up", expected_version=version)
                messages.success(request, f"Moved {what}: {step.name}.")
            else:
                services.ladder_step_retire(actor=request.user, step=step, retire=what == "retire",
                                            expected_version=version)
                messages.success(request, f"{'Retired' if what == 'retire' else 'Put back'}: {step.name}.")
        except ConflictError:
            messages.error(request, "This step was changed by someone else since you opened the page. Nothing "
                                    "was changed: check the ladder below and try again.")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("enforcement:settings")


# --- funnel report -------------------------------------------------------------------------------------------


def _report(request):
    schools = School.objects.for_user(request.user, report.ACTION).order_by("name")
    form = ReportForm(request.GET or None, schools=schools)
    as_of = form.as_of_or_today()
    school_id = form.cleaned_data.get("school") if form.is_bound and form.is_valid() else None
    try:
        funnel = report.funnel(request.user, as_of=as_of, school_id=school_id)
    except ValidationError as exc:
        funnel = None
        form.add_error(None, " ".join(exc.messages))
    return form, funnel


class ReportView(PolicyView):
    action = "ladder.report"

    def get(self, request):
        form, funnel = _report(request)
        return render(request, "enforcement/report.html", {
            "form": form, "funnel": funnel, "rows": list(funnel.rows()) if funnel else [],
            "outcomes": report.OUTCOMES, "min_days": report.STATE_MIN_DAYS_ENROLLED,
            "query": request.GET.urlencode()}, status=200 if funnel else 400)


class ReportCsvView(PolicyView):
    """The funnel as CSV: counts only (no student named), suppressed like the page."""

    action = "ladder.report"

    def get(self, request):
        form, funnel = _report(request)
        if funnel is None:
            return HttpResponse(" ".join(form.non_field_errors()), status=400, content_type="text/plain")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ladder-funnel-{funnel.as_of.isoformat()}.csv"'
        writer = csv.writer(response)
        header = ["school", "students on the ladder"]
        for i, s in enumerate(funnel.steps):
            header.append(f"reached: {s.name}")
            if i:
                header.append(f"median days since previous step: {s.name}")
        header += [label for _, label in report.OUTCOMES]
        header.append(f"habitual truants (state count, enrolled {report.STATE_MIN_DAYS_ENROLLED}+ days)")
        writer.writerow(header)
        for row in funnel.rows():
            line = [row["label"], row["students"]]
            for i, s in enumerate(row["steps"]):
                line.append(s["count"])
                if i:
                    line.append(s["median"])
            writer.writerow(line + row["outcomes"] + [row["habitual"]])
        return response
