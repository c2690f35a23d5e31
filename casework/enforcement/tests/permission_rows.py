"""Who may open the ladder pages and API (merged into tests/test_permission_matrix.py)."""

import datetime

from casework.core.testing.permissions import Rule, case_in, lazy

#          director supervisor ppw school_admin school_staff data_steward auditor none anonymous
WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)
DIRECTOR = (200, 404, 404, 404, 404, 404, 404, 404, 302)
DIRECTOR_POST_ONLY = (405, 404, 404, 404, 404, 404, 404, 404, 302)
REPORT = (200, 200, 200, 404, 404, 404, 404, 404, 302)
API_WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 401)
API_WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 401)


def _step(objs):
    from casework.enforcement.models import LadderStep

    return {"pk": LadderStep.objects.filter(ladder__is_default=True).order_by("order").first().pk}


def _copy(objs):
    from casework.enforcement.models import Ladder
    from casework.enforcement.services import ladder_copy

    ladder = lazy(objs, "ladder_copy", lambda: ladder_copy(actor=None, source=Ladder.objects.get(is_default=True),
                                                           name="District", effective_from=datetime.date(2026, 7, 1)))
    return {"pk": ladder.pk}


def _case(school):
    return lambda o: {"case_pk": case_in(o, school).pk}


def _event(school):
    def make(objs):
        from casework.enforcement.services import ladder_step_done
        from casework.enforcement.tests.helpers import step

        event = lazy(objs, f"ladder_event_{school}", lambda: ladder_step_done(
            actor=None, case=case_in(objs, school), step=step("tier1_letter"), done_on=datetime.date(2025, 10, 1)))
        return {"pk": event.pk}

    return make


ROWS = {
    "enforcement:case_ladder": Rule(get=WORKERS, kwargs=_case("a"), get_out=WORKERS_OUT, kwargs_out=_case("b")),
    "enforcement:override": Rule(get=DIRECTOR_POST_ONLY, kwargs=_case("a"), get_out=DIRECTOR_POST_ONLY,
                                 kwargs_out=_case("b")),
    "enforcement:settings": Rule(get=DIRECTOR),
    "enforcement:run": Rule(get=DIRECTOR_POST_ONLY),
    # A ladder step is district configuration: no school, so "another school's" step is the same one.
    "enforcement:step_edit": Rule(get=DIRECTOR, kwargs=_step, get_out=DIRECTOR, kwargs_out=_step),
    "enforcement:step_add": Rule(get=DIRECTOR, kwargs=_copy, get_out=DIRECTOR, kwargs_out=_copy),
    "enforcement:step_arrange": Rule(get=DIRECTOR_POST_ONLY, kwargs=_step, get_out=DIRECTOR_POST_ONLY,
                                     kwargs_out=_step),
    "enforcement:report": Rule(get=REPORT),
    "enforcement:report_csv": Rule(get=REPORT),
    "api:ladder-step-list": Rule(api=True, get=API_WORKERS),
    "api:ladder-step-detail": Rule(api=True, get=API_WORKERS, kwargs=_event("a"), get_out=API_WORKERS_OUT,
                                   kwargs_out=_event("b")),
}
