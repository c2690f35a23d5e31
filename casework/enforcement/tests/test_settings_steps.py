"""The director's ladder changes: add a step, move one up or down, retire one; cases keep their history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.cases.models import Case
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.enforcement import services as s
from casework.enforcement.choices import EventStatus
from casework.enforcement.models import Ladder, LadderEvent, LadderStep
from casework.tasks.models import Task

from .helpers import MON, indicator

pytestmark = pytest.mark.django_db
DEFAULT_KEYS = ["tier1_letter", "school_conference", "ppw_referral", "home_visit", "attendance_hearing",
                "review_board", "court_petition"]
NEW = {"name": "Second Tier 1 letter", "trigger": "unlawful_days_at_least", "trigger_days": 6,
       "also_after_previous": False, "letter_template": "tier1_letter", "acts": "school", "deadline_school_days": 5,
       "required_before_petition": True, "guarded": False, "repeatable": False, "citation": ""}
REQUIRED = ["tier1_letter", "school_conference", "ppw_referral", "home_visit", "attendance_hearing"]


@pytest.fixture
def copy(world):
    """The district's copy, in force from 7/2/2025 (so on MON and today)."""
    return s.ladder_copy(actor=None, source=Ladder.objects.get(is_default=True), name="District",
                         effective_from=datetime.date(2025, 7, 2))


def keys(ladder, retired=True):
    return [(x.key, x.order) for x in s.steps_of(ladder, retired=retired)]


def test_an_added_step_moves_the_steps_below_and_is_made_due(world, copy):
    tier1 = copy.steps.get(key="tier1_letter")
    added = s.ladder_step_add(actor=None, ladder=copy, after=tier1, **NEW)  # before any case started on it
    assert added.key == "second_tier_1_letter"
    assert keys(copy) == [("tier1_letter", 1), ("second_tier_1_letter", 2), ("school_conference", 3),
                          ("ppw_referral", 4), ("home_visit", 5), ("attendance_hearing", 6), ("review_board", 7),
                          ("court_petition", 8)]
    indicator(world.student_a, world.school_a, unlawful=3, as_of=MON)
    assert dict(s.ladder_evaluate(as_of=MON).steps_due) == {"tier1_letter": 1}
    case = Case.objects.get(student=world.student_a)
    s.ladder_step_done(actor=None, case=case, step=tier1, done_on=MON)
    # Six unlawful days a week later: the new step is made due (Tier 1 is not made due again).
    later = MON + datetime.timedelta(days=7)
    indicator(world.student_a, world.school_a, unlawful=6, as_of=later)
    assert dict(s.ladder_evaluate(as_of=later).steps_due) == {"second_tier_1_letter": 1}
    assert Task.objects.filter(case=case, automatic="ladder:second_tier_1_letter").count() == 1
    # Refusals, in words: an unknown letter, a key already used, the shipped ladder.
    other = s.ladder_copy(actor=None, source=copy, name="Next year", effective_from=datetime.date(2026, 7, 1))
    with pytest.raises(ValidationError, match="There is no letter template “tier9”"):
        s.ladder_step_add(actor=None, ladder=other, after=None, **{**NEW, "name": "Other", "letter_template": "tier9"})
    with pytest.raises(ValidationError, match="already uses the key second_tier_1_letter"):
        s.ladder_step_add(actor=None, ladder=other, after=None, **NEW)
    with pytest.raises(ValidationError, match="read-only"):
        s.ladder_step_add(actor=None, ladder=Ladder.objects.get(is_default=True), after=None, key="x", **NEW)
    # First on the ladder, a step that waits for the previous one has nothing to wait for.
    with pytest.raises(ValidationError, match="would be the first step"):
        s.ladder_step_add(actor=None, ladder=other, after=None, key="x", **{**NEW, "trigger": "after_step"})
    assert other.steps.count() == 8


