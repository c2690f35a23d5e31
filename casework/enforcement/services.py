"""Writes of the ladder: the evaluation that makes steps due from the stored indicators, the PPW's
done / skip / repeat, the petition guard and the director's override, and the settings copy/edit.

Every change to a case's ladder writes a case-timeline entry in the same transaction."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from casework.accounts.models import RoleAssignment
from casework.cases.choices import CaseType, EventKind
from casework.cases.models import Case
from casework.cases.services import case_open, hold_for_case_opening
from casework.cases.timeline import timeline_record
from casework.core import policy
from casework.core.errors import ConflictError
from casework.core.pacing import WriterPacing
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


def steps_of(ladder: Ladder, *, retired: bool = False) -> list[LadderStep]:
    """The ladder's steps in order; retired ones only when asked (a case's history shows them)."""
    steps = ladder.steps.order_by("order")
    return list(steps if retired else steps.filter(retired=False))


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
    nxt = done.ladder.steps.filter(order__gt=done.order, retired=False).order_by("order").first()
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
    in_force = ladder_in_force(as_of).pk
    data_steps: dict[int, list[LadderStep]] = {}  # per ladder version, read once

    def steps_for(ladder_id: int) -> list[LadderStep]:
        if ladder_id not in data_steps:
            data_steps[ladder_id] = [s for s in LadderStep.objects.filter(ladder_id=ladder_id, retired=False)
                                     .order_by("order") if s.trigger in DATA_TRIGGERS]
        return data_steps[ladder_id]

    summary = EvaluateSummary(as_of=as_of)
    by_student: dict[int, list[StudentIndicator]] = {}
    for (student_id, _school_id), row in latest_indicators(as_of, [school.pk] if school else None).items():
        by_student.setdefault(student_id, []).append(row)
    # A case keeps the version it started on: a newer version's steps are not made due on it.
    case_ladder = _open_case_ladders()
    total = len(by_student)
    pacing = WriterPacing()  # each student is its own transaction: leave sign-ins a way in between
    for n, (student_id, rows) in enumerate(sorted(by_student.items()), start=1):
        summary.students_checked += 1
        met = [(s, r) for s in steps_for(case_ladder.get(student_id, in_force)) for r in rows if trigger_met(s, r)]
        if met and max_students is not None:
            max_students -= 1
            if max_students < 0:
                break
        if met:
            _evaluate_student(actor=actor, student_id=student_id, met=met, as_of=as_of, summary=summary)
            pacing.breathe()
        if progress and (n % 50 == 0 or n == total):
            progress(n, total, f"{summary.total_due} step(s) made due")
    return summary


def _open_case_ladders() -> dict[int, int]:
    """Student -> the ladder version of their open attendance case (the one open_attendance_case picks),
    for cases that have started on one. Two reads for the whole run, no per-student query."""
    open_cases = Case.objects.filter(case_type=CaseType.ATTENDANCE).open()
    first_case: dict[int, int] = {}
    for case_id, student_id in open_cases.order_by("opened_on", "id").values_list("id", "student_id").iterator():
        first_case.setdefault(student_id, case_id)
    ladder_of: dict[int, int] = {}
    for case_id, ladder_id in (LadderEvent.objects.filter(case__in=open_cases).order_by("id")
                               .values_list("case_id", "step__ladder_id").iterator()):
        ladder_of.setdefault(case_id, ladder_id)
    return {student: ladder_of[case] for student, case in first_case.items() if case in ladder_of}


@transaction.atomic
def _evaluate_student(*, actor, student_id: int, met, as_of, summary: EvaluateSummary) -> None:
    hold_for_case_opening(student_id)  # a letter batch may be opening this student's case right now
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
    earlier = step.ladder.steps.filter(order__lt=step.order, required_before_petition=True, retired=False)
    return [s for s in earlier.order_by("order") if s.pk not in settled]


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


def _check_not_retired(case: Case, step: LadderStep) -> None:
    """A retired step can still be settled where it was due on the case, never recorded afresh (the Ladder
    tab hides its buttons; this holds for a hand-made request too)."""
    if step.retired and not LadderEvent.objects.filter(case=case, step=step).open().exists():
        raise ValidationError(f"{step.name} is retired from the ladder and was not due on this case: "
                              "it cannot be recorded.")


@transaction.atomic
def ladder_step_done(*, actor, case: Case, step: LadderStep, done_on: datetime.date | None = None,
                     outcome: str = "", evidence=None, expected_version: int | None = None) -> LadderEvent:
    """Record the step carried out (on its open event, or a new one for a manual or early step). A guarded
    step refuses (GuardRefused) until the required earlier steps are settled or the director overrides."""
    _check_case(case, step)
    _check_not_retired(case, step)
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
    _check_not_retired(case, step)
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
    if not step.repeatable or step.retired:
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
    if step.retired:
        raise ValidationError(f"{step.name} is retired from the ladder: it cannot be started.")
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
# A director changes a copy of the ladder (the shipped default is read-only): edit, add, move, retire a
# step. Steps are never deleted or re-keyed, so every case's events keep pointing at the step they were on.

EDITABLE = ("name", "trigger", "trigger_days", "also_after_previous", "letter_template", "acts",
            "deadline_school_days", "required_before_petition", "guarded", "repeatable", "citation")
READ_ONLY = "The shipped Maryland ladder is read-only: copy it to a new version to change it."


def _check_fields(fields: dict) -> None:
    """One step's own values: N for a count trigger, a letter template that exists."""
    errors = {}
    if fields.get("trigger") == Trigger.UNLAWFUL_DAYS and not fields.get("trigger_days"):
        errors["trigger_days"] = "Give N, the number of unlawful absences that makes the step due."
    key = (fields.get("letter_template") or "").strip()
    if key:
        from casework.letters.models import LetterTemplate

        if not LetterTemplate.objects.active().filter(key=key).exists():
            known = sorted(set(LetterTemplate.objects.active().values_list("key", flat=True)))
            errors["letter_template"] = (f"There is no letter template “{key}”. Use one of: {', '.join(known)} "
                                         "(or add the template on the Letters page first).")
    if errors:
        raise ValidationError(errors)


