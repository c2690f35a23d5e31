"""Writes of the ladder: the evaluation that makes steps due from the stored indicators, the PPW's
done / skip / repeat, the petition guard and the director's override, and the settings copy/edit.

Every change to a case's ladder writes a case-timeline entry in the same transaction."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import RoleAssignment
from casework.cases.choices import CaseType, EventKind
from casework.cases.models import Case
from casework.cases.services import case_open
from casework.cases.timeline import timeline_record
from casework.core import policy
from casework.core.services import create_audited, update_audited
from casework.indicators.inputs import school_year_bounds
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.students.models import Student
from casework.tasks.choices import TaskStatus
from casework.tasks.duedates import DueDateError, due_in_school_days
from casework.tasks.services import task_cancel, task_complete, task_create

from .choices import DATA_TRIGGERS, OPEN_EVENT, SETTLED, EventStatus, Trigger
from .models import Ladder, LadderEvent, LadderOverride, LadderStep

TIMELINE = EventKind.STATUS  # a step reached or settled changes where the case stands


class GuardRefused(ValidationError):
    """A guarded step (review board, court petition) asked for before the required earlier steps."""

    def __init__(self, step: LadderStep, missing: list[LadderStep]):
        self.missing = missing
        names = "; ".join(s.name for s in missing)
        super().__init__(f"{step.name} cannot be recorded yet: these earlier steps are not done or skipped with a "
                         f"reason: {names}. Record them first, or ask the director to record an override.")


# --- reading the ladder ------------------------------------------------------------------------------------


def ladder_in_force(day: datetime.date) -> Ladder:
    ladder = Ladder.objects.in_force(day)
    if ladder is None:
        raise ValidationError(f"No escalation ladder is in force on {day:%m/%d/%Y}.")
    return ladder


def ladder_for_case(case: Case) -> Ladder:
    """The ladder the case started on keeps applying to it (a new version does not rewrite a case midway)."""
    first = LadderEvent.objects.filter(case=case).select_related("step__ladder").order_by("id").first()
    return first.step.ladder if first else ladder_in_force(timezone.localdate())


def steps_of(ladder: Ladder) -> list[LadderStep]:
    return list(ladder.steps.order_by("order"))


def trigger_met(step: LadderStep, row: StudentIndicator | None) -> bool:
    """Whether the indicator row (year to date) meets a data trigger. Other triggers never fire from data."""
    if row is None:
        return False
    if step.trigger == Trigger.UNLAWFUL_DAYS:
        return row.days_unlawful >= (step.trigger_days or 0)
    if step.trigger == Trigger.TRUANT_7_302_2:
        return row.truant_7_302_2
    if step.trigger == Trigger.HABITUAL_TRUANT:
        return row.habitual_truant
    return False


def latest_indicators(as_of: datetime.date, school_ids=None, rows=None) -> dict[tuple[int, int], StudentIndicator]:
    """The newest year-to-date row counted through `as_of` or earlier, per student x school (from `rows`,
    a scoped queryset, when a report reads for a user)."""
    rows = (StudentIndicator.objects.all() if rows is None else rows).filter(period_key=YEAR_TO_DATE,
                                                                             as_of__lte=as_of)
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    latest: dict[tuple[int, int], StudentIndicator] = {}
    for row in rows.order_by("student_id", "school_id", "-as_of").iterator():
        latest.setdefault((row.student_id, row.school_id), row)
    return latest


def school_ppw(school_id: int, day: datetime.date):
    """The PPW assigned to the school (the first assignment made, when there are several)."""
    ra = (RoleAssignment.objects.active(day).filter(role="ppw", school_id=school_id, user__is_active=True)
          .select_related("user").order_by("id").first())
    return ra.user if ra else None


def open_attendance_case(student_id: int) -> Case | None:
    return Case.objects.filter(student_id=student_id, case_type=CaseType.ATTENDANCE).open().order_by(
        "opened_on", "id").first()


def _due_date(case: Case, step: LadderStep, start: datetime.date) -> datetime.date:
    try:
        return due_in_school_days(case, step.deadline_school_days, start)
    except DueDateError:
        # No calendar loaded for the school: count weekdays so the task still has a sensible date.
        day, left = start, step.deadline_school_days
        while left > 0:
            day += datetime.timedelta(days=1)
            left -= day.weekday() < 5
        return day


# --- making a step due ---------------------------------------------------------------------------------------


def _make_due(*, actor, case: Case, step: LadderStep, on: datetime.date, rate: float | None, why: str,
              status: str = EventStatus.DUE, reason: str = "") -> LadderEvent:
    due_on = _due_date(case, step, on)
    task = task_create(actor=actor, case=case, title=f"Ladder: {step.name}", due_on=due_on,
                       automatic=f"ladder:{step.key}",
                       details=f"{why}. Record the outcome on the case's Ladder tab."
                               + (f" Letter: {step.letter_template}." if step.letter_template else ""))
    event = create_audited(LadderEvent, actor=actor, case=case, step=step, status=status, reached_on=on,
                           due_on=due_on, rate_at_start=rate, task=task, reason=reason)
    timeline_record(case=case, kind=TIMELINE, actor=actor, source=event,
                    summary=f"Ladder step due: {step.name} ({why}; by {due_on:%m/%d/%Y})")
    return event


def _follow_on(*, actor, case: Case, done: LadderStep, on: datetime.date) -> list[LadderEvent]:
    """Steps that become due when `done` is done: the next one, if it waits on its previous step."""
    nxt = done.ladder.steps.filter(order__gt=done.order).order_by("order").first()
    if nxt is None or not (nxt.trigger == Trigger.AFTER_STEP or nxt.also_after_previous):
        return []
    if LadderEvent.objects.filter(case=case, step=nxt).exists():
        return []
    return [_make_due(actor=actor, case=case, step=nxt, on=on, rate=_current_rate(case),
                      why=f"after {done.name.lower()}")]


def _current_rate(case: Case) -> float | None:
    row = (StudentIndicator.objects.filter(student_id=case.student_id, period_key=YEAR_TO_DATE)
           .exclude(attendance_rate=None).order_by("-as_of").first())
    return row.attendance_rate if row else None


@dataclass
class EvaluateSummary:
    as_of: datetime.date
    students_checked: int = 0
    cases_opened: int = 0
    steps_due: Counter = field(default_factory=Counter)
    no_ppw: int = 0  # cases opened without an owner: nobody holds the PPW role at the school

    @property
    def total_due(self) -> int:
        return sum(self.steps_due.values())

    def lines(self) -> list[str]:
        out = [f"Ladder as of {self.as_of.isoformat()}: {self.students_checked} student(s) checked, "
               f"{self.cases_opened} attendance case(s) opened, {self.total_due} step(s) made due."]
        out += [f"  {key}: {n}" for key, n in sorted(self.steps_due.items())]
        if self.no_ppw:
            out.append(f"  {self.no_ppw} case(s) opened without an owner: no PPW is assigned to the school.")
        return out


def ladder_evaluate(*, as_of: datetime.date, school=None, actor=None, progress=None,
                    max_students: int | None = None) -> EvaluateSummary:
    """Make due every data-triggered step whose trigger the student's stored indicators meet and that the
    student's open attendance case has not reached yet (opening the case if needed). Idempotent: a step
    already on the case (in any status) is never made due again by the evaluation; repeats are by hand.
    `max_students` stops after that many students met a trigger (the demo seed keeps to seconds)."""
    ladder = ladder_in_force(as_of)
    data_steps = [s for s in steps_of(ladder) if s.trigger in DATA_TRIGGERS]
    summary = EvaluateSummary(as_of=as_of)
    by_student: dict[int, list[StudentIndicator]] = {}
    for (student_id, _school_id), row in latest_indicators(as_of, [school.pk] if school else None).items():
        by_student.setdefault(student_id, []).append(row)
    total = len(by_student)
    for n, (student_id, rows) in enumerate(sorted(by_student.items()), start=1):
        summary.students_checked += 1
        met = [(s, r) for s in data_steps for r in rows if trigger_met(s, r)]
        if met and max_students is not None:
            max_students -= 1
            if max_students < 0:
                break
        if met:
            _evaluate_student(actor=actor, student_id=student_id, met=met, as_of=as_of, summary=summary)
        if progress and (n % 50 == 0 or n == total):
            progress(n, total, f"{summary.total_due} step(s) made due")
    return summary


@transaction.atomic
def _evaluate_student(*, actor, student_id: int, met, as_of, summary: EvaluateSummary) -> None:
    case = open_attendance_case(student_id)
    # Steps reached this school year on any of the student's attendance cases: a case closed as "improved"
    # is not reopened night after night by the same year-to-date count, only by a new step's trigger.
    reached = set(LadderEvent.objects.filter(case__student_id=student_id, case__case_type=CaseType.ATTENDANCE,
                                             reached_on__gte=school_year_bounds(as_of)[0])
                  .values_list("step__key", flat=True))
    if case is not None:
        reached |= set(LadderEvent.objects.filter(case=case).values_list("step__key", flat=True))
    todo = []
    for step, row in met:
        if step.key not in reached and step.key not in {s.key for s, _ in todo}:
            todo.append((step, row))
    if not todo:
        return
    if case is None:
        school_id = todo[0][1].school_id
        owner = school_ppw(school_id, as_of)
        summary.no_ppw += owner is None
        case = case_open(actor=actor, student=Student.objects.get(pk=student_id), case_type=CaseType.ATTENDANCE,
                         owner=owner, opened_on=as_of)
        summary.cases_opened += 1
    for step, row in todo:
        _make_due(actor=actor, case=case, step=step, on=as_of, rate=row.attendance_rate, why=_why(step, row))
        summary.steps_due[step.key] += 1


def _why(step: LadderStep, row: StudentIndicator) -> str:
    if step.trigger == Trigger.UNLAWFUL_DAYS:
        return f"{row.days_unlawful:g} unlawful absences this year (trigger {step.trigger_days})"
    if step.trigger == Trigger.TRUANT_7_302_2:
        return "truant under §7-302.2"
    return "habitual truant"


# --- the PPW's record: done, skip, repeat -------------------------------------------------------------------


def _step_on_case(case: Case, step: LadderStep) -> LadderEvent | None:
    """The step's open event on the case, else its latest one."""
    events = LadderEvent.objects.filter(case=case, step=step).order_by("-id")
    return events.filter(status__in=OPEN_EVENT).first() or events.first()


