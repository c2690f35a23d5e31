"""Every transition of a referral, the duplicate flag, the follow-up date and the triage queue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import ChangeRecord
from casework.cases.choices import EventKind
from casework.cases.models import Case, CaseEvent
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.referrals import services
from casework.referrals.choices import ReferralStatus, default_case_type
from casework.referrals.models import Referral
from casework.referrals.selectors import triage_queue
from casework.tasks.models import Task

from .helpers import D, refer

pytestmark = pytest.mark.django_db


# --- create ----------------------------------------------------------------------------------------------


def test_a_teacher_refers_a_current_student_of_their_school(world):
    r = refer(world, reasons=["other", "attendance"])
    assert r.status == ReferralStatus.SUBMITTED
    assert r.referred_by == world.user("school_staff") and r.school == world.school_a
    assert r.reasons == ["attendance", "other"]  # the form's order
    assert r.number == f"R-{r.pk:06d}"
    assert [(h.status, h.changed_by) for h in r.history.all()] == [("submitted", world.user("school_staff"))]
    assert ChangeRecord.objects.filter(object_id=str(r.pk), action="create",
                                       content_type__model="referral").count() == 1
    assert r.duplicate_of_case is None


def test_a_student_outside_the_referrers_schools_is_refused(world):
    with pytest.raises(ValidationError, match="only current students of your schools"):
        refer(world, student=world.student_b, school=world.school_b)
    assert not Referral.objects.exists()


def test_a_former_student_cannot_be_referred_by_the_old_school(world):
    gone = f.student(school=world.school_a, entry_date=D(2024, 8, 26), exit_date=D(2025, 1, 31))
    with pytest.raises(ValidationError):
        refer(world, student=gone)


def test_the_referring_school_must_be_a_current_enrollment(world):
    with pytest.raises(ValidationError) as exc:
        refer(world, who="director", school=world.school_b)  # student A is enrolled at A only
    assert "school" in exc.value.message_dict


@pytest.mark.parametrize(("field", "kwargs"), [
    ("reasons", {"reasons": []}),
    ("reasons", {"reasons": ["gossip"]}),
    ("details", {"details": "   "}),
    ("already_tried", {"already_tried": ""}),
    ("urgency", {"urgency": "yesterday"}),
])
def test_the_form_facts_a_ppw_needs_are_required(world, field, kwargs):
    data = {"reasons": ["attendance"], "details": "Absent", "already_tried": "Called home", "urgency": "routine"}
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=world.user("school_staff"), student=world.student_a, school=world.school_a,
                                 **(data | kwargs))
    assert field in exc.value.message_dict
    assert not Referral.objects.exists()


def test_an_open_case_of_the_matching_type_flags_a_duplicate(world):
    case = f.case(student=world.student_a, case_type="attendance", opened_on=D(2025, 9, 15))
    flagged = refer(world, reasons=["attendance"])
    assert flagged.duplicate_of_case == case and flagged.status == "submitted"  # flagged, not lost
    assert refer(world, reasons=["academic"]).duplicate_of_case is None  # academic -> "other": no open one


@pytest.mark.parametrize("reasons, open_type, flagged", [
    (["family"], "child_welfare", True),
    (["family"], "custody", True),
    (["family"], "family_services", True),
    (["mental_health"], "crisis", True),
    (["crisis"], "child_welfare", True),
    (["behaviour"], "alternative_placement", True),
    (["family"], "attendance", False),
    (["crisis"], "family_services", False),
    (["attendance"], "child_welfare", False),
])
def test_the_duplicate_flag_matches_related_case_types(world, reasons, open_type, flagged):
    case = f.case(student=world.student_a, case_type=open_type, opened_on=D(2025, 9, 15))
    assert refer(world, reasons=reasons).duplicate_of_case == (case if flagged else None)


def test_the_accept_form_default_stays_one_type_while_the_flag_matches_several(world):
    from casework.referrals.choices import default_case_type, matching_case_types

    assert default_case_type(["family"]) == "family_services"
    assert matching_case_types(["family"]) == {"family_services", "child_welfare", "custody"}
    assert matching_case_types(["attendance", "crisis"]) == {"attendance", "crisis", "child_welfare"}
    assert matching_case_types([]) == set()


def test_a_closed_case_is_no_duplicate(world):
    from casework.cases.services import case_close

    case = f.case(student=world.student_a, case_type="attendance", opened_on=D(2025, 9, 15))
    case_close(actor=None, case=case, closure_reason="Attendance improved", closed_on=D(2025, 10, 1))
    assert refer(world).duplicate_of_case is None


def test_default_case_type_prefers_a_specific_reason():
    assert default_case_type(["academic", "homelessness"]) == "homeless"
    assert default_case_type(["mental_health"]) == "family_services"
    assert default_case_type(["academic", "other"]) == "other"


# --- accept ----------------------------------------------------------------------------------------------


@pytest.fixture
def calendar_a(world):
    """School A's 2025-26 calendar: weekdays, minus Thanksgiving Thursday and Friday (11/27, 11/28)."""
    f.session(school=world.school_a, begin=D(2025, 8, 25), end=D(2026, 6, 12))
    f.calendar_dates(school=world.school_a, days={D(2025, 11, 27): "holiday", D(2025, 11, 28): "holiday"})