def test_a_version_cases_started_on_refuses_structural_changes(client, world, copy):
    """Retiring a required step would lift the petition guard for cases that never did it; adding a data-
    triggered step would make it due overnight for every matching student. Both go on a new version."""
    case = f.case(student=world.student_a, owner=world.user("ppw"), opened_on=MON)
    tier1, home = copy.steps.get(key="tier1_letter"), copy.steps.get(key="home_visit")
    s.ladder_step_done(actor=None, case=case, step=tier1, done_on=MON)  # the case starts on the copy
    before = keys(copy)
    copy_it = "Make a new version .* change the copy"
    with pytest.raises(ValidationError, match=f"1 case\\(s\\) have started on “District .*”.*{copy_it}"):
        s.ladder_step_retire(actor=None, step=home)
    with pytest.raises(ValidationError, match=copy_it):
        s.ladder_step_add(actor=None, ladder=copy, after=tier1, **NEW)
    with pytest.raises(ValidationError, match=copy_it):
        s.ladder_step_move(actor=None, step=copy.steps.get(key="court_petition"), up=True)
    with pytest.raises(ValidationError, match=copy_it):
        s.ladder_step_update(actor=None, step=home, required_before_petition=False)
    with pytest.raises(ValidationError, match=copy_it):
        s.ladder_step_update(actor=None, step=tier1, trigger_days=2)
    assert keys(copy) == before
    home.refresh_from_db()
    assert (home.retired, home.required_before_petition) == (False, True)
    assert [x.key for x in s.guard_missing(case, copy.steps.get(key="court_petition"))] == REQUIRED[1:]
    # Wording stays editable (the form posts every field; unchanged guard and trigger are not changes).
    s.ladder_step_update(actor=None, step=home, name="PPW home visit or virtual visit",
                         required_before_petition=True, trigger=home.trigger)
    assert copy.steps.get(key="home_visit").name == "PPW home visit or virtual visit"
    # The settings page offers no structural buttons on the copy; a hand-made request gets the message.
    client.force_login(world.user("director"))
    page = client.get(reverse("enforcement:settings")).content.decode()
    assert "1 case started on this version" in page
    assert 'value="retire"' not in page and "Add a step to District" not in page
    home.refresh_from_db()
    response = client.post(reverse("enforcement:step_arrange", kwargs={"pk": home.pk}),
                           {"what": "retire", "version": home.version}, follow=True)
    assert "1 case(s) have started on" in response.content.decode()
    assert not copy.steps.get(key="home_visit").retired


def test_a_new_version_applies_to_new_cases_and_the_open_ones_keep_theirs(world):
    default = Ladder.objects.get(is_default=True)
    indicator(world.student_a, world.school_a, unlawful=3, as_of=MON)
    s.ladder_evaluate(as_of=MON)  # student A's case starts on the default ladder
    old_case = Case.objects.get(student=world.student_a)
    copy = s.ladder_copy(actor=None, source=default, name="From next week",
                         effective_from=MON + datetime.timedelta(days=1))
    s.ladder_step_add(actor=None, ladder=copy, after=copy.steps.get(key="tier1_letter"), **NEW)
    later = MON + datetime.timedelta(days=7)
    indicator(world.student_a, world.school_a, unlawful=6, as_of=later, habitual=True)
    indicator(world.student_b, world.school_a, unlawful=6, as_of=later)
    # A: the default's hearing (habitual truant), not the copy's second letter; B: a new case on the copy.
    assert dict(s.ladder_evaluate(as_of=later).steps_due) == {"attendance_hearing": 1, "tier1_letter": 1,
                                                              "second_tier_1_letter": 1}
    assert sorted((e.step.key, e.step.ladder_id) for e in LadderEvent.objects.filter(case=old_case)) \
        == [("attendance_hearing", default.pk), ("tier1_letter", default.pk)]
    new_case = Case.objects.get(student=world.student_b)
    assert sorted((e.step.key, e.step.ladder_id) for e in LadderEvent.objects.filter(case=new_case)) \
        == [("second_tier_1_letter", copy.pk), ("tier1_letter", copy.pk)]


def test_moving_keeps_every_required_step_before_the_petition(world, copy):
    court = copy.steps.get(key="court_petition")
    s.ladder_step_move(actor=None, step=court, up=True)  # above the review board: both guarded, allowed
    assert keys(copy)[-2:] == [("court_petition", 6), ("review_board", 7)]
    court.refresh_from_db()
    with pytest.raises(ValidationError, match="“District Court petition .*” cannot come before “Attendance hearing"):
        s.ladder_step_move(actor=None, step=court, up=True)
    with pytest.raises(ValidationError, match="already the first step"):
        s.ladder_step_move(actor=None, step=copy.steps.get(key="tier1_letter"), up=True)
    with pytest.raises(ValidationError, match="waits for the previous step"):
        s.ladder_step_move(actor=None, step=copy.steps.get(key="school_conference"), up=True)
    with pytest.raises(ConflictError):
        s.ladder_step_move(actor=None, step=court, up=False, expected_version=court.version - 1)
    # Editing can break the same rule: a required step after the guarded ones.
    with pytest.raises(ValidationError, match="cannot come before “Interagency Truancy Review Board referral”"):
        s.ladder_step_update(actor=None, step=copy.steps.get(key="review_board"), required_before_petition=True,
                             guarded=False)
    assert keys(copy)[-2:] == [("court_petition", 6), ("review_board", 7)]