def guard_missing(case: Case, step: LadderStep) -> list[LadderStep]:
    """Required earlier steps not yet done or skipped (empty for unguarded steps or with an override)."""
    if not step.guarded or LadderOverride.objects.filter(case=case).exists():
        return []
    settled = set(LadderEvent.objects.filter(case=case, status__in=SETTLED).values_list("step_id", flat=True))
    return [s for s in step.ladder.steps.filter(order__lt=step.order, required_before_petition=True).order_by("order")
            if s.pk not in settled]


def _close_task(*, actor, event: LadderEvent, done: bool, on: datetime.date, reason: str = "") -> None:
    task = event.task
    if task is None:
        return
    task.refresh_from_db()
    if task.status != TaskStatus.OPEN:
        return
    if done:
        task_complete(actor=actor, task=task, completed_on=on)
    else:
        task_cancel(actor=actor, task=task, reason=reason[:200] or "Ladder step skipped")


def _check_case(case: Case, step: LadderStep) -> None:
    if not case.is_open:
        raise ValidationError("The case is closed: reopen it to record ladder steps.")
    if step.ladder_id != ladder_for_case(case).pk:
        raise ValidationError("That step belongs to another version of the ladder.")


@transaction.atomic
def ladder_step_done(*, actor, case: Case, step: LadderStep, done_on: datetime.date | None = None,
                     outcome: str = "", evidence=None, expected_version: int | None = None) -> LadderEvent:
    """Record the step carried out (on its open event, or a new one for a manual or early step). A guarded
    step refuses (GuardRefused) until the required earlier steps are settled or the director overrides."""
    _check_case(case, step)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "The date it was done cannot be in the future."})
    missing = guard_missing(case, step)
    if missing:
        raise GuardRefused(step, missing)
    fields = {"status": EventStatus.DONE, "done_on": done_on, "recorded_by": actor if _is_user(actor) else None,
              "outcome": outcome.strip()}
    if isinstance(evidence, tuple):  # ("contacts.contact", 42), e.g. picked from the case timeline
        fields.update(source_model=evidence[0], source_id=evidence[1])
    elif evidence is not None:
        fields.update(source_model=evidence._meta.label_lower, source_id=evidence.pk)
    event = _step_on_case(case, step)
    if event is not None and event.is_open:
        event = update_audited(event, actor=actor, expected_version=expected_version, **fields)
        _close_task(actor=actor, event=event, done=True, on=done_on)
    elif event is not None and not step.repeatable:
        raise ValidationError(f"{step.name} is already {event.get_status_display().lower()} on this case.")
    else:
        event = create_audited(LadderEvent, actor=actor, case=case, step=step, reached_on=done_on,
                               rate_at_start=_current_rate(case), **fields)
    timeline_record(case=case, kind=TIMELINE, actor=actor, source=event,
                    summary=f"Ladder step done: {step.name}" + (f" — {event.outcome}" if event.outcome else ""))
    _follow_on(actor=actor, case=case, done=step, on=done_on)
    return event


