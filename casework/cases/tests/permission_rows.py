"""Who may open the case pages and endpoints (merged into tests/test_permission_matrix.py)."""

from __future__ import annotations

from casework.core.testing.permissions import Rule, case_in, lazy

#            director supervisor ppw school_admin school_staff data_steward auditor none anonymous
WORK = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORK_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)
POST_ONLY = (405, 405, 405, 404, 404, 404, 404, 404, 302)  # a GET of a form's target, by those allowed
LEADERS = (200, 200, 404, 404, 404, 404, 404, 404, 302)
VIEW_API = (200, 200, 200, 200, 404, 200, 404, 404, 401)
VIEW_API_OUT = (200, 200, 404, 404, 404, 200, 404, 404, 401)
WORK_API = (200, 200, 200, 404, 404, 404, 404, 404, 401)
WORK_API_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 401)


def _case(school: str):
    return lambda o: {"case_pk": case_in(o, school).pk}


def _closure(o: dict, school: str):
    from casework.cases.models import ClosureRequest

    case = case_in(o, school)
    return lazy(o, f"closure_{school}", lambda: ClosureRequest.objects.create(
        case=case, reason="Attendance restored", requested_on=case.opened_on))


def _event(o: dict, school: str):
    return case_in(o, school).events.first()


ROWS = {
    "cases:list": Rule(get=WORK),
    "cases:detail": Rule(kwargs=_case("a"), get=WORK, kwargs_out=_case("b"), get_out=WORK_OUT),
    **{name: Rule(kwargs=_case("a"), get=POST_ONLY, kwargs_out=_case("b"), get_out=POST_ONLY)
       for name in ("cases:status", "cases:workers", "cases:links")},
    # Transfers are the PPS office's (director, supervisors), in every school.
    "cases:assign": Rule(kwargs=_case("a"), get=LEADERS, kwargs_out=_case("b"), get_out=LEADERS),
    "cases:open": Rule(kwargs=lambda o: {"student_pk": o["student_a"].pk}, get=WORK,
                       kwargs_out=lambda o: {"student_pk": o["student_b"].pk}, get_out=WORK_OUT),
    # A POST without the form's fields is a form error.
    "cases:reassign": Rule(get=LEADERS, post=(400, 400, 404, 404, 404, 404, 404, 404, 302)),
    "cases:approvals": Rule(get=LEADERS),
    "cases:approval_decide": Rule(kwargs=lambda o: {"pk": _closure(o, "a").pk},
                                  get=(405, 405, 404, 404, 404, 404, 404, 404, 302),
                                  kwargs_out=lambda o: {"pk": _closure(o, "b").pk},
                                  get_out=(405, 405, 404, 404, 404, 404, 404, 404, 302)),
    # Which case types need closure approval: the director's setting. A POST that ticks nothing saves.
    "cases:settings": Rule(get=(200, 404, 404, 404, 404, 404, 404, 404, 302),
                           post=(302, 404, 404, 404, 404, 404, 404, 404, 302)),
    # --- API. Principals and the data steward read the case header; the timeline is case.work.
    "api:case-list": Rule(api=True, get=VIEW_API),
    "api:case-detail": Rule(api=True, kwargs=lambda o: {"pk": case_in(o, "a").pk}, get=VIEW_API,
                            kwargs_out=lambda o: {"pk": case_in(o, "b").pk}, get_out=VIEW_API_OUT),
    # POST only; case.view lets the request through to a 405, the service then asks for case.work.
    "api:case-status": Rule(api=True, kwargs=lambda o: {"pk": case_in(o, "a").pk},
                            get=(405, 405, 405, 405, 404, 405, 404, 404, 401),
                            kwargs_out=lambda o: {"pk": case_in(o, "b").pk},
                            get_out=(405, 405, 405, 405, 404, 405, 404, 404, 401)),
    "api:case-event-list": Rule(api=True, get=WORK_API),
    "api:case-event-detail": Rule(api=True, kwargs=lambda o: {"pk": _event(o, "a").pk}, get=WORK_API,
                                  kwargs_out=lambda o: {"pk": _event(o, "b").pk}, get_out=WORK_API_OUT),
}
