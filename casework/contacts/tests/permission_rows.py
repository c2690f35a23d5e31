"""Permission rows of the contacts URLs (merged into tests/test_permission_matrix.py)."""

from casework.core.testing.permissions import Rule, case_in, lazy

# Columns: director, supervisor, ppw, school_admin, school_staff, data_steward, auditor, none, anonymous
WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)
POST_ONLY = (405, 405, 405, 404, 404, 404, 404, 404, 302)
API = (200, 200, 200, 404, 404, 404, 404, 404, 401)
API_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 401)


def _contact(objs, school):
    from casework.contacts.tests.factories import contact

    return lazy(objs, f"contact_{school}", lambda: contact(case=case_in(objs, school)))


def _visit(objs, school):
    from casework.contacts.tests.factories import home_visit

    worker = objs["world"].user("ppw" if school == "a" else "director")
    return lazy(objs, f"visit_{school}", lambda: home_visit(case=case_in(objs, school), worker=worker))


ROWS = {
    "contacts:case_contacts": Rule(get=WORKERS, kwargs=lambda o: {"case_pk": case_in(o, "a").pk},
                                   get_out=WORKERS_OUT, kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}),
    "contacts:detail": Rule(get=WORKERS, kwargs=lambda o: {"pk": _contact(o, "a").pk},
                            get_out=WORKERS_OUT, kwargs_out=lambda o: {"pk": _contact(o, "b").pk}),
    "contacts:home_visit": Rule(get=WORKERS, kwargs=lambda o: {"case_pk": case_in(o, "a").pk},
                                get_out=WORKERS_OUT, kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}),
    "contacts:check_in": Rule(get=POST_ONLY, kwargs=lambda o: {"case_pk": case_in(o, "a").pk},
                              get_out=POST_ONLY, kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}),
    "contacts:check_out": Rule(get=POST_ONLY, kwargs=lambda o: {"pk": _visit(o, "a").pk},
                               get_out=POST_ONLY, kwargs_out=lambda o: {"pk": _visit(o, "b").pk}),
    "contacts:safety": Rule(get=(200, 200, 404, 404, 404, 404, 404, 404, 302)),
    "api:contact-list": Rule(api=True, get=API),
    "api:contact-detail": Rule(api=True, get=API, kwargs=lambda o: {"pk": _contact(o, "a").pk},
                               get_out=API_OUT, kwargs_out=lambda o: {"pk": _contact(o, "b").pk}),
}
