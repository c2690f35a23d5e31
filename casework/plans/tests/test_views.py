import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.audit.models import AccessLog
from casework.core.testing import factories as f
from casework.plans.models import Intervention, Plan, PlanRevision, ProgressPoint
from casework.plans.services import plan_revise, progress_record
from casework.tasks.models import Task

from .helpers import START, make_plan

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))


def login(client, world, role="ppw"):
    client.force_login(world.user(role))
    return client


def _api_rows(response):
    assert response.status_code == 200
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def _management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "15"}


def new_plan_data(world, **extra):
    cico = Intervention.objects.get(name="Check-in/check-out")
    data = {"title": "Attendance plan", "owner": str(world.user("ppw").pk), "start_on": "2025-10-06",
            "review_on": "2025-11-17",
            **_management("goals", 2), "goals-0-metric": "attendance_rate", "goals-0-comparator": "at_least",
            "goals-0-target": "90", "goals-0-weeks": "4",
            # an untouched blank row (its defaults as rendered): skipped
            "goals-1-metric": "attendance_rate", "goals-1-comparator": "at_least", "goals-1-weeks": "4",
            **_management("interventions", 2), "interventions-0-intervention": str(cico.pk),
            "interventions-0-frequency": "daily", "interventions-0-responsible": "Counselor"}
    return data | extra