def test_accept_opens_a_case_writes_the_timeline_and_a_follow_up_task(world, calendar_a):
    r = refer(world, reasons=["attendance"], urgency="soon")
    ppw = world.user("ppw")
    r = services.referral_accept(actor=ppw, referral=r, case_type="attendance", today=D(2025, 11, 20))
    case = r.case
    assert r.status == "accepted" and case.student == world.student_a
    assert (case.case_type, case.owner, case.opened_on) == ("attendance", ppw, D(2025, 11, 20))
    entry = CaseEvent.objects.get(case=case, kind=EventKind.REFERRAL)
    assert entry.occurred_at == r.created_at  # dated when the school referred, not when accepted
    assert entry.source_id == r.pk and r.number in entry.summary and "Attendance" in entry.summary
    task = Task.objects.get(case=case)
    assert task.title == f"Follow up with referrer on referral {r.number}"
    assert task.automatic == "referral_follow_up" and task.assignee == ppw
    # Thursday 11/20 + 10 school days: 11/21, 24, 25, 26 (4), Thanksgiving 27-28 off, 12/1-5 (9), 12/8 (10).
    assert task.due_on == D(2025, 12, 8)
    assert "calendar days" not in task.details
    assert [h.status for h in r.history.all()] == ["submitted", "accepted"]


def test_without_a_school_calendar_the_follow_up_is_14_calendar_days_and_says_so(world):
    r = services.referral_accept(actor=world.user("ppw"), referral=refer(world), case_type="attendance",
                                 today=D(2025, 11, 20))
    task = Task.objects.get(case=r.case)
    assert task.due_on == D(2025, 12, 4)
    assert "no school calendar" in task.details and "14 calendar days" in task.details


def test_accept_into_an_open_case_of_the_student(world):
    case = f.case(student=world.student_a, case_type="attendance", owner=world.user("ppw"))
    r = services.referral_accept(actor=world.user("ppw"), referral=refer(world), case=case, today=D(2025, 11, 20))
    assert r.case == case and Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.REFERRAL).count() == 1


def test_accept_refuses_another_students_case_and_a_closed_one(world):
    other = f.case(student=world.student_b, case_type="attendance")
    r = refer(world)
    with pytest.raises(ValidationError, match="another student"):
        services.referral_accept(actor=world.user("director"), referral=r, case=other)
    with pytest.raises(ValidationError, match="type of case"):
        services.referral_accept(actor=world.user("director"), referral=r, case_type="gossip")
    assert Referral.objects.get(pk=r.pk).status == "submitted"


# --- return, forward, withdraw ---------------------------------------------------------------------------