def test_a_retired_step_keeps_the_cases_history_and_is_no_longer_due(client, world, copy):
    # A case on the default ladder does its home visit while the copy is not yet in force.
    default = Ladder.objects.get(is_default=True)
    Ladder.objects.filter(pk=copy.pk).update(effective_from=datetime.date(2099, 7, 1))
    old_case = f.case(student=world.student_a, owner=world.user("ppw"), opened_on=MON)
    for key in REQUIRED[:4]:
        s.ladder_step_done(actor=None, case=old_case, step=default.steps.get(key=key), done_on=MON)
    # The director retires the copy's home visit (no case on the copy yet), then the copy takes effect.
    home = s.ladder_step_retire(actor=None, step=copy.steps.get(key="home_visit"))
    Ladder.objects.filter(pk=copy.pk).update(effective_from=datetime.date(2025, 7, 2))
    # A case on the copy: the referral leads straight to the hearing, and the petition's guard does not
    # ask for a home visit.
    other = f.case(student=world.student_b, opened_on=MON)
    for key in ("tier1_letter", "school_conference", "ppw_referral"):
        s.ladder_step_done(actor=None, case=other, step=copy.steps.get(key=key), done_on=MON)
    assert list(LadderEvent.objects.filter(case=other, status=EventStatus.DUE).values_list("step__key", flat=True)) \
        == ["attendance_hearing"]
    assert [x.key for x in s.guard_missing(other, copy.steps.get(key="court_petition"))] == ["attendance_hearing"]
    # A retired step the case never reached cannot be started, done or skipped (a hand-made request).
    with pytest.raises(ValidationError, match="retired"):
        s.ladder_step_start(actor=None, case=other, step=home)
    with pytest.raises(ValidationError, match="retired from the ladder and was not due on this case"):
        s.ladder_step_done(actor=None, case=other, step=home, done_on=MON)
    with pytest.raises(ValidationError, match="retired from the ladder and was not due on this case"):
        s.ladder_step_skip(actor=None, case=other, step=home, reason="no visit")
    assert not LadderEvent.objects.filter(case=other, step=home).exists()
    assert not Task.objects.filter(case=other, automatic="ladder:home_visit").exists()
    # The old case's tab still shows its home visit and its guard still counts it; the copy's case's
    # tab does not list the retired step.
    assert [x.key for x in s.guard_missing(old_case, default.steps.get(key="court_petition"))] \
        == ["attendance_hearing"]
    client.force_login(world.user("director"))
    first = client.get(reverse("enforcement:case_ladder", kwargs={"case_pk": old_case.pk})).content.decode()
    second = client.get(reverse("enforcement:case_ladder", kwargs={"case_pk": other.pk})).content.decode()
    assert "PPW home visit" in first
    assert "PPW home visit" not in second


def test_a_retired_step_that_was_due_can_still_be_settled(world, copy):
    case = f.case(student=world.student_a, opened_on=MON)
    home = copy.steps.get(key="home_visit")
    for key in ("tier1_letter", "school_conference", "ppw_referral"):  # the home visit becomes due
        s.ladder_step_done(actor=None, case=case, step=copy.steps.get(key=key), done_on=MON)
    LadderStep.objects.filter(pk=home.pk).update(retired=True)  # retired before the rule (older data)
    home.refresh_from_db()
    event = s.ladder_step_done(actor=None, case=case, step=home, done_on=MON, outcome="Visited")
    assert (event.status, event.outcome) == (EventStatus.DONE, "Visited")
    with pytest.raises(ValidationError, match="retired from the ladder"):  # not a second time
        s.ladder_step_done(actor=None, case=case, step=home, done_on=MON)


def test_the_director_adds_moves_and_retires_from_the_settings_page(client, world, copy):
    client.force_login(world.user("director"))
    tier1 = copy.steps.get(key="tier1_letter")
    add = reverse("enforcement:step_add", kwargs={"pk": copy.pk})
    assert "After 1. Tier 1 school letter" in client.get(add).content.decode()
    form = {**{k: v for k, v in NEW.items() if v is not False}, "position": tier1.pk, "key": "tier1_again"}
    response = client.post(add, {**form, "letter_template": "no_such"})
    assert response.status_code == 400 and "There is no letter template" in response.content.decode()
    assert client.post(add, form).status_code == 302
    assert keys(copy)[:3] == [("tier1_letter", 1), ("tier1_again", 2), ("school_conference", 3)]
    new = copy.steps.get(key="tier1_again")
    arrange = reverse("enforcement:step_arrange", kwargs={"pk": new.pk})
    client.post(arrange, {"what": "up", "version": new.version})
    assert keys(copy)[:2] == [("tier1_again", 1), ("tier1_letter", 2)]
    response = client.post(arrange, {"what": "up", "version": new.version}, follow=True)  # stale page
    assert "changed by someone else" in response.content.decode()
    new.refresh_from_db()
    response = client.post(arrange, {"what": "retire", "version": new.version}, follow=True)
    assert "Retired: Second Tier 1 letter" in response.content.decode()
    assert copy.steps.get(key="tier1_again").retired
    assert ("tier1_again", 1) not in keys(copy, retired=False)