def _check_order(steps: list[LadderStep]) -> None:
    """The ladder as it would be (active steps, in order): the petition guard only counts required steps
    BEFORE a guarded one, so a required step below a guarded step would silently stop being required."""
    active = [s for s in steps if not s.retired]
    if not active:
        raise ValidationError("The ladder needs at least one step.")
    if active[0].trigger == Trigger.AFTER_STEP:
        raise ValidationError(f"“{active[0].name}” would be the first step, but it waits for the previous step: "
                              "give it another trigger or put another step before it.")
    for i, guarded in enumerate(active):
        if not guarded.guarded:
            continue
        late = [s.name for s in active[i + 1:] if s.required_before_petition]
        if late:
            raise ValidationError(f"“{guarded.name}” cannot come before {', '.join(f'“{n}”' for n in late)}: "
                                  "a step required before the review board / petition must come before it.")


# Fields that decide when a step is due or what the petition waits for. Changing them on a version that
# cases have started on would lift the guard for cases that never did a step, or make a step due overnight
# for every matching student (reopening cases closed as improved): those changes go on a new dated version.
STRUCTURAL = ("trigger", "trigger_days", "also_after_previous", "required_before_petition", "guarded")


def _editable_ladder(ladder: Ladder) -> None:
    if ladder.is_default:
        raise ValidationError(READ_ONLY)


def cases_started(ladder_ids) -> dict[int, int]:
    """Per ladder version, how many cases have started on it (a count: no student is read)."""
    rows = (LadderEvent.objects.filter(step__ladder_id__in=list(ladder_ids)).values("step__ladder_id")
            .annotate(n=Count("case_id", distinct=True)).values_list("step__ladder_id", "n"))
    return dict(rows)


def _check_no_cases(ladder: Ladder, what: str) -> None:
    """Structural changes only on a version no case has started on (call with the ladder row locked)."""
    started = cases_started([ladder.pk]).get(ladder.pk, 0)
    if started:
        raise ValidationError(
            f"{started} case(s) have started on “{ladder}”, so {what} would change the rules they are "
            "being held to. Make a new version (copy this ladder with the date it takes effect) and change "
            "the copy: cases already on this version keep it.")


def _with(step: LadderStep, **changes) -> LadderStep:
    """An unsaved copy of `step` with `changes`, to check the ladder as it would be."""
    copy = LadderStep(**{f.attname: getattr(step, f.attname) for f in LadderStep._meta.concrete_fields})
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


@transaction.atomic
def ladder_copy(*, actor, source: Ladder, name: str, effective_from: datetime.date) -> Ladder:
    """A new editable version of the ladder, in force from `effective_from` (its retired steps left out)."""
    if not name.strip():
        raise ValidationError({"name": "Give the new version a name."})
    ladder = create_audited(Ladder, actor=actor, name=name.strip(), effective_from=effective_from, based_on=source,
                            notes=f"Copied from {source}")
    for order, s in enumerate(steps_of(source), start=1):
        create_audited(LadderStep, actor=actor, ladder=ladder, key=s.key, order=order,
                       **{f: getattr(s, f) for f in EDITABLE})
    return ladder


