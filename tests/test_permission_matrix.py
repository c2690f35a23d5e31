"""Every URL of the project, every role: who gets what.

Two guards:

* each URL's view declares exactly one rule: `casework_public`, `casework_signed_in`, or a
  `casework_action` that exists in `policy.MATRIX`;
* EXPECTED below (hand-written, one row per URL name) gives the status each role gets. A URL missing
  from it fails the suite, so a new page or endpoint cannot ship without someone deciding who may
  open it. Denied reads answer 404, never 403; anonymous visitors are sent to the login page (pages)
  or answered 401 (API).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casework.accounts.services import token_issue
from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.core import policy
from casework.core.testing.permissions import ROLES, Rule

MARKERS = ("casework_public", "casework_signed_in", "casework_action")
LOGIN = "/accounts/login/"


def _import_run(o: dict):
    """One import run for the import pages' rows (created on first use)."""
    from casework.imports.models import ImportRun

    if "import_run" not in o:
        o["import_run"] = ImportRun.objects.create(kind="students", source_files=["students.csv"])
    return o["import_run"]


EXPECTED: dict[str, Rule] = {
    #                  director supervisor ppw school_admin school_staff data_steward auditor none anonymous
    "home": Rule(get=(200, 200, 200, 200, 200, 200, 200, 200, 302)),
    "healthz": Rule(get=(200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # Signed-in users are sent on from the login page to their home page.
    "accounts:login": Rule(get=(302, 302, 302, 302, 302, 302, 302, 302, 200)),
    # Logging out is a POST (a link or a prefetch must not sign anyone out).
    "accounts:logout": Rule(get=(405, 405, 405, 405, 405, 405, 405, 405, 405)),
    "schools:list": Rule(get=(200, 200, 200, 200, 200, 200, 200, 404, 302)),
    "students:search": Rule(
        get=(200, 200, 200, 200, 404, 200, 404, 404, 302),
        post=(200, 200, 200, 200, 404, 200, 404, 404, 302),
    ),
    "students:detail": Rule(
        kwargs=lambda o: {"pk": o["student_a"].pk},
        get=(200, 200, 200, 200, 404, 200, 404, 404, 302),
        kwargs_out=lambda o: {"pk": o["student_b"].pk},
        get_out=(200, 200, 404, 404, 404, 200, 404, 404, 302),
    ),
    # The attendance tab: student.view and attendance.view for that student (the record's readers).
    "students:attendance": Rule(
        kwargs=lambda o: {"pk": o["student_a"].pk},
        get=(200, 200, 200, 200, 404, 200, 404, 404, 302),
        kwargs_out=lambda o: {"pk": o["student_b"].pk},
        get_out=(200, 200, 404, 404, 404, 200, 404, 404, 302),
    ),
    # District dashboard: aggregates for the director and supervisors only.
    "reports:dashboard": Rule(get=(200, 200, 404, 404, 404, 404, 404, 404, 302)),
    "reports:dashboard_export": Rule(get=(200, 200, 404, 404, 404, 404, 404, 404, 302)),
    "students:access-log": Rule(
        kwargs=lambda o: {"pk": o["student_a"].pk},
        get=(200, 404, 404, 404, 404, 404, 200, 404, 302),
        kwargs_out=lambda o: {"pk": o["student_b"].pk},
        get_out=(200, 404, 404, 404, 404, 404, 200, 404, 302),
    ),
    # The import page: the data steward and the director ("import.run"); runs belong to no school.
    "imports:runs": Rule(
        get=(200, 404, 404, 404, 404, 200, 404, 404, 302),
        post=(400, 404, 404, 404, 404, 400, 404, 404, 302),  # no file: a form error
    ),
    # The SIS code mappings: "rules.manage", as the attendance descriptor page.
    "imports:codes": Rule(
        get=(200, 404, 404, 404, 404, 200, 404, 404, 302),
        post=(400, 404, 404, 404, 404, 400, 404, 404, 302),  # no family: refused
    ),
    "imports:recompute": Rule(
        get=(405, 404, 404, 404, 404, 405, 404, 404, 302),
        post=(302, 404, 404, 404, 404, 302, 404, 404, 302),
    ),
    "imports:template": Rule(
        kwargs=lambda o: {"kind": "students"},
        get=(200, 404, 404, 404, 404, 200, 404, 404, 302),
        kwargs_out=lambda o: {"kind": "attendance"},
        get_out=(200, 404, 404, 404, 404, 200, 404, 404, 302),
    ),
    **{name: Rule(
        kwargs=lambda o: {"pk": _import_run(o).pk},
        get=(200, 404, 404, 404, 404, 200, 404, 404, 302),
        kwargs_out=lambda o: {"pk": _import_run(o).pk},
        get_out=(200, 404, 404, 404, 404, 200, 404, 404, 302),
    ) for name in ("imports:run", "imports:progress", "imports:rejects")},
    # Early warning: the roles that read indicators, for their schools; exports need student.export.
    "indicators:early_warning_schools": Rule(get=(200, 200, 200, 200, 404, 200, 404, 404, 302)),
    "indicators:early_warning": Rule(
        kwargs=lambda o: {"code": o["school_a"].code},
        get=(200, 200, 200, 200, 404, 200, 404, 404, 302),
        kwargs_out=lambda o: {"code": o["school_b"].code},
        get_out=(200, 200, 404, 404, 404, 200, 404, 404, 302),
    ),
    "indicators:early_warning_export": Rule(
        kwargs=lambda o: {"code": o["school_a"].code, "fmt": "csv"},
        get=(200, 200, 200, 200, 404, 404, 404, 404, 302),
        kwargs_out=lambda o: {"code": o["school_b"].code, "fmt": "xlsx"},
        get_out=(200, 200, 404, 404, 404, 404, 404, 404, 302),
    ),
    # The worklist is the PPW's (and the director's and supervisors' across schools).
    "indicators:worklist": Rule(get=(200, 200, 200, 404, 404, 404, 404, 404, 302)),
    # Acknowledging is a POST: a GET answers 405 to those who may acknowledge.
    "indicators:crossings_acknowledge": Rule(get=(405, 405, 405, 404, 404, 404, 404, 404, 302)),
    # --- API: anonymous gets 401; the schema is public.
    "api:schema": Rule(api=True, get=(200, 200, 200, 200, 200, 200, 200, 200, 200)),
    "api:school-list": Rule(api=True, get=(200, 200, 200, 200, 200, 200, 200, 404, 401)),
    # School directory facts are not student data: every role reads every school.
    "api:school-detail": Rule(
        api=True,
        kwargs=lambda o: {"code": o["school_a"].code},
        get=(200, 200, 200, 200, 200, 200, 200, 404, 401),
        kwargs_out=lambda o: {"code": o["school_b"].code},
        get_out=(200, 200, 200, 200, 200, 200, 200, 404, 401),
    ),
    "api:student-list": Rule(api=True, get=(200, 200, 200, 200, 404, 200, 404, 404, 401)),
    "api:student-detail": Rule(
        api=True,
        kwargs=lambda o: {"pk": o["student_a"].pk},
        get=(200, 200, 200, 200, 404, 200, 404, 404, 401),
        kwargs_out=lambda o: {"pk": o["student_b"].pk},
        get_out=(200, 200, 404, 404, 404, 200, 404, 404, 401),
    ),
    "api:access-log-list": Rule(api=True, get=(200, 404, 404, 404, 404, 404, 200, 404, 401)),
    "api:access-log-detail": Rule(
        api=True,
        kwargs=lambda o: {"pk": o["log_a"].pk},
        get=(200, 404, 404, 404, 404, 404, 200, 404, 401),
        kwargs_out=lambda o: {"pk": o["log_b"].pk},
        get_out=(200, 404, 404, 404, 404, 404, 200, 404, 401),
    ),
}



def _app_rows() -> dict[str, Rule]:
    """Rows each app declares for its own URLs in <app>/tests/permission_rows.py."""
    rows: dict[str, Rule] = {}
    for config in apps.get_app_configs():
        module = f"{config.name}.tests.permission_rows"
        if config.name.startswith("casework.") and find_spec(f"{config.name}.tests") and find_spec(module):
            app_rows = import_module(module).ROWS
            clash = sorted(set(app_rows) & (set(rows) | set(EXPECTED)))
            assert not clash, f"{module} repeats rows {clash}"
            rows.update(app_rows)
    return rows


EXPECTED.update(_app_rows())


# --- walking the URLconf ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced ("students:detail"), or the route itself when the pattern has no name
    route: str
    callback: Callable


def walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = f"<unnamed {route}>"
            if p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
            yield Route(name, route, p.callback)
        else:  # pragma: no cover - Django has only these two kinds
            raise TypeError(f"unexpected URL entry {p!r}")


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def declared_rules(callback) -> dict[str, object]:
    """The rule markers a URL's view carries: on the view function (decorators), its class-based view
    (`view_class`) or its DRF view (`cls`)."""
    found: dict[str, object] = {}
    holders = [callback, getattr(callback, "view_class", None), getattr(callback, "cls", None)]
    for holder in holders:
        if holder is None:
            continue
        for marker in MARKERS:
            value = getattr(holder, marker, None)
            if value not in (None, False, ""):
                found.setdefault(marker, value)
    return found


def test_walk_finds_every_kind_of_route():
    """The walk must reach nested includes and the API router, or the guards below prove nothing."""
    names = {r.name for r in all_routes()}
    assert {"home", "healthz", "accounts:login", "students:detail", "api:schema", "api:student-detail"} <= names
    api = {r.name: r.route for r in all_routes() if r.name.startswith("api:")}
    assert api["api:student-detail"] == "api/v1/^students/(?P<pk>[0-9]+)/$"


@pytest.mark.parametrize("route", all_routes(), ids=lambda r: r.name)
def test_every_view_declares_exactly_one_rule(route):
    rules = declared_rules(route.callback)
    assert len(rules) == 1, (
        f"{route.name} ({route.route}) must declare exactly one of {', '.join(MARKERS)}; it declares "
        f"{sorted(rules) or 'none'}. Use PolicyView.action / @requires(action), @public, or "
        f"casework_signed_in = True."
    )
    if "casework_action" in rules:
        assert rules["casework_action"] in policy.MATRIX, (
            f"{route.name}: action {rules['casework_action']!r} is not in policy.MATRIX"
        )
    else:
        assert rules[next(iter(rules))] is True


def test_declared_actions_are_the_enforced_ones():
    """The declared action is the one the view checks (a drifting copy would make the table lie)."""
    for route in all_routes():
        view = getattr(route.callback, "cls", None) or getattr(route.callback, "view_class", None)
        rules = declared_rules(route.callback)
        if view is None or "casework_action" not in rules:
            continue
        enforced = getattr(view, "policy_action", None) or getattr(view, "action", None)
        assert enforced == rules["casework_action"], route.name


def test_rule_markers_are_detected():
    """The detector itself: a bare view has no rule, a decorated one has exactly its marker."""
    from casework.core.views import public, requires

    def bare(request):  # pragma: no cover - never called
        return None

    assert declared_rules(bare) == {}
    assert declared_rules(public(lambda request: None)) == {"casework_public": True}
    assert declared_rules(requires("student.view")(lambda request: None)) == {"casework_action": "student.view"}


def test_every_url_has_an_expected_row_and_no_row_is_stale():
    names = [r.name for r in all_routes()]
    assert len(names) == len(set(names)), f"duplicate URL names: {sorted(n for n in names if names.count(n) > 1)}"
    missing = sorted(set(names) - set(EXPECTED))
    assert not missing, (
        f"URL(s) with no row in EXPECTED of tests/test_permission_matrix.py: {missing}. "
        "Decide which roles may open them and add the row."
    )
    stale = sorted(set(EXPECTED) - set(names))
    assert not stale, f"EXPECTED rows for URLs that no longer exist: {stale}"


def test_expected_table_is_well_formed():
    for name, rule in EXPECTED.items():
        for statuses in (rule.get, rule.get_out, rule.post):
            if statuses is None:
                continue
            assert len(statuses) == len(ROLES), name
            assert 403 not in statuses, f"{name}: denied reads answer 404, never 403"
        route = next((r.route for r in all_routes() if r.name == name), "")
        takes_object = "<" in route  # <int:pk> or (?P<pk>...)
        assert takes_object == (rule.kwargs is not None), f"{name}: object URLs need kwargs and an out-of-scope row"
        assert (rule.kwargs is None) == (rule.get_out is None) == (rule.kwargs_out is None), name
        assert rule.api == name.startswith("api:"), name


# --- requesting every URL as every role --------------------------------------------------------------


@pytest.fixture
def objs(world):
    """Objects the table's URLs point at: school A's are in scope for the school-A roles."""
    log_a = audit.log_access(actor=world.user("director"), student=world.student_a, action=AccessLog.Action.VIEW)
    log_b = audit.log_access(actor=world.user("director"), student=world.student_b, action=AccessLog.Action.VIEW)
    return {"world": world, "student_a": world.student_a, "student_b": world.student_b,
            "school_a": world.school_a, "school_b": world.school_b, "log_a": log_a, "log_b": log_b}


def session_client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.user(role))
    return client


def token_client(world, role: str) -> Client:
    if role == "anonymous":
        return Client()
    key = token_issue(actor=None, user=world.user(role))
    return Client(headers={"Authorization": f"Token {key}"})


def check(response, expected: int, *, role: str, rule: Rule, label: str, forbidden_text: str = ""):
    assert response.status_code == expected, (
        f"{label} as {role}: expected {expected}, got {response.status_code}"
    )
    if expected == 302 and role == "anonymous":
        assert response["Location"].startswith(LOGIN), f"{label}: anonymous should go to the login page"
    if expected == 401:  # the API takes tokens; the page's session check (accounts:session) a session cookie
        assert response["WWW-Authenticate"] == ("Token" if rule.api else "Session"), label
    if expected == 404 and forbidden_text:
        assert forbidden_text not in response.content.decode(), f"{label} as {role}: a 404 leaked the record"


CASES = [(name, role) for name in EXPECTED for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_get(objs, name, role):
    rule = EXPECTED[name]
    world = objs["world"]
    column = ROLES.index(role)
    clients = [("token", token_client(world, role)), ("session", session_client(world, role))] if rule.api else [
        ("session", session_client(world, role))]
    for how, client in clients:
        url = reverse(name, kwargs=rule.kwargs(objs) if rule.kwargs else None)
        check(client.get(url), rule.get[column], role=role, rule=rule, label=f"GET {url} ({how})")
        if rule.get_out is not None:
            url = reverse(name, kwargs=rule.kwargs_out(objs))
            check(client.get(url), rule.get_out[column], role=role, rule=rule, label=f"GET {url} ({how}, other school)",
                  forbidden_text="Nguy")
        if rule.post is not None:
            url = reverse(name)
            response = client.post(url, {"q": "garcia"})
            check(response, rule.post[column], role=role, rule=rule, label=f"POST {url} ({how})")


# --- lists and searches hold only students in scope -------------------------------------------------

# Which of the two students each role may find (district ids); None: the role cannot search at all.
VISIBLE = {
    "director": {"100001", "200002"},
    "supervisor": {"100001", "200002"},
    "ppw": {"100001"},
    "school_admin": {"100001"},
    "school_staff": None,
    "data_steward": {"100001", "200002"},
    "auditor": None,
    "none": None,
}


def search(client, **data):
    response = client.post(reverse("students:search"), data)
    if response.status_code != 200:
        return response.status_code, None
    return 200, {student.district_id for student, _ in response.context["results"]}


@pytest.mark.parametrize("role", list(VISIBLE))
def test_search_results_stay_in_scope(world, role):
    client = session_client(world, role)
    expected = VISIBLE[role]
    garcia = search(client, q="garcia")
    nguyen = search(client, q="nguyen")
    if expected is None:
        assert garcia == nguyen == (404, None)
        return
    assert garcia == (200, {"100001"} & expected)
    assert nguyen == (200, {"200002"} & expected)
    # Every school is in the choice list, but picking one outside your scope still finds nobody.
    assert search(client, school=world.school_b.pk) == (200, {"200002"} & expected)
    assert search(client, school=world.school_a.pk, q="jose") == (200, {"100001"} & expected)
    # The htmx partial is filtered the same way, and an out-of-scope name never reaches the page.
    for q, name, district_id in (("nguyen", "Nguyễn", "200002"), ("garcia", "García", "100001")):
        partial = client.post(reverse("students:search"), {"q": q}, headers={"HX-Request": "true"})
        assert partial.status_code == 200
        assert (name in partial.content.decode()) == (district_id in expected), (q, role)


@pytest.mark.parametrize("role", list(VISIBLE))
def test_api_student_list_stays_in_scope(world, role):
    for client in (token_client(world, role), session_client(world, role)):
        response = client.get(reverse("api:student-list"))
        expected = VISIBLE[role]
        if expected is None:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        body = response.json()
        assert {row["district_id"] for row in body["results"]} == expected
        assert body["count"] == len(expected)


def test_auditor_reads_the_log_not_the_record(objs):
    """The access-log tab shows an auditor who opened the record, not the child's name."""
    client = session_client(objs["world"], "auditor")
    response = client.get(reverse("students:access-log", kwargs={"pk": objs["student_a"].pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "t-director" in page
    assert "García" not in page and "100001" not in page