def test_case_tab_lists_plans_with_goal_status(client, world, case):
    make_plan(case=case)
    response = login(client, world).get(reverse("plans:case_plans", kwargs={"case_pk": case.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Attendance rate at least 90% for 4 consecutive weeks" in body
    assert "No progress data yet" in body
    assert 'aria-current="page">Plans</a>' in body
    assert AccessLog.objects.filter(student=world.student_a, detail="case plans").exists()


def test_create_plan_through_the_form(client, world, case):
    response = login(client, world).post(reverse("plans:create", kwargs={"case_pk": case.pk}), new_plan_data(world))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", kwargs={"pk": plan.pk})
    assert [g.text for g in plan.goals.all()] == ["Attendance rate at least 90% for 4 consecutive weeks"]
    pi = plan.interventions.get()
    assert (pi.intervention.name, pi.tier, pi.start_on, pi.frequency) == ("Check-in/check-out", 2, START, "daily")
    assert Task.objects.get(automatic="plan_review").due_on == D(2025, 11, 17)


def test_create_plan_with_bad_input_keeps_what_was_typed(client, world, case):
    data = new_plan_data(world, **{"review_on": "2025-10-01", "goals-0-target": "120"})
    response = login(client, world).post(reverse("plans:create", kwargs={"case_pk": case.pk}), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "The review date must be on or after the start date." in body
    assert "percentage from 0 to 100" in body
    assert 'value="Attendance plan"' in body
    assert not Plan.objects.exists()


def test_create_plan_without_a_goal_is_refused(client, world, case):
    data = new_plan_data(world)
    del data["goals-0-target"]
    data["goals-0-weeks"] = "4"
    data["goals-0-metric"] = "attendance_rate"
    response = login(client, world).post(reverse("plans:create", kwargs={"case_pk": case.pk}), data)
    assert response.status_code == 400
    assert "at least one measurable goal" in response.content.decode()


def _edit_data(plan, **extra):
    goal = plan.goals.get()
    pi = plan.interventions.get()
    return {"title": plan.title, "owner": str(plan.owner_id), "start_on": plan.start_on.isoformat(),
            "review_on": "2025-12-01", "status": "active", "version": str(plan.version),
            "reason": "Review: add a second week of data", **_management("goals", 1, 1),
            "goals-0-id": str(goal.pk), "goals-0-metric": goal.metric, "goals-0-comparator": goal.comparator,
            "goals-0-target": "92", "goals-0-weeks": "4", **_management("interventions", 1, 1),
            "interventions-0-id": str(pi.pk), "interventions-0-intervention": str(pi.intervention_id),
            "interventions-0-frequency": pi.frequency, "interventions-0-responsible": pi.responsible,
            "interventions-0-start_on": pi.start_on.isoformat()} | extra


def test_revise_through_the_form(client, world, case):
    plan = make_plan(case=case)
    response = login(client, world).post(reverse("plans:edit", kwargs={"pk": plan.pk}), _edit_data(plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.revision, plan.review_on) == (2, D(2025, 12, 1))
    rev = PlanRevision.objects.get()
    assert rev.reason == "Review: add a second week of data"
    assert rev.snapshot["goals"][0]["target"] == "90"
    assert plan.review_task.due_on == D(2025, 12, 1)


def test_revise_from_a_stale_form_keeps_the_input_and_overwrites_nothing(client, world, case):
    plan = make_plan(case=case)
    stale = _edit_data(plan, reason="My change", title="My title")
    plan_revise(actor=world.user("supervisor"), plan=plan, reason="Someone else's", title="Their title")
    response = login(client, world).post(reverse("plans:edit", kwargs={"pk": plan.pk}), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed by someone else since you opened it" in body
    assert 'value="My title"' in body and "My change" in body  # nothing typed is lost
    plan.refresh_from_db()
    assert (plan.title, plan.revision) == ("Their title", 2)
    assert f'name="version" value="{plan.version}"' in body  # saving again, having looked, applies it


def test_detail_shows_chart_with_goal_line_and_revision_marker(client, world, case):
    plan = make_plan(case=case)
    goal = plan.goals.get()
    for week, value in ((D(2025, 10, 6), "80"), (D(2025, 10, 13), "95")):
        progress_record(actor=None, plan=plan, goal=goal, week_of=week, value=Decimal(value))
    plan_revise(actor=None, plan=plan, reason="Add mentoring", title="Attendance plan v2",
                effective_on=D(2025, 10, 20))
    response = login(client, world).get(reverse("plans:detail", kwargs={"pk": plan.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<svg class="chart" id="goal-{goal.pk}-chart" role="img"' in body
    assert '<line class="goal"' in body and ">Goal 90%</text>" in body
    assert body.count('<line class="marker"') == 2 * 2  # in the desktop and the phone drawing
    assert f'<svg class="chart chart-narrow" id="goal-{goal.pk}-chart-narrow"' in body
    assert ">Rev 2</text>" in body and ">Start</text>" in body
    assert "<title>Attendance rate by week (%)</title>" in body
    assert "Not met yet: 1 of 4 consecutive weeks" in body
    assert "<td>10/13/2025</td><td class=\"num\">95%</td><td>yes</td>" in body  # the table fallback
    assert "Rev 2</strong>, effective 10/20/2025" in body


def test_enter_a_value_by_hand(client, world, case):
    plan = make_plan(case=case)
    goal = plan.goals.get()
    url = reverse("plans:progress", kwargs={"pk": plan.pk})
    response = login(client, world).post(url, {"goal": goal.pk, "week_of": "2025-10-08", "value": "85", "note": ""})
    assert response.status_code == 302
    assert ProgressPoint.objects.get().week_of == D(2025, 10, 6)
    bad = client.post(url, {"goal": goal.pk, "week_of": "2025-09-29", "value": "85", "note": "typed"})
    assert bad.status_code == 400
    assert "The plan started on 10/06/2025" in bad.content.decode()
    assert 'value="typed"' in bad.content.decode()


def test_a_second_value_for_the_week_is_shown_before_it_replaces(client, world, case):
    """Entering the week of 10/06 again: 400, the value already there is shown and nothing changes; the
    page carries that value's id and version, so saving the same form again replaces it."""
    plan = make_plan(case=case)
    goal = plan.goals.get()
    first = progress_record(actor=world.user("ppw"), plan=plan, goal=goal, week_of=D(2025, 10, 6),
                            value=Decimal("85"))
    url = reverse("plans:progress", kwargs={"pk": plan.pk})
    data = {"goal": goal.pk, "week_of": "2025-10-07", "value": "70", "note": "my count"}
    shown = login(client, world).post(url, data)
    page = shown.content.decode()
    assert shown.status_code == 400
    assert "already has 85 entered by hand. Nothing was saved" in page
    assert f'name="replaces" value="{first.pk}.1"' in page and 'value="my count"' in page
    assert ProgressPoint.objects.get().value == Decimal("85")
    replaced = client.post(url, data | {"replaces": f"{first.pk}.1"})
    assert replaced.status_code == 302
    assert [(p.value, p.note, p.version) for p in ProgressPoint.objects.all()] == [(Decimal("70"), "my count", 2)]
    stale = client.post(url, data | {"value": "60", "replaces": f"{first.pk}.1"})
    assert stale.status_code == 400 and "changed by someone else since you opened it" in stale.content.decode()
    assert ProgressPoint.objects.get().value == Decimal("70")


def test_plan_dates_outside_the_case_school_years_are_refused(client, world, case):
    """Today is real, so the bounds are computed here: a 9999 review date is refused by the form, and by
    the service behind it, with nothing saved."""
    from casework.plans.dates import plan_date_bounds
    from casework.plans.forms import PlanForm

    _, latest = plan_date_bounds(case)
    with pytest.raises(ValidationError) as exc:
        make_plan(case=case, review_on=D(9999, 12, 31))
    assert exc.value.message_dict["review_on"] == [
        f"That is after the end of next school year ({latest:%m/%d/%Y}); check the year."]
    with pytest.raises(ValidationError) as exc:
        make_plan(case=case, review_on=latest + datetime.timedelta(days=1))
    assert "review_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_plan(case=case, start_on=D(1999, 9, 1))
    assert "start_on" in exc.value.message_dict
    assert not Plan.objects.exists()
    ppw = world.user("ppw")
    form = PlanForm({"title": "Plan", "owner": ppw.pk, "start_on": "2025-10-06", "review_on": "9999-12-31"},
                    people={ppw.pk: ppw}, case=case)
    assert not form.is_valid()
    assert form.errors["review_on"] == [
        f"That is after the end of next school year ({latest:%m/%d/%Y}); check the year."]


def test_pull_button(client, world, case):
    f.session(school=world.school_a)
    plan = make_plan(case=case)
    response = login(client, world).post(reverse("plans:pull", kwargs={"pk": plan.pk}), follow=True)
    assert response.status_code == 200
    assert "week(s) from the attendance record" in response.content.decode()
    assert ProgressPoint.objects.filter(source="indicators").exists()


def test_pull_without_a_calendar_shows_a_message(client, world):
    plan = make_plan(case=f.case(student=world.student_b, opened_on=D(2025, 9, 15)))
    response = login(client, world, "director").post(reverse("plans:pull", kwargs={"pk": plan.pk}), follow=True)
    assert response.status_code == 200
    assert "No calendar for school(s) B200" in response.content.decode()


def test_out_of_scope_plan_is_404(client, world):
    plan = make_plan(case=f.case(student=world.student_b, opened_on=D(2025, 9, 15)))
    client = login(client, world)
    for name in ("plans:detail", "plans:edit"):
        assert client.get(reverse(name, kwargs={"pk": plan.pk})).status_code == 404
    assert client.post(reverse("plans:pull", kwargs={"pk": plan.pk})).status_code == 404
    assert client.get(reverse("api:plan-detail", kwargs={"pk": plan.pk})).status_code == 404


def test_sensitive_case_plan_is_hidden_from_a_supervisor_not_named_on_it(client, world):
    crisis = f.case(student=world.student_a, case_type="crisis", owner=world.user("ppw"), opened_on=D(2025, 9, 15))
    plan = make_plan(case=crisis)
    url = reverse("plans:detail", kwargs={"pk": plan.pk})
    assert login(client, world, "supervisor").get(url).status_code == 404
    assert client.get(reverse("plans:case_plans", kwargs={"case_pk": crisis.pk})).status_code == 404
    assert _api_rows(client.get(reverse("api:plan-list"))) == []
    assert login(client, world, "ppw").get(url).status_code == 200
    assert login(client, world, "director").get(url).status_code == 200


def test_api_lists_plans_with_goals_interventions_and_points(client, world, case):
    plan = make_plan(case=case)
    progress_record(actor=None, plan=plan, goal=plan.goals.get(), week_of=START, value=Decimal("95"))
    data = login(client, world).get(reverse("api:plan-detail", kwargs={"pk": plan.pk})).json()
    assert data["case_number"] == case.number and data["revision"] == 1
    assert data["goals"][0]["text"] == "Attendance rate at least 90% for 4 consecutive weeks"
    assert data["goals"][0]["points"][0]["week_of"] == "2025-10-06"
    assert (data["goals"][0]["met"], data["goals"][0]["streak"]) == (False, 1)
    assert data["interventions"][0]["name"] == "Check-in/check-out"
    rows = _api_rows(client.get(reverse("api:plan-list"), {"case": case.pk}))
    assert [r["id"] for r in rows] == [plan.pk]


def test_library_add_edit_and_conflict(client, world):
    client = login(client, world, "director")
    url = reverse("plans:interventions")
    assert "Check-in/check-out" in client.get(url).content.decode()
    response = client.post(url, {"name": "Lunch bunch", "tier": "1", "description": "", "active": "on"})
    assert response.status_code == 302
    item = Intervention.objects.get(name="Lunch bunch")
    dup = client.post(url, {"name": "lunch BUNCH", "tier": "1"})
    assert dup.status_code == 400 and "already has an intervention" in dup.content.decode()
    edit = reverse("plans:intervention_edit", kwargs={"pk": item.pk})
    assert client.post(edit, {"name": "Lunch bunch", "tier": "2", "version": "1"}).status_code == 302
    item.refresh_from_db()
    assert (item.tier, item.active, item.version) == (2, False, 2)  # the unticked box retires it
    stale = client.post(edit, {"name": "Lunch group", "tier": "3", "version": "1", "active": "on"})
    assert stale.status_code == 409
    assert "changed by someone else since you opened it" in stale.content.decode()
    assert 'value="Lunch group"' in stale.content.decode()
    item.refresh_from_db()
    assert item.name == "Lunch bunch"


def test_retired_interventions_are_not_offered_on_new_plans(client, world, case):
    wake = Intervention.objects.get(name="Wake-up call")
    from casework.plans.services import intervention_update

    intervention_update(actor=None, intervention=wake, active=False)
    body = login(client, world).get(reverse("plans:create", kwargs={"case_pk": case.pk})).content.decode()
    assert "Wake-up call" not in body and "Mentoring" in body