def test_return_needs_a_reason_the_referrer_reads(world):
    r = refer(world)
    with pytest.raises(ValidationError):
        services.referral_return(actor=world.user("ppw"), referral=r, reason="  ")
    r = services.referral_return(actor=world.user("ppw"), referral=r, reason="Please hold an SST meeting first.")
    assert r.status == "returned"
    assert r.history.last().note == "Please hold an SST meeting first."


def test_forward_to_someone_who_triages_the_student(world):
    r = refer(world)
    r = services.referral_forward(actor=world.user("ppw"), referral=r, to_user=world.user("supervisor"),
                                  note="Homeless liaison should see this.")
    assert (r.status, r.forwarded_to) == ("forwarded", world.user("supervisor"))
    assert r.history.last().note == "Homeless liaison should see this."


def test_forward_refuses_someone_without_triage_on_the_student_and_oneself(world):
    ppw_b = f.user(username="t-ppw-b", role="ppw", schools=[world.school_b])
    r = refer(world)
    with pytest.raises(ValidationError, match="does not triage"):
        services.referral_forward(actor=world.user("ppw"), referral=r, to_user=ppw_b)
    with pytest.raises(ValidationError, match="does not triage"):
        services.referral_forward(actor=world.user("ppw"), referral=r, to_user=world.user("school_admin"))
    with pytest.raises(ValidationError, match="already with you"):
        services.referral_forward(actor=world.user("ppw"), referral=r, to_user=world.user("ppw"))


def test_a_forwarded_referral_can_still_be_accepted(world):
    r = services.referral_forward(actor=world.user("ppw"), referral=refer(world), to_user=world.user("supervisor"))
    r = services.referral_accept(actor=world.user("supervisor"), referral=r, case_type="attendance",
                                 owner=world.user("ppw"), today=D(2025, 11, 20))
    assert r.status == "accepted" and r.case.owner == world.user("ppw")
    assert [h.status for h in r.history.all()] == ["submitted", "forwarded", "accepted"]


def test_withdraw_only_by_the_referrer(world):
    r = refer(world)
    with pytest.raises(ValidationError, match="Only the person"):
        services.referral_withdraw(actor=world.user("school_admin"), referral=r)
    r = services.referral_withdraw(actor=world.user("school_staff"), referral=r, reason="Family moved.")
    assert r.status == "withdrawn"


@pytest.mark.parametrize("close", ["accept", "return", "withdraw"])
def test_a_closed_referral_cannot_change_again(world, close):
    r = refer(world)
    ppw = world.user("ppw")
    if close == "accept":
        services.referral_accept(actor=ppw, referral=r, case_type="attendance", today=D(2025, 11, 20))
    elif close == "return":
        services.referral_return(actor=ppw, referral=r, reason="Not PPS work.")
    else:
        services.referral_withdraw(actor=world.user("school_staff"), referral=r)
    attempts = [
        lambda: services.referral_accept(actor=ppw, referral=r, case_type="attendance"),
        lambda: services.referral_return(actor=ppw, referral=r, reason="x"),
        lambda: services.referral_forward(actor=ppw, referral=r, to_user=world.user("supervisor")),
        lambda: services.referral_withdraw(actor=world.user("school_staff"), referral=r),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="can no longer change"):
            attempt()
    assert Referral.objects.get(pk=r.pk).history.count() == 2
    assert Case.objects.count() == (1 if close == "accept" else 0)


def test_a_decision_on_a_stale_copy_is_refused(world):
    r = refer(world)
    stale_version = r.version
    services.referral_forward(actor=world.user("ppw"), referral=r, to_user=world.user("supervisor"))
    with pytest.raises(ConflictError):
        services.referral_return(actor=world.user("ppw"), referral=r, reason="No", expected_version=stale_version)
    assert Referral.objects.get(pk=r.pk).status == "forwarded"


# --- bulk ------------------------------------------------------------------------------------------------


