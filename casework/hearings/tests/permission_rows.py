"""Permission rows of the hearings URLs (merged into tests/test_permission_matrix.py)."""

from casework.core.testing.permissions import Rule, case_in, lazy

# Columns: director, supervisor, ppw, school_admin, school_staff, data_steward, auditor, none, anonymous
WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)
POST_ONLY = (405, 405, 405, 404, 404, 404, 404, 404, 302)
API = (200, 200, 200, 404, 404, 404, 404, 404, 401)
API_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 401)


def _hearing(objs, school):
    from casework.hearings.tests.factories import hearing

    return lazy(objs, f"hearing_{school}", lambda: hearing(case=case_in(objs, school)))


ROWS = {
    "hearings:calendar": Rule(get=WORKERS),
    "hearings:case_hearings": Rule(get=WORKERS, kwargs=lambda o: {"case_pk": case_in(o, "a").pk},
                                   get_out=WORKERS_OUT, kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}),
    "hearings:schedule": Rule(get=WORKERS, kwargs=lambda o: {"case_pk": case_in(o, "a").pk},
                              get_out=WORKERS_OUT, kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}),
    "hearings:packet": Rule(get=POST_ONLY, kwargs=lambda o: {"case_pk": case_in(o, "a").pk, "kind": "review_board"},
                            get_out=POST_ONLY,
                            kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk, "kind": "review_board"}),
    "hearings:edit": Rule(get=WORKERS, kwargs=lambda o: {"pk": _hearing(o, "a").pk},
                          get_out=WORKERS_OUT, kwargs_out=lambda o: {"pk": _hearing(o, "b").pk}),
    "hearings:outcome": Rule(get=WORKERS, kwargs=lambda o: {"pk": _hearing(o, "a").pk},
                             get_out=WORKERS_OUT, kwargs_out=lambda o: {"pk": _hearing(o, "b").pk}),
    "hearings:letter": Rule(get=POST_ONLY, kwargs=lambda o: {"pk": _hearing(o, "a").pk, "which": "notice"},
                            get_out=POST_ONLY, kwargs_out=lambda o: {"pk": _hearing(o, "b").pk, "which": "notice"}),
    "api:hearing-list": Rule(api=True, get=API),
    "api:hearing-detail": Rule(api=True, get=API, kwargs=lambda o: {"pk": _hearing(o, "a").pk},
                               get_out=API_OUT, kwargs_out=lambda o: {"pk": _hearing(o, "b").pk}),
}
