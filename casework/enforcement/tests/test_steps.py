"""Recording steps: done, skip (reason), repeat (reason), the petition guard and the director's override."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.audit.models import ChangeRecord
from casework.cases.models import Case, CaseEvent
from casework.enforcement import services as s
from casework.enforcement.choices import EventStatus
from casework.enforcement.models import LadderEvent, LadderOverride
from casework.tasks.models import Task

from .helpers import MON, indicator, step

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 10, 8)
REQUIRED = ["tier1_letter", "school_conference", "ppw_referral", "home_visit", "attendance_hearing"]


@pytest.fixture
def case(world):
    indicator(world.student_a, world.school_a, unlawful=3, rate=0.9)
    s.ladder_evaluate(as_of=MON)
    return Case.objects.get(student=world.student_a)


def test_done_closes_the_task_and_makes_the_next_step_due(world, case):
    ppw = world.user("ppw")
    event = s.ladder_step_done(actor=ppw, case=case, step=step("tier1_letter"), done_on=DAY,
                               outcome="Letter mailed first class")
    assert (event.status, event.done_on, event.recorded_by, event.outcome) == (EventStatus.DONE, DAY, ppw,
                                                                           "Letter mailed first class")
    assert Task.objects.get(automatic="ladder:tier1_letter").status == "done"
    conference = LadderEvent.objects.get(case=case, step__key="school_conference")
    assert (conference.status, conference.reached_on) == (EventStatus.DUE, DAY)
    assert Task.objects.filter(automatic="ladder:school_conference", status="open").count() == 1
    assert CaseEvent.objects.filter(case=case, summary="Ladder step done: Tier 1 school letter — Letter mailed "
                                                       "first class").exists()


def test_skip_needs_a_reason_and_is_recorded(world, case):
    with pytest.raises(ValidationError, match="Say why"):
        s.ladder_step_skip(actor=world.user("ppw"), case=case, step=step("tier1_letter"), reason="  ")
    assert LadderEvent.objects.get(case=case).status == EventStatus.DUE
    event = s.ladder_step_skip(actor=world.user("ppw"), case=case, step=step("tier1_letter"),
                               reason="Family already in a conference")
    assert (event.status, event.reason) == (EventStatus.SKIPPED, "Family already in a conference")
    assert Task.objects.get(automatic="ladder:tier1_letter").status == "cancelled"
    assert CaseEvent.objects.filter(case=case, summary__contains="skipped: Tier 1 school letter — Family").exists()
    with pytest.raises(ValidationError, match="already skipped"):
        s.ladder_step_skip(actor=world.user("ppw"), case=case, step=step("tier1_letter"), reason="again")


def test_repeat_needs_a_reason_a_repeatable_step_and_a_done_one(world, case):
    ppw = world.user("ppw")
    visit = step("home_visit")
    with pytest.raises(ValidationError, match="as done before"):
        s.ladder_step_repeat(actor=ppw, case=case, step=visit, reason="nobody home")
    s.ladder_step_done(actor=ppw, case=case, step=visit, done_on=DAY, outcome="Nobody home; card left")
    with pytest.raises(ValidationError, match="Say why"):
        s.ladder_step_repeat(actor=ppw, case=case, step=visit, reason="")
    again = s.ladder_step_repeat(actor=ppw, case=case, step=visit, reason="Nobody home", on=DAY)
    assert (again.status, again.reason, again.reached_on) == (EventStatus.REPEATED, "Nobody home", DAY)
    assert Task.objects.filter(automatic="ladder:home_visit", status="open").count() == 1
    done = s.ladder_step_done(actor=ppw, case=case, step=visit, done_on=DAY, outcome="Met the mother")
    assert done.pk == again.pk and done.status == EventStatus.DONE
    assert LadderEvent.objects.filter(case=case, step=visit, status=EventStatus.DONE).count() == 2
    s.ladder_step_done(actor=ppw, case=case, step=step("tier1_letter"), done_on=DAY)
    with pytest.raises(ValidationError, match="not a repeatable"):
        s.ladder_step_repeat(actor=ppw, case=case, step=step("tier1_letter"), reason="lost in the mail")


def test_the_petition_guard_refuses_until_the_required_steps_are_settled(world, case):
    ppw = world.user("ppw")
    with pytest.raises(s.GuardRefused) as refused:
        s.ladder_step_done(actor=ppw, case=case, step=step("court_petition"), done_on=DAY)
    assert [m.key for m in refused.value.missing] == REQUIRED
    assert "ask the director" in refused.value.messages[0]
    assert not LadderEvent.objects.filter(step__key="court_petition").exists()
    for key in REQUIRED[:-1]:
        s.ladder_step_done(actor=ppw, case=case, step=step(key), done_on=DAY)
    with pytest.raises(s.GuardRefused) as refused:
        s.ladder_step_done(actor=ppw, case=case, step=step("review_board"), done_on=DAY)
    assert [m.key for m in refused.value.missing] == ["attendance_hearing"]
    s.ladder_step_skip(actor=ppw, case=case, step=step("attendance_hearing"), reason="Family refused to attend")
    assert s.ladder_step_done(actor=ppw, case=case, step=step("review_board"), done_on=DAY).status == "done"


def test_the_directors_override_lets_the_petition_through_and_is_recorded(world, case):
    director = world.user("director")
    with pytest.raises(PermissionDenied):
        s.ladder_override(actor=world.user("supervisor"), case=case, reason="urgent")
    with pytest.raises(ValidationError, match="Say why"):
        s.ladder_override(actor=director, case=case, reason=" ")
    override = s.ladder_override(actor=director, case=case, reason="Family moved; prior steps done in Howard Co.",
                                 on=DAY)
    assert (override.granted_by, override.granted_on) == (director, DAY)
    assert ChangeRecord.objects.filter(content_type__model="ladderoverride", object_id=str(override.pk)).exists()
    assert CaseEvent.objects.filter(case=case, summary__startswith="Director's ladder override").exists()
    event = s.ladder_step_done(actor=world.user("ppw"), case=case, step=step("court_petition"), done_on=DAY,
                               outcome="Petition filed")
    assert event.status == EventStatus.DONE and LadderOverride.objects.filter(case=case).count() == 1


def test_evidence_links_the_step_to_a_record(world, case):
    task = Task.objects.get(automatic="ladder:tier1_letter")
    event = s.ladder_step_done(actor=world.user("ppw"), case=case, step=step("tier1_letter"), done_on=DAY,
                               evidence=task)
    assert (event.source_model, event.source_id) == ("tasks.task", task.pk)


def test_a_closed_case_and_future_dates_are_refused(world, case):
    from casework.cases.services import case_close

    with pytest.raises(ValidationError, match="future"):
        s.ladder_step_done(actor=None, case=case, step=step("tier1_letter"),
                           done_on=datetime.date.today() + datetime.timedelta(days=3))
    case = case_close(actor=None, case=case, closure_reason="moved out of state", closed_on=DAY)
    with pytest.raises(ValidationError, match="closed"):
        s.ladder_step_done(actor=None, case=case, step=step("tier1_letter"), done_on=DAY)