def test_bulk_refers_each_student_once(world):
    second = f.student(school=world.school_a)
    made = services.referral_bulk_create(
        actor=world.user("school_admin"), school=world.school_a, student_ids=[world.student_a.pk, second.pk,
                                                                              second.pk],
        reasons=["attendance"], details="Chronically absent", already_tried="Letters home")
    assert sorted(r.student_id for r in made) == sorted([world.student_a.pk, second.pk])
    assert {r.referred_by for r in made} == {world.user("school_admin")}


def test_bulk_is_all_or_nothing(world):
    with pytest.raises(ValidationError) as exc:
        services.referral_bulk_create(
            actor=world.user("school_admin"), school=world.school_a,
            student_ids=[world.student_a.pk, world.student_b.pk, 999999],
            reasons=["attendance"], details="Chronically absent", already_tried="Letters home")
    message = exc.value.messages[0]
    assert "2 of the 3 selected students" in message and "Nothing was sent" in message
    assert str(world.student_b.pk) in message and "999999" in message
    assert not Referral.objects.exists()


def test_bulk_is_refused_without_referral_bulk_or_at_another_school(world):
    with pytest.raises(ValidationError, match="administrators"):
        services.referral_bulk_create(actor=world.user("school_staff"), school=world.school_a,
                                      student_ids=[world.student_a.pk], reasons=["attendance"], details="x",
                                      already_tried="y")
    with pytest.raises(ValidationError, match="own schools"):
        services.referral_bulk_create(actor=world.user("school_admin"), school=world.school_b,
                                      student_ids=[world.student_b.pk], reasons=["attendance"], details="x",
                                      already_tried="y")
    assert not Referral.objects.exists()


# --- who sees what ---------------------------------------------------------------------------------------


def test_triage_queue_is_urgent_first_then_oldest_and_stays_in_the_ppws_schools(world):
    routine_old = refer(world, urgency="routine")
    urgent = refer(world, urgency="urgent")
    soon = refer(world, urgency="soon")
    routine_new = refer(world, urgency="routine")
    refer(world, who="director", student=world.student_b, school=world.school_b)  # not the PPW's school
    decided = refer(world)
    services.referral_return(actor=world.user("ppw"), referral=decided, reason="Not ours")
    assert list(triage_queue(world.user("ppw"))) == [urgent, soon, routine_old, routine_new]
    assert triage_queue(world.user("school_admin")).count() == 0  # principals refer, they do not triage


def test_a_forwarded_referral_waits_with_the_person_it_was_sent_to(world):
    r = services.referral_forward(actor=world.user("ppw"), referral=refer(world), to_user=world.user("supervisor"))
    assert list(triage_queue(world.user("supervisor"))) == [r]
    assert list(triage_queue(world.user("ppw"))) == []


def test_a_teacher_sees_only_their_own_referrals(world):
    other_teacher = f.user(username="t-teacher2", role="school_staff", schools=[world.school_a])
    mine = refer(world)
    theirs = refer(world, actor=other_teacher)
    principal = refer(world, who="school_admin")
    assert list(Referral.objects.for_user(world.user("school_staff"), "referral.view")) == [mine]
    assert list(Referral.objects.for_user(other_teacher, "referral.view")) == [theirs]
    assert set(Referral.objects.for_user(world.user("school_admin"), "referral.view")) == {mine, theirs, principal}
    assert not Referral.objects.for_user(world.user("data_steward"), "referral.view").exists()


def test_a_teacher_keeps_seeing_a_referral_after_the_student_left(world):
    r = refer(world)
    enrollment = world.student_a.enrollments.get()
    from casework.students.services import enrollment_exit

    enrollment_exit(actor=None, enrollment=enrollment, exit_date=datetime.date.today() - datetime.timedelta(days=3))
    assert list(Referral.objects.for_user(world.user("school_staff"), "referral.view")) == [r]
    assert not Referral.objects.for_user(world.user("school_admin"), "referral.view").exists()