@transaction.atomic
def ladder_step_skip(*, actor, case: Case, step: LadderStep, reason: str,
                     expected_version: int | None = None) -> LadderEvent:
    _check_case(case, step)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the step is skipped (a court or review board will ask)."})
    event = _step_on_case(case, step)
    fields = {"status": EventStatus.SKIPPED, "reason": reason, "recorded_by": actor if _is_user(actor) else None}
    if event is not None and event.is_open:
        event = update_audited(event, actor=actor, expected_version=expected_version, **fields)
        _close_task(actor=actor, event=event, done=False, on=timezone.localdate(), reason=f"Step skipped: {reason}")
    elif event is not None:
        raise ValidationError(f"{step.name} is already {event.get_status_display().lower()} on this case.")
    else:
        event = create_audited(LadderEvent, actor=actor, case=case, step=step, reached_on=timezone.localdate(),
                               rate_at_start=_current_rate(case), **fields)
    timeline_record(case=case, kind=TIMELINE, actor=actor, source=event,
                    summary=f"Ladder step skipped: {step.name} — {reason}")
    _follow_on(actor=actor, case=case, done=step, on=timezone.localdate())
    return event


@transaction.atomic
def ladder_step_repeat(*, actor, case: Case, step: LadderStep, reason: str,
                       on: datetime.date | None = None) -> LadderEvent:
    """Make a done step due again (a second home visit): a new event, with its own task."""
    _check_case(case, step)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the step is repeated."})
    if not step.repeatable:
        raise ValidationError(f"{step.name} is not a repeatable step on this ladder.")
    event = _step_on_case(case, step)
    if event is None or event.status != EventStatus.DONE:
        raise ValidationError(f"Record {step.name.lower()} as done before repeating it.")
    on = on or timezone.localdate()
    return _make_due(actor=actor, case=case, step=step, on=on, rate=_current_rate(case), why=f"repeat: {reason}",
                     status=EventStatus.REPEATED, reason=reason)