@transaction.atomic
def ladder_step_update(*, actor, step: LadderStep, expected_version: int | None = None, **changes) -> LadderStep:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise TypeError(f"ladder_step_update cannot change {', '.join(unknown)}")
    Ladder.objects.select_for_update().get(pk=step.ladder_id)
    _editable_ladder(step.ladder)
    if any(f in changes and changes[f] != getattr(step, f) for f in STRUCTURAL):
        _check_no_cases(step.ladder, "changing the step's trigger or whether the petition waits for it")
    _check_fields({f: changes.get(f, getattr(step, f)) for f in EDITABLE})
    changed = _with(step, **changes)
    _check_order([changed if s.pk == step.pk else s for s in steps_of(step.ladder, retired=True)])
    return update_audited(step, actor=actor, expected_version=expected_version, **changes)


def _step_key(ladder: Ladder, key: str, name: str) -> str:
    key = (key or "").strip() or slugify(name).replace("-", "_")[:40].strip("_")
    if not key or not re.fullmatch(r"[a-z0-9_]+", key):
        raise ValidationError({"key": "The key is lower-case letters, digits and underscores (home_visit_2)."})
    taken = ladder.steps.filter(key=key).first()
    if taken is not None:
        raise ValidationError({"key": f"“{taken.name}” already uses the key {key}"
                                      + (" (a retired step keeps its key)" if taken.retired else "")
                                      + ": give the new step another one."})
    return key


@transaction.atomic
def ladder_step_add(*, actor, ladder: Ladder, after: LadderStep | None, key: str = "", **fields) -> LadderStep:
    """A new step right after `after` (None: at the top); the steps below move down one place."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise TypeError(f"ladder_step_add cannot set {', '.join(unknown)}")
    ladder = Ladder.objects.select_for_update().get(pk=ladder.pk)  # one structural change at a time
    _editable_ladder(ladder)
    _check_no_cases(ladder, "adding a step")
    if after is not None and after.ladder_id != ladder.pk:
        raise ValidationError("Choose where the step goes among this ladder's steps.")
    if not (fields.get("name") or "").strip():
        raise ValidationError({"name": "Give the step a name."})
    fields["name"] = fields["name"].strip()
    _check_fields(fields)
    key = _step_key(ladder, key, fields["name"])
    order = after.order + 1 if after is not None else 1
    new = LadderStep(ladder=ladder, key=key, order=order, **fields)
    steps = steps_of(ladder, retired=True)
    _check_order([s for s in steps if s.order < order] + [new] + [s for s in steps if s.order >= order])
    for s in reversed([s for s in steps if s.order >= order]):  # bottom first: no two steps share a place
        update_audited(s, actor=actor, order=s.order + 1)
    return create_audited(LadderStep, actor=actor, ladder=ladder, key=key, order=order, **fields)


@transaction.atomic
def ladder_step_move(*, actor, step: LadderStep, up: bool, expected_version: int | None = None) -> LadderStep:
    """Swap the step with the one above (up) or below it."""
    Ladder.objects.select_for_update().get(pk=step.ladder_id)
    _editable_ladder(step.ladder)
    _check_no_cases(step.ladder, "moving a step")
    steps = steps_of(step.ladder, retired=True)
    i = next((n for n, s in enumerate(steps) if s.pk == step.pk), None)
    if i is None:
        raise ValidationError("That step is no longer on this ladder.")
    me = steps[i]
    if expected_version is not None and me.version != expected_version:  # the page showed another order
        raise ConflictError(LadderStep._meta.verbose_name, me.pk, expected_version, me.version)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(steps):
        raise ValidationError(f"“{step.name}” is already the {'first' if up else 'last'} step.")
    other = steps[j]
    reordered = list(steps)
    reordered[i], reordered[j] = other, me
    _check_order(reordered)
    mine, theirs = me.order, other.order
    update_audited(me, actor=actor, order=0)  # a free place (orders start at 1) while the two swap
    update_audited(other, actor=actor, order=mine)
    return update_audited(me, actor=actor, order=theirs)


@transaction.atomic
def ladder_step_retire(*, actor, step: LadderStep, retire: bool = True,
                       expected_version: int | None = None) -> LadderStep:
    """Take the step off the ladder (or put a retired one back). Cases that reached it keep their record
    and may still settle a step that was due; no case is given it again."""
    Ladder.objects.select_for_update().get(pk=step.ladder_id)
    _editable_ladder(step.ladder)
    _check_no_cases(step.ladder, "retiring a step" if retire else "putting a step back")
    if step.retired == retire:
        raise ValidationError(f"“{step.name}” is already {'retired' if retire else 'on the ladder'}.")
    _check_order([_with(s, retired=retire) if s.pk == step.pk else s for s in steps_of(step.ladder, retired=True)])
    return update_audited(step, actor=actor, expected_version=expected_version, retired=retire)
