"""Every page's ARIA id references resolve: an aria-describedby (or aria-labelledby, aria-controls,
label for=) naming an id the page lacks describes nothing to a screen reader, and no other check notices.

Walks every page URL of the permission table (tests/test_permission_matrix.py) as the first role that may
open it, with the table's objects, and parses the HTML."""

from __future__ import annotations

import pytest
from django.urls import reverse
from test_permission_matrix import EXPECTED, ROLES, objs, session_client  # noqa: F401 - objs is a fixture

from casework.core.testing.html import broken_references

PAGES = sorted(name for name, rule in EXPECTED.items() if not rule.api and 200 in rule.get)


def test_the_checker_finds_a_dangling_reference():
    html = ('<label for="id_title">Title</label><input id="id_title" aria-describedby="id_title_helptext">'
            '<p id="id_title-help">No student name</p>')
    assert broken_references(html) == ['<input aria-describedby="id_title_helptext">']
    assert broken_references(html.replace("id_title-help", "id_title_helptext")) == []


@pytest.mark.parametrize("name", PAGES)
def test_every_id_reference_on_the_page_resolves(objs, name):  # noqa: F811 - the fixture imported above
    rule = EXPECTED[name]
    role = ROLES[rule.get.index(200)]
    url = reverse(name, kwargs=rule.kwargs(objs) if rule.kwargs else None)
    response = session_client(objs["world"], role).get(url)
    assert response.status_code == 200
    if "html" not in response.get("Content-Type", ""):
        return
    broken = broken_references(response.content.decode())
    assert not broken, f"{url} as {role}: {', '.join(broken)}"


# Forms in an error state: Django's widget then also names "<id>_error", which the page must have. Each row:
# URL name, role, method, data (a value the form refuses, or a required field left out).
NOT_A_DATE = {"crossed_since": "2025-13-45"}
ERROR_STATES = [
    ("indicators:early_warning", "ppw", "get", NOT_A_DATE),
    ("indicators:worklist", "ppw", "get", NOT_A_DATE),
    ("reports:dashboard", "director", "get", {"as_of": "2025-13-45"}),
    ("cases:list", "ppw", "get", {"status": "nonsense"}),
    ("students:search", "ppw", "post", {"q": "g" * 101}),
    ("referrals:pick", "school_staff", "post", {"q": "g" * 101}),
    ("attendance:descriptors", "director", "post", {"descriptor": "", "category": "nonsense"}),
    ("imports:codes", "director", "post", {"family": "calendar_event", "descriptor": "", "value": "nonsense"}),
    ("enforcement:settings", "director", "post", {"name": "", "effective_from": "2025-13-45"}),
    ("enforcement:step_add", "director", "post", {"name": ""}),
    ("plans:create", "director", "post", {"title": "", "review_on": "2025-13-45", "goals-TOTAL_FORMS": "0",
                                          "goals-INITIAL_FORMS": "0", "interventions-TOTAL_FORMS": "0",
                                          "interventions-INITIAL_FORMS": "0"}),
    ("plans:interventions", "director", "post", {"name": ""}),
    ("cases:open", "director", "post", {"case_type": "nonsense"}),
    ("cases:assign", "director", "post", {"to_user": "", "reason": ""}),
    ("cases:reassign", "director", "post", {"from_user": "", "to_user": ""}),
    ("caseloads:weights", "director", "post", {"weight_attendance": "-1"}),
    ("hearings:schedule", "director", "post", {"kind": "nonsense", "date": "2025-13-45"}),
]


@pytest.mark.parametrize(("name", "role", "method", "data"), ERROR_STATES, ids=[e[0] for e in ERROR_STATES])
def test_error_messages_are_where_the_fields_point(objs, name, role, method, data):  # noqa: F811
    rule = EXPECTED[name]
    url = reverse(name, kwargs=rule.kwargs(objs) if rule.kwargs else None)
    response = getattr(session_client(objs["world"], role), method)(url, data)
    page = response.content.decode()
    assert "_error" in page and 'aria-invalid="true"' in page, f"{url}: no field error shown ({response.status_code})"
    broken = broken_references(page)
    assert not broken, f"{method.upper()} {url} as {role}: {', '.join(broken)}"
