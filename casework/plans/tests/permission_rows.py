"""Who may open the plan pages, the intervention library and the plan API (merged into
tests/test_permission_matrix.py)."""

import datetime

from casework.core.testing.permissions import Rule, case_in, lazy

#                  director supervisor ppw school_admin school_staff data_steward auditor none anonymous
WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)
POST_ONLY = (405, 405, 405, 404, 404, 404, 404, 404, 302)
LEADERS = (200, 200, 404, 404, 404, 404, 404, 404, 302)
API_WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 401)
API_WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 401)


def plan_in(objs, school: str = "a"):
    from casework.plans.models import Intervention
    from casework.plans.services import GoalSpec, InterventionSpec, plan_create

    def make():
        start = datetime.date(2025, 10, 6)
        return plan_create(actor=None, case=case_in(objs, school), title="Attendance plan", start_on=start,
                           review_on=datetime.date(2025, 11, 17), goals=[GoalSpec(metric="attendance_rate", target=90)],
                           interventions=[InterventionSpec(intervention=Intervention.objects.get(name="Mentoring"),
                                                           start_on=start)])

    return lazy(objs, f"plan_{school}", make)


def _plan(school):
    return lambda o: {"pk": plan_in(o, school).pk}


def _answer(school):
    """The family's-answer form of the plan's one service (Mentoring)."""
    return lambda o: {"pk": plan_in(o, school).pk, "item_pk": plan_in(o, school).interventions.get().pk}


def _case(school):
    return lambda o: {"case_pk": case_in(o, school).pk}


def _intervention(o):
    from casework.plans.models import Intervention

    return {"pk": lazy(o, "intervention", lambda: Intervention.objects.get(name="Wake-up call")).pk}


ROWS = {
    **{name: Rule(get=WORKERS, kwargs=_case("a"), get_out=WORKERS_OUT, kwargs_out=_case("b"))
       for name in ("plans:case_plans", "plans:create")},
    **{name: Rule(get=WORKERS, kwargs=_plan("a"), get_out=WORKERS_OUT, kwargs_out=_plan("b"))
       for name in ("plans:detail", "plans:edit")},
    # Entering a value and pulling from attendance are POSTs: a GET answers 405 to those who work cases.
    **{name: Rule(get=POST_ONLY, kwargs=_plan("a"), get_out=POST_ONLY, kwargs_out=_plan("b"))
       for name in ("plans:progress", "plans:pull")},
    # Recording the family's answer to a service is a POST too (another school's PPW: tests/test_views.py).
    "plans:answer": Rule(get=POST_ONLY, kwargs=_answer("a"), get_out=POST_ONLY, kwargs_out=_answer("b")),
    # The library is district configuration: the PPS office keeps it (no school scope, so "out" is the same).
    "plans:interventions": Rule(get=LEADERS),
    "plans:intervention_edit": Rule(get=LEADERS, kwargs=_intervention, get_out=LEADERS, kwargs_out=_intervention),
    "api:plan-list": Rule(api=True, get=API_WORKERS),
    "api:plan-detail": Rule(api=True, get=API_WORKERS, kwargs=_plan("a"), get_out=API_WORKERS_OUT,
                            kwargs_out=_plan("b")),
}
