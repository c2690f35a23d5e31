"""Permission rows of the letters URLs (merged into tests/test_permission_matrix.py)."""

from casework.core.testing.permissions import Rule, case_in, lazy

# Columns: director, supervisor, ppw, school_admin, school_staff, data_steward, auditor, none, anonymous
WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)
POST_ONLY = (405, 405, 405, 404, 404, 404, 404, 404, 302)
DIRECTOR = (200, 404, 404, 404, 404, 404, 404, 404, 302)
API = (200, 200, 200, 404, 404, 404, 404, 404, 401)
API_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 401)


def _letter(objs, school):
    from casework.letters.services import letter_create

    return lazy(objs, f"letter_{school}", lambda: letter_create(actor=None, case=case_in(objs, school),
                                                                template_key="tier1_letter"))


def _template(objs):
    from casework.letters.models import LetterTemplate

    return lazy(objs, "letter_template", lambda: LetterTemplate.objects.get(key="tier1_letter", language="en",
                                                                            is_active=True))


def _letter_rule(get, get_out):
    return Rule(get=get, kwargs=lambda o: {"pk": _letter(o, "a").pk},
                get_out=get_out, kwargs_out=lambda o: {"pk": _letter(o, "b").pk})


ROWS = {
    "letters:case_letters": Rule(get=WORKERS, kwargs=lambda o: {"case_pk": case_in(o, "a").pk},
                                 get_out=WORKERS_OUT, kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}),
    "letters:pdf": _letter_rule(WORKERS, WORKERS_OUT),
    "letters:docx": _letter_rule(WORKERS, WORKERS_OUT),
    "letters:mailed": _letter_rule(POST_ONLY, POST_ONLY),
    "letters:returned": _letter_rule(POST_ONLY, POST_ONLY),
    "letters:templates": Rule(get=DIRECTOR),
    # Letter wording is district configuration: no school, so "another school's" template is the same one.
    "letters:template_edit": Rule(get=DIRECTOR, kwargs=lambda o: {"pk": _template(o).pk},
                                  get_out=DIRECTOR, kwargs_out=lambda o: {"pk": _template(o).pk}),
    "api:letter-list": Rule(api=True, get=API),
    "api:letter-detail": Rule(api=True, get=API, kwargs=lambda o: {"pk": _letter(o, "a").pk},
                              get_out=API_OUT, kwargs_out=lambda o: {"pk": _letter(o, "b").pk}),
}
