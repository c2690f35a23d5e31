"""Writes of intervention plans: the library, plans and their revisions ("program changes"), and
progress points (by hand, or pulled from the attendance record)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.audit import services as audit
from casework.cases.choices import EventKind
from casework.cases.models import Case
from casework.cases.timeline import at_start_of, timeline_record
from casework.core.errors import ConflictError
from casework.core.services import create_audited, delete_audited, update_audited
from casework.indicators.inputs import IndicatorError
from casework.tasks.choices import TaskStatus
from casework.tasks.services import task_cancel, task_create, task_update

from .choices import (
    PULLED_METRICS,
    RESPONSES_NEEDING_REASON,
    Comparator,
    FamilyResponse,
    Metric,
    PlanStatus,
    PointSource,
    Tier,
)
from .dates import plan_date_problem
from .models import Goal, Intervention, Plan, PlanIntervention, PlanRevision, ProgressPoint, fmt_value
from .progress import monday_of, weekly_attendance

REVIEW_TASK = "plan_review"


# --- the intervention library --------------------------------------------------------------------------


def intervention_create(*, actor, name: str, tier: int, description: str = "", active: bool = True) -> Intervention:
    if not name.strip():
        raise ValidationError({"name": "Give the intervention a name."})
    return create_audited(Intervention, actor=actor, name=name.strip(), tier=tier, description=description.strip(),
                          active=active)


def intervention_update(*, actor, intervention: Intervention, expected_version: int | None = None,
                        **changes) -> Intervention:
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise ValidationError({"name": "Give the intervention a name."})
    return update_audited(intervention, actor=actor, expected_version=expected_version, **changes)


# --- plans -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalSpec:
    """A goal as a form gives it; `id` names an existing goal of the plan (None: a new one)."""

    metric: str
    target: Decimal
    comparator: str = Comparator.AT_LEAST
    weeks: int = 4
    other_metric: str = ""
    id: int | None = None

    def fields(self) -> dict:
        return {"metric": self.metric, "target": Decimal(str(self.target)).quantize(Decimal("0.01")),
                "comparator": self.comparator,
                "weeks": self.weeks, "other_metric": self.other_metric.strip() if self.metric == Metric.OTHER else ""}


@dataclass(frozen=True)
class InterventionSpec:
    intervention: Intervention
    start_on: datetime.date
    tier: int | None = None  # None: the library's tier
    frequency: str = ""
    responsible: str = ""
    end_on: datetime.date | None = None
    id: int | None = None

    def fields(self) -> dict:
        return {"intervention": self.intervention, "tier": self.tier or self.intervention.tier,
                "frequency": self.frequency.strip(), "responsible": self.responsible.strip(),
                "start_on": self.start_on, "end_on": self.end_on}


def _check_in_range(case: Case, **dates: datetime.date | None) -> None:
    """Each date within the case's school years (plans/dates.py); a typo'd year is refused."""
    errors = {name: problem for name, day in dates.items() if (problem := plan_date_problem(day, case))}
    if errors:
        raise ValidationError(errors)


def _check_dates(start_on: datetime.date, review_on: datetime.date) -> None:
    if review_on < start_on:
        raise ValidationError({"review_on": f"The review date must be on or after the start date "
                                            f"({start_on:%m/%d/%Y})."})


def _check_goals(goals: Sequence[GoalSpec]) -> None:
    if not goals:
        raise ValidationError("A plan needs at least one measurable goal.")
    for g in goals:
        if g.metric not in Metric.values:
            raise ValidationError({"metric": f"Unknown goal measure {g.metric!r}."})
        if g.metric == Metric.OTHER and not g.other_metric.strip():
            raise ValidationError({"other_metric": 'Say what an "Other" goal measures.'})
        if g.metric == Metric.ATTENDANCE_RATE and not 0 <= Decimal(str(g.target)) <= 100:
            raise ValidationError({"target": "An attendance rate target is a percentage from 0 to 100."})


def _add_review_task(*, actor, plan: Plan):
    return task_create(actor=actor, case=plan.case, title="Plan review due", due_on=plan.review_on,
                       assignee=plan.owner, automatic=REVIEW_TASK,
                       details=f"Review progress on the plan \u201c{plan.title}\u201d and decide what changes.")


@transaction.atomic
def plan_create(*, actor, case: Case, title: str, start_on: datetime.date, review_on: datetime.date,
                goals: Sequence[GoalSpec], interventions: Sequence[InterventionSpec] = (), owner=None) -> Plan:
    """A new plan (rev 1) with its goals and interventions, a PLAN timeline entry and an automatic
    "Plan review due" task on the review date. `owner` defaults to the case owner."""
    if not case.is_open:
        raise ValidationError("This case is closed. Reopen it before adding a plan.")
    if not title.strip():
        raise ValidationError({"title": "Give the plan a title."})
    _check_in_range(case, start_on=start_on, review_on=review_on)
    _check_dates(start_on, review_on)
    for spec in interventions:
        _check_in_range(case, start_on=spec.start_on, end_on=spec.end_on)
    _check_goals(goals)
    plan = create_audited(Plan, actor=actor, case=case, title=title.strip(), start_on=start_on, review_on=review_on,
                          owner=owner if owner is not None else case.owner, status=PlanStatus.ACTIVE, revision=1)
    for g in goals:
        create_audited(Goal, actor=actor, plan=plan, **g.fields())
    for i in interventions:
        create_audited(PlanIntervention, actor=actor, plan=plan, **i.fields())
    goal_text = "; ".join(g.text for g in plan.goals.all())
    timeline_record(case=case, kind=EventKind.PLAN, actor=actor, source=plan,
                    summary=f"Plan started: {plan.title} (review {review_on:%m/%d/%Y}). Goal: {goal_text}")
    task = _add_review_task(actor=actor, plan=plan)
    return update_audited(plan, actor=actor, review_task=task)


def plan_snapshot(plan: Plan) -> dict:
    """What the plan says now, for a revision's record of what it said before a change."""
    return {
        "revision": plan.revision, "title": plan.title, "status": plan.status,
        "owner": plan.owner.get_username() if plan.owner_id else None,
        "start_on": plan.start_on.isoformat(), "review_on": plan.review_on.isoformat(),
        "goals": [{"id": g.pk, "text": g.text, "metric": g.metric, "other_metric": g.other_metric,
                   "comparator": g.comparator, "target": fmt_value(g.target), "weeks": g.weeks}
                  for g in plan.goals.current()],
        "interventions": [{"id": i.pk, "name": i.intervention.name, "tier": i.tier, "frequency": i.frequency,
                           "responsible": i.responsible, "start_on": i.start_on.isoformat(),
                           "end_on": i.end_on.isoformat() if i.end_on else None,
                           "family_response": i.response_words}
                          for i in plan.interventions.select_related("intervention")],
    }