@transaction.atomic
def ladder_step_start(*, actor, case: Case, step: LadderStep) -> LadderEvent:
    """Make a step due by hand (a manual step such as the review-board referral)."""
    _check_case(case, step)
    if LadderEvent.objects.filter(case=case, step=step).exists():
        raise ValidationError(f"{step.name} is already on this case; repeat it if it needs doing again.")
    return _make_due(actor=actor, case=case, step=step, on=timezone.localdate(), rate=_current_rate(case),
                     why="started by staff")


@transaction.atomic
def ladder_override(*, actor, case: Case, reason: str, on: datetime.date | None = None) -> LadderOverride:
    """The director lets the guarded steps go ahead without the required earlier ones."""
    if _is_user(actor) and not policy.can(actor, "ladder.override"):
        raise PermissionDenied("Only the director can override the ladder.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case may go ahead without the earlier steps."})
    if not case.is_open:
        raise ValidationError("The case is closed: reopen it first.")
    override = create_audited(LadderOverride, actor=actor, case=case, reason=reason,
                              granted_by=actor if _is_user(actor) else None, granted_on=on or timezone.localdate())
    timeline_record(case=case, kind=TIMELINE, actor=actor, source=override,
                    summary=f"Director's ladder override (review board / petition may proceed): {reason}")
    return override


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


# --- settings --------------------------------------------------------------------------------------------------

EDITABLE = ("name", "trigger", "trigger_days", "also_after_previous", "letter_template", "acts",
            "deadline_school_days", "required_before_petition", "guarded", "repeatable", "citation")


@transaction.atomic
def ladder_copy(*, actor, source: Ladder, name: str, effective_from: datetime.date) -> Ladder:
    """A new editable version of the ladder, in force from `effective_from`."""
    if not name.strip():
        raise ValidationError({"name": "Give the new version a name."})
    ladder = create_audited(Ladder, actor=actor, name=name.strip(), effective_from=effective_from, based_on=source,
                            notes=f"Copied from {source}")
    for s in steps_of(source):
        create_audited(LadderStep, actor=actor, ladder=ladder, key=s.key, order=s.order,
                       **{f: getattr(s, f) for f in EDITABLE})
    return ladder


@transaction.atomic
def ladder_step_update(*, actor, step: LadderStep, expected_version: int | None = None, **changes) -> LadderStep:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise TypeError(f"ladder_step_update cannot change {', '.join(unknown)}")
    if step.ladder.is_default:
        raise ValidationError("The shipped Maryland ladder is read-only: copy it to a new version to change it.")
    if changes.get("trigger", step.trigger) == Trigger.UNLAWFUL_DAYS and not changes.get("trigger_days",
                                                                                         step.trigger_days):
        raise ValidationError({"trigger_days": "Give N, the number of unlawful absences that makes the step due."})
    return update_audited(step, actor=actor, expected_version=expected_version, **changes)
