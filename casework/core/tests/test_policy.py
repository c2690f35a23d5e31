"""The permission choke point: unknown actions fail loudly, dated role assignments, school scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from casework.accounts.models import RoleAssignment, User
from casework.accounts.services import role_assign
from casework.core import policy
from casework.core.services import update_audited
from casework.core.testing import factories as f
from casework.core.views import PolicyView, requires
from casework.students import services as st
from casework.students.models import Enrollment, Guardian, Household, Student, StudentGuardian

TODAY = datetime.date.today
DAY = datetime.timedelta(days=1)


def fresh(user) -> User:
    """A new instance: grants are cached on the user object for one request."""
    return User.objects.get(pk=user.pk)


def visible(user, model=Student, action="student.view") -> set[int]:
    return set(model.objects.for_user(fresh(user), action).values_list("pk", flat=True))


# --- unknown actions ----------------------------------------------------------------------------------


def test_unknown_action_raises_everywhere(world):
    user = world.user("director")
    with pytest.raises(ImproperlyConfigured, match="No permission rule for action 'student.delete_everything'"):
        Student.objects.for_user(user, "student.delete_everything")
    with pytest.raises(ImproperlyConfigured):
        policy.has_action(user, "nope")
    with pytest.raises(ImproperlyConfigured):
        policy.can(user, "nope", world.student_a)
    with pytest.raises(ImproperlyConfigured):
        policy.school_ids_for(user, "nope")


def test_unknown_action_fails_when_the_view_is_defined():
    with pytest.raises(ImproperlyConfigured):
        requires("student.teleport")
    with pytest.raises(ImproperlyConfigured):
        type("Broken", (PolicyView,), {"action": "student.teleport"})


def test_anonymous_and_roleless_users_get_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert policy.grants(AnonymousUser()) == {}
    assert policy.grants(None) == {}
    assert visible(world.user("none")) == set()
    assert Student.objects.for_user(AnonymousUser(), "student.view").count() == 0


# --- role matrix --------------------------------------------------------------------------------------


def test_scope_per_role(world):
    a, b = world.student_a.pk, world.student_b.pk
    expected = {
        "director": {a, b}, "supervisor": {a, b}, "ppw": {a}, "school_admin": {a}, "school_staff": set(),
        "data_steward": {a, b}, "auditor": set(), "none": set(),
    }
    assert {role: visible(world.user(role)) for role in expected} == expected


def test_can_checks_one_object(world):
    ppw = fresh(world.user("ppw"))
    assert policy.can(ppw, "student.view", world.student_a)
    assert not policy.can(ppw, "student.view", world.student_b)
    assert policy.can(ppw, "student.view")  # capability: some rows
    assert not policy.can(ppw, "audit.access.view")


def test_related_records_follow_the_student_scope(world):
    ppw = world.user("ppw")
    guardian_a = Guardian.objects.get(student_links__student=world.student_a)
    guardian_b = f.guardian(student=world.student_b, first_name="Out", last_name="Ofscope")
    assert visible(ppw, Guardian) == {guardian_a.pk}
    assert guardian_b.pk not in visible(ppw, Guardian)
    assert visible(ppw, StudentGuardian) == set(
        StudentGuardian.objects.filter(student=world.student_a).values_list("pk", flat=True))
    assert visible(ppw, Enrollment) == set(
        Enrollment.objects.filter(student=world.student_a).values_list("pk", flat=True))
    h_a, h_b = st.household_create(actor=None), st.household_create(actor=None)
    st.student_update(actor=None, student=world.student_a, household=h_a)
    st.student_update(actor=None, student=world.student_b, household=h_b)
    assert visible(ppw, Household) == {h_a.pk}


# --- dated role assignments ---------------------------------------------------------------------------


def _date_role(user, **dates):
    ra = RoleAssignment.objects.get(user=user)
    update_audited(ra, actor=None, **dates)


def test_role_ended_yesterday_grants_nothing(world):
    ppw = world.user("ppw")
    _date_role(ppw, end_date=TODAY() - DAY)
    assert policy.grants(fresh(ppw)) == {}
    assert visible(ppw) == set()


def test_role_ending_today_still_grants(world):
    ppw = world.user("ppw")
    _date_role(ppw, end_date=TODAY())
    assert policy.grants(fresh(ppw)) == {"ppw": {world.school_a.pk}}
    assert visible(ppw) == {world.student_a.pk}


def test_role_starting_tomorrow_grants_nothing_yet(world):
    director = world.user("director")
    _date_role(director, start_date=TODAY() + DAY)
    assert visible(director) == set()
    _date_role(director, start_date=TODAY())
    assert visible(director) == {world.student_a.pk, world.student_b.pk}


def test_inactive_user_gets_nothing(world):
    director = world.user("director")
    User.objects.filter(pk=director.pk).update(is_active=False)
    assert policy.grants(fresh(director)) == {}
    assert visible(director) == set()


def test_district_wide_ppw_sees_every_school(world):
    floater = f.user(username="floater")
    RoleAssignment.objects.create(user=floater, role="ppw", school=None)
    assert visible(floater) == {world.student_a.pk, world.student_b.pk}


def test_ppw_of_two_schools_sees_both(world):
    ppw = world.user("ppw")
    from casework.accounts.services import role_assign

    role_assign(actor=None, user=ppw, role="ppw", schools=[world.school_b])
    assert policy.grants(fresh(ppw)) == {"ppw": {world.school_a.pk, world.school_b.pk}}
    assert visible(ppw) == {world.student_a.pk, world.student_b.pk}


# --- recent exits -------------------------------------------------------------------------------------


@pytest.fixture
def leavers(world, settings):
    settings.SCOPE_RECENT_EXIT_DAYS = 30
    entry = datetime.date(2023, 8, 28)
    return {
        "long_gone": f.student(school=world.school_a, entry_date=entry, exit_date=TODAY() - 31 * DAY),
        "edge": f.student(school=world.school_a, entry_date=entry, exit_date=TODAY() - 30 * DAY),
        "recent": f.student(school=world.school_a, entry_date=entry, exit_date=TODAY() - DAY),
        "future_exit": f.student(school=world.school_a, entry_date=entry, exit_date=TODAY() + 10 * DAY),
    }


def test_ppw_loses_scope_after_the_recent_exit_period(world, leavers):
    seen = visible(world.user("ppw"))
    assert leavers["long_gone"].pk not in seen
    assert {leavers["edge"].pk, leavers["recent"].pk, leavers["future_exit"].pk} <= seen
    assert seen == {world.student_a.pk, leavers["edge"].pk, leavers["recent"].pk, leavers["future_exit"].pk}


def test_long_gone_student_is_404_for_the_ppw_but_not_the_director(world, leavers, client):
    client.force_login(world.user("ppw"))
    assert client.get(f"/students/{leavers['long_gone'].pk}/").status_code == 404
    assert client.get(f"/students/{leavers['recent'].pk}/").status_code == 200
    client.force_login(world.user("director"))
    assert client.get(f"/students/{leavers['long_gone'].pk}/").status_code == 200


def test_student_who_moved_schools_follows_the_new_school(world, settings):
    settings.SCOPE_RECENT_EXIT_DAYS = 30
    mover = f.student(school=world.school_b, entry_date=datetime.date(2023, 8, 28), exit_date=TODAY() - 60 * DAY)
    f.enrollment(student=mover, school=world.school_a, entry_date=TODAY() - 59 * DAY)
    assert mover.pk in visible(world.user("ppw"))  # now at school A
    other_ppw = f.user(username="ppw-b", role="ppw", schools=[world.school_b])
    assert mover.pk not in visible(other_ppw)  # left school B 60 days ago


def test_school_staff_see_current_students_only_while_the_ppw_keeps_recent_leavers(world, leavers):
    """A family that moved away must not stay visible to the old school; the PPW keeps the case."""
    principal = visible(world.user("school_admin"))
    assert principal == {world.student_a.pk, leavers["future_exit"].pk}
    assert leavers["recent"].pk in visible(world.user("ppw"))
    # Someone who is both keeps the wider PPW scope for the PPW's schools.
    both = f.user(username="ppw-and-principal", role="ppw", schools=[world.school_a])
    role_assign(actor=None, user=both, role="school_admin", schools=[world.school_b])
    assert visible(both) == visible(world.user("ppw")) | {world.student_b.pk}


def test_principal_gets_404_for_a_student_who_left_and_their_new_address_stays_hidden(world, leavers, client):
    client.force_login(world.user("school_admin"))
    assert client.get(f"/students/{leavers['recent'].pk}/").status_code == 404
    assert client.get(f"/students/{world.student_a.pk}/").status_code == 200


# --- sensitive cases and the OWN scope ------------------------------------------------------------------


def test_sensitive_case_reaches_only_the_people_named_on_it_and_the_director(world):
    from casework.cases.models import Case, CaseEvent, CaseWorker
    from casework.cases.timeline import timeline_record
    from casework.tasks.models import Task
    from casework.tasks.services import task_create

    ppw, other_ppw = world.user("ppw"), f.user(role="ppw", schools=[world.school_a])
    welfare = f.case(student=world.student_a, case_type="child_welfare", owner=ppw)
    attendance = f.case(student=world.student_a, case_type="attendance", owner=ppw)
    timeline_record(case=welfare, kind="note", summary="Report made to CPS")
    task_create(actor=None, case=welfare, title="Call the CPS worker", due_on=datetime.date(2025, 10, 1))

    def sees(user, model=Case, action="case.work"):
        return set(model.objects.for_user(user, action).values_list(
            "pk" if model is Case else "case_id", flat=True))

    assert sees(ppw) == {welfare.pk, attendance.pk}  # the owner
    assert sees(world.user("director")) == {welfare.pk, attendance.pk}
    # Same school, same role, not named: the ordinary case only, and none of the sensitive case's rows.
    assert sees(other_ppw) == {attendance.pk}
    assert sees(world.user("supervisor")) == {attendance.pk}
    assert sees(world.user("supervisor"), CaseEvent) == {attendance.pk}
    assert sees(other_ppw, Task) == set()
    # Its existence is hidden from the school's principal too (case.view is the case header).
    assert sees(world.user("school_admin"), action="case.view") == {attendance.pk}
    # Named as a co-worker: the case and its rows appear.
    CaseWorker.objects.create(case=welfare, user=other_ppw)
    assert sees(other_ppw) == {welfare.pk, attendance.pk}
    assert sees(other_ppw, Task) == {welfare.pk}
    assert policy.can(other_ppw, "case.work", welfare)
    assert not policy.can(world.user("supervisor"), "case.work", welfare)


def test_own_scope_needs_a_made_by_queryset(world):
    """An OWN rule on a model that cannot say whose rows are whose is a configuration error, not 'all rows'."""
    policy.MATRIX["test.own"] = {"school_staff": policy.OWN}
    try:
        with pytest.raises(ImproperlyConfigured, match="made_by"):
            policy.for_user(Student.objects.all(), world.user("school_staff"), "test.own")
        assert not policy.for_user(Student.objects.all(), world.user("ppw"), "test.own").exists()
    finally:
        del policy.MATRIX["test.own"]