def _intervention_words(pi: PlanIntervention | InterventionSpec) -> str:
    fields = pi.fields() if isinstance(pi, InterventionSpec) else {
        "intervention": pi.intervention, "tier": pi.tier, "frequency": pi.frequency, "responsible": pi.responsible,
        "end_on": pi.end_on}
    words = f"{fields['intervention'].name} (tier {fields['tier']})"
    for name in ("frequency", "responsible"):
        if fields[name]:
            words += f", {fields[name]}"
    if fields["end_on"]:
        words += f", ends {fields['end_on']:%m/%d/%Y}"
    return words


@dataclass
class _Changes:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)

    def __str__(self) -> str:
        return "; ".join(self.lines)


_PLAN_FIELDS = {"title": "Title", "owner": "Owner", "start_on": "Start date", "review_on": "Review date",
                "status": "Status"}


def _plan_field_words(plan: Plan, name: str, value) -> str:
    if name in ("start_on", "review_on"):
        return f"{value:%m/%d/%Y}"
    if name == "owner":
        return (value.get_full_name() or value.get_username()) if value is not None else "nobody"
    if name == "status":
        return PlanStatus(value).label.lower()
    return str(value)


@transaction.atomic
def plan_revise(*, actor, plan: Plan, reason: str, expected_version: int | None = None,
                goals: Sequence[GoalSpec] | None = None, interventions: Sequence[InterventionSpec] | None = None,
                effective_on: datetime.date | None = None, **changes) -> Plan:
    """A program change: keep a snapshot of the plan before it, bump the revision, apply the change.

    `changes` are plan fields (title, owner, start_on, review_on, status). `goals` / `interventions`,
    when given, are the whole new lists: a goal left out is dropped (its progress stays on record), an
    intervention left out is removed. Moving the review date moves the open review task; completing
    or discontinuing the plan cancels it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the plan is changing (it goes in the plan's history)."})
    unknown = sorted(set(changes) - set(_PLAN_FIELDS))
    if unknown:
        raise TypeError(f"plan_revise cannot change {', '.join(unknown)}")
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("plan", current.pk, expected_version, current.version)
    before = plan_snapshot(current)
    what = _Changes()
    for name, value in changes.items():
        old = getattr(current, name)
        if (old.pk if hasattr(old, "pk") else old) != (value.pk if hasattr(value, "pk") else value):
            what.add(f"{_PLAN_FIELDS[name]}: {_plan_field_words(current, name, old)} \u2192 "
                     f"{_plan_field_words(current, name, value)}")
    # Only dates being changed: a plan's existing dates stay valid as the school years move on.
    _check_in_range(current.case, **{name: changes[name] for name in ("start_on", "review_on")
                                     if name in changes and changes[name] != getattr(current, name)},
                    effective_on=effective_on)
    _check_dates(changes.get("start_on", current.start_on), changes.get("review_on", current.review_on))
    effective_on = effective_on or timezone.localdate()
    if effective_on < changes.get("start_on", current.start_on):
        raise ValidationError({"effective_on": "A change cannot take effect before the plan started "
                                               f"({changes.get('start_on', current.start_on):%m/%d/%Y})."})
    if "status" in changes and changes["status"] not in PlanStatus.values:
        raise ValidationError({"status": f"Unknown plan status {changes['status']!r}."})
    new_rev = current.revision + 1
    if goals is not None:
        _check_goals(goals)
        _revise_goals(actor=actor, plan=current, goals=goals, revision=new_rev, what=what)
    if interventions is not None:
        _revise_interventions(actor=actor, plan=current, specs=interventions, what=what)
    if not what.lines:
        raise ValidationError("Nothing in the plan was changed, so no revision was made.")
    plan = update_audited(current, actor=actor, revision=new_rev, **changes)
    PlanRevision.objects.create(plan=plan, number=new_rev, reason=reason, changes=str(what), snapshot=before,
                                revised_by=actor if getattr(actor, "is_authenticated", False) else None,
                                revised_on=effective_on)
    timeline_record(case=plan.case, kind=EventKind.PLAN, actor=actor, source=plan,
                    summary=f"Plan revised (rev {new_rev}): {reason}")
    return _follow_review_task(actor=actor, plan=plan)


def _revise_goals(*, actor, plan: Plan, goals: Sequence[GoalSpec], revision: int, what: _Changes) -> None:
    existing = {g.pk: g for g in plan.goals.current()}
    unknown = sorted(g.id for g in goals if g.id is not None and g.id not in existing)
    if unknown:
        raise ValidationError("A goal in the form is no longer on this plan; reload the plan and try again.")
    kept = {g.id for g in goals if g.id is not None}
    for spec in goals:
        if spec.id is None:
            goal = create_audited(Goal, actor=actor, plan=plan, **spec.fields())
            what.add(f"Goal added: {goal.text}")
            continue
        goal = existing[spec.id]
        old_text = goal.text
        goal = update_audited(goal, actor=actor, **spec.fields())
        if goal.text != old_text:
            what.add(f"Goal changed: {old_text} \u2192 {goal.text}")
    for pk, goal in existing.items():
        if pk not in kept:
            update_audited(goal, actor=actor, dropped_in=revision)
            what.add(f"Goal dropped: {goal.text}")


def _revise_interventions(*, actor, plan: Plan, specs: Sequence[InterventionSpec], what: _Changes) -> None:
    existing = {i.pk: i for i in plan.interventions.select_related("intervention")}
    unknown = sorted(s.id for s in specs if s.id is not None and s.id not in existing)
    if unknown:
        raise ValidationError("An intervention in the form is no longer on this plan; reload the plan and try again.")
    kept = {s.id for s in specs if s.id is not None}
    for spec in specs:
        if spec.end_on is not None and spec.end_on < spec.start_on:
            raise ValidationError({"end_on": f"{spec.intervention.name}: the end date is before the start date."})
        row = existing.get(spec.id)
        _check_in_range(plan.case, **{name: getattr(spec, name) for name in ("start_on", "end_on")
                                      if row is None or getattr(row, name) != getattr(spec, name)})
        if spec.id is None:
            create_audited(PlanIntervention, actor=actor, plan=plan, **spec.fields())
            what.add(f"Intervention added: {_intervention_words(spec)}")
            continue
        row = existing[spec.id]
        _check_answer_kept(row, spec)
        old_words = _intervention_words(row)
        old = (row.intervention_id, row.tier, row.frequency, row.responsible, row.start_on, row.end_on)
        row = update_audited(row, actor=actor, **spec.fields())
        if old != (row.intervention_id, row.tier, row.frequency, row.responsible, row.start_on, row.end_on):
            what.add(f"Intervention changed: {old_words} \u2192 {_intervention_words(row)}")
    for pk, row in existing.items():
        if pk not in kept:
            if row.family_response:
                raise ValidationError({"interventions": f"{row.intervention.name}: the family's answer "
                                                        f"({row.response_words}) is evidence for the review board "
                                                        "and court packets, so it stays on the plan. Give it an "
                                                        "end date instead of removing it."})
            what.add(f"Intervention removed: {_intervention_words(row)}")
            delete_audited(row, actor=actor)


def _check_answer_kept(row: PlanIntervention, spec: InterventionSpec) -> None:
    """A service the family answered stays the service they answered, offered before they answered."""
    if not row.family_response:
        return
    if spec.intervention.pk != row.intervention_id:
        raise ValidationError({"interventions": f"{row.intervention.name}: the family's answer is on record for "
                                                "this service, so it cannot become another one. Give it an end "
                                                "date and add the new service as a new row."})
    if spec.start_on > row.family_response_on:
        raise ValidationError({"start_on": f"{row.intervention.name}: the family answered on "
                                           f"{row.family_response_on:%m/%d/%Y}, so it was offered on or before "
                                           "that day."})


def _follow_review_task(*, actor, plan: Plan) -> Plan:
    """Keep the review task in step with the plan: moved with review_on, cancelled when the plan ends,
    and a new one when the last review is done and the plan goes on."""
    task = plan.review_task
    if task is not None:
        task.refresh_from_db()
    is_open = task is not None and task.status == TaskStatus.OPEN
    if plan.status != PlanStatus.ACTIVE:
        if is_open:
            task_cancel(actor=actor, task=task, reason=f"Plan {plan.get_status_display().lower()}")
    elif is_open:
        if task.due_on != plan.review_on:
            task_update(actor=actor, task=task, due_on=plan.review_on)
    elif task is None or task.status == TaskStatus.CANCELLED or task.due_on != plan.review_on:
        # No task, or it was cancelled (a plan taken up again), or the last review is done and a new
        # date was set.
        return update_audited(plan, actor=actor, review_task=_add_review_task(actor=actor, plan=plan))
    return plan


# --- the family's answer to a service -------------------------------------------------------------------


_RESPONSE_TIMELINE = {FamilyResponse.ACCEPTED: "Service accepted", FamilyResponse.REFUSED: "Service refused",
                      FamilyResponse.STOPPED: "Service stopped by the family"}


@transaction.atomic
def intervention_respond(*, actor, item: PlanIntervention, response: str, answered_on: datetime.date | None,
                         note: str = "", expected_version: int | None = None) -> PlanIntervention:
    """Record the family's answer to a service offered on a plan (accepted, refused, or accepted and then
    stopped), or clear a mistaken one with response="". A refusal or a stop needs the family's reason: the
    review board and court packets list it. `expected_version` is the intervention row's version as the
    form showed it (ConflictError if someone answered or revised it since)."""
    note = note.strip()
    if response and response not in FamilyResponse.values:
        raise ValidationError({"response": f"Unknown answer {response!r}."})
    current = PlanIntervention.objects.select_for_update().select_related("intervention", "plan__case").filter(
        pk=item.pk).first()
    if current is None:
        raise ValidationError("That service is no longer on this plan (removed in a revision); reload the plan.")
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("service", current.pk, expected_version, current.version)
    name = current.intervention.name
    if not response:
        if not current.family_response:
            raise ValidationError("No answer is recorded for this service, so there is nothing to clear.")
        if not note:
            raise ValidationError({"note": "Say why the recorded answer is being cleared (it stays in the history)."})
        changes = {"family_response": "", "family_response_on": None, "family_response_note": ""}
        summary = f"Family's answer cleared: {name} (was {current.response_words}). {note}"
        occurred_at = None
    else:
        if answered_on is None:
            raise ValidationError({"answered_on": "Give the date the family answered."})
        if answered_on > timezone.localdate():
            raise ValidationError({"answered_on": "The date the family answered cannot be in the future."})
        if answered_on < current.start_on:
            raise ValidationError({"answered_on": f"The service was offered on {current.start_on:%m/%d/%Y}; the "
                                                  "family cannot have answered before that."})
        if response in RESPONSES_NEEDING_REASON and not note:
            raise ValidationError({"note": "Give the family's reason (e.g. \u201cmother declined the counseling "
                                           "referral\u201d): the review board and court packets list it."})
        changes = {"family_response": response, "family_response_on": answered_on, "family_response_note": note}
        summary = f"{_RESPONSE_TIMELINE[FamilyResponse(response)]}: {name}" + (f" ({note})" if note else "")
        # Placed on the day it happened, like a contact; today's answer at the moment it is recorded.
        occurred_at = None if answered_on == timezone.localdate() else at_start_of(answered_on)
    before = (current.family_response, current.family_response_on, current.family_response_note)
    if before == tuple(changes.values()):
        return current
    updated = update_audited(current, actor=actor, **changes)
    timeline_record(case=current.plan.case, kind=EventKind.PLAN, actor=actor, source=updated, summary=summary,
                    occurred_at=occurred_at)
    return updated


# --- progress ---------------------------------------------------------------------------------------------


class WeekAlreadyRecorded(ValidationError):
    """The week already has a value entered by hand: replacing it takes that value's version, which the
    form gets by showing the value first (nobody's number is replaced unseen)."""

    def __init__(self, point: ProgressPoint):
        self.point = point
        note = f" ({point.note})" if point.note else ""
        super().__init__(f"The week of {point.week_of:%m/%d/%Y} already has {fmt_value(point.value)}{note} entered "
                         "by hand. Nothing was saved: save again to replace it with your value.")


@transaction.atomic
def progress_record(*, actor, plan: Plan, goal: Goal, week_of: datetime.date, value: Decimal,
                    note: str = "", replaces: tuple[int, int] | None = None) -> ProgressPoint:
    """A value entered by hand for the school week containing `week_of`. A hand-entered value overrides
    the attendance record's for that week. Correcting a week that already has a hand-entered value needs
    that value's (id, version) as `replaces`: without it (or naming another value) WeekAlreadyRecorded;
    changed since it was shown, ConflictError."""
    if goal.plan_id != plan.pk:
        raise ValidationError({"goal": "That goal is not on this plan."})
    if goal.dropped_in is not None:
        raise ValidationError({"goal": f"That goal was dropped in revision {goal.dropped_in}."})
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one writer of the plan's points at a time
    week = monday_of(week_of)
    if week < monday_of(plan.start_on):
        raise ValidationError({"week_of": f"The plan started on {plan.start_on:%m/%d/%Y}; enter weeks from then on."})
    if week > timezone.localdate():
        raise ValidationError({"week_of": "That week has not started yet."})
    value = Decimal(str(value))
    if goal.metric == Metric.ATTENDANCE_RATE and not 0 <= value <= 100:
        raise ValidationError({"value": "An attendance rate is a percentage from 0 to 100."})
    if value < 0:
        raise ValidationError({"value": "A value cannot be negative."})
    existing = ProgressPoint.objects.filter(goal=goal, week_of=week, source=PointSource.MANUAL).first()
    if existing is not None:
        if replaces is None or replaces[0] != existing.pk:
            raise WeekAlreadyRecorded(existing)
        point = update_audited(existing, actor=actor, expected_version=replaces[1], value=value,
                               note=note.strip())
        verb = "corrected"
    else:
        point = create_audited(ProgressPoint, actor=actor, plan=plan, goal=goal, week_of=week, value=value,
                               source=PointSource.MANUAL, note=note.strip())
        verb = "recorded"
    timeline_record(case=plan.case, kind=EventKind.PROGRESS, actor=actor, source=point,
                    summary=f"Progress {verb}: {goal.metric_label} {fmt_value(value)}{goal.unit} "
                            f"(week of {week:%m/%d/%Y})")
    return point


@dataclass(frozen=True)
class PullResult:
    weeks: int  # school weeks read from the attendance record
    added: int
    changed: int
    removed: int

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def __str__(self) -> str:
        if not self.weeks and not self.removed:
            return "No completed school week since the plan started yet."
        if not self.touched:
            return f"Already up to date ({self.weeks} week(s) from the attendance record)."
        parts = [f"{n} {word}" for n, word in ((self.added, "added"), (self.changed, "corrected"),
                                                (self.removed, "removed")) if n]
        return f"{self.weeks} week(s) from the attendance record: " + ", ".join(parts) + "."


@transaction.atomic
def progress_pull(*, actor, plan: Plan, through: datetime.date | None = None) -> PullResult:
    """Refresh the attendance-record points of the plan's attendance goals for every completed school
    week since the plan started. Idempotent: a week already right is left alone."""
    through = through or timezone.localdate()
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # two pulls at once would add a week twice
    goals = [g for g in plan.goals.current() if g.metric in PULLED_METRICS]
    if not goals:
        raise ValidationError("This plan has no attendance, unlawful-absence or suspension goal to pull.")
    try:
        weeks = weekly_attendance(student_id=plan.case.student_id, start=plan.start_on, through=through)
    except IndicatorError as exc:
        raise ValidationError(str(exc)) from None
    changed = removed = 0
    new: list[ProgressPoint] = []
    for goal in goals:
        stored = {p.week_of: p for p in ProgressPoint.objects.select_for_update().filter(
            goal=goal, source=PointSource.INDICATORS)}
        for w in weeks:
            value = w.value(goal.metric)
            note = f"{fmt_value(w.days_present)} of {w.days_enrolled} days present"
            point = stored.pop(w.week_of, None)
            if point is None:
                new.append(ProgressPoint(plan=plan, goal=goal, week_of=w.week_of, value=value,
                                         source=PointSource.INDICATORS, note=note))
            elif point.value != value or point.note != note:
                update_audited(point, actor=actor, value=value, note=note)
                changed += 1
        for point in stored.values():  # weeks the record no longer has (start date moved, data corrected)
            delete_audited(point, actor=actor)
            removed += 1
    if new:
        # New weeks are derived from the attendance record (itself audited): a few dozen rows at most,
        # written at once with one summary change record, as the indicator recompute does.
        ProgressPoint.objects.bulk_create(new)
        audit.record_bulk(actor=actor, model=ProgressPoint,
                          summary=f"Plan {plan.pk}: {len(new)} weekly value(s) pulled from the attendance record")
    result = PullResult(weeks=len(weeks), added=len(new), changed=changed, removed=removed)
    if result.touched:
        timeline_record(case=plan.case, kind=EventKind.PROGRESS, actor=actor, source=plan,
                        summary=f"Progress pulled from attendance: {result}")
    return result


__all__ = ["GoalSpec", "InterventionSpec", "PullResult", "Tier", "intervention_create", "intervention_respond",
           "intervention_update", "plan_create", "plan_revise", "plan_snapshot", "progress_pull", "progress_record",
           "WeekAlreadyRecorded"]
