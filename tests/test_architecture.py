"""Architecture guard: views and API modules read scoped models only through `for_user`.

`Model.objects.filter(...)` in a view hands a PPW another school's children the day someone forgets
the filter, so it is refused outright: every `<X>.objects.<first method>` chain in a view or API module
must start with `for_user`. The one exception is the class attribute `queryset = X.objects.none()` that
drf-spectacular reads to name the model (the rows still come from `get_queryset()` -> `for_user`).
Managers reached another way (`_default_manager`, `_base_manager`) and `get_object_or_404(Model, ...)`
skip the policy the same way and are refused too.

API reads of student data are written to the access log (COMAR 13A.08.02): every routed
ScopedReadOnlyViewSet whose model leads to a Student must use core.api.AccessLoggedMixin, unless it is
listed in ACCESS_LOG_EXEMPT with the reason.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "casework"
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def guarded_modules() -> list[Path]:
    """casework/*/views.py and api.py, and every module of packages named views/ or api/ (not tests)."""
    files = set(PACKAGE.glob("*/views.py")) | set(PACKAGE.glob("*/api.py"))
    for package in [*PACKAGE.glob("**/views/"), *PACKAGE.glob("**/api/")]:
        files |= {p for p in package.rglob("*.py") if "tests" not in p.relative_to(package).parts}
    return sorted(f for f in files if "tests" not in f.relative_to(PACKAGE).parts)


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _dotted(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression node
        return "<expr>"


def _is_schema_placeholder(manager: ast.Attribute, parents: dict) -> bool:
    """`queryset = X.objects.none()` directly in a class body (nothing chained after .none())."""
    method = parents.get(manager)
    call = parents.get(method)
    assign = parents.get(call)
    return (
        manager.attr == "objects"
        and isinstance(method, ast.Attribute) and method.attr == "none"
        and isinstance(call, ast.Call) and call.func is method and not call.args and not call.keywords
        and isinstance(assign, ast.Assign | ast.AnnAssign) and assign.value is call
        and [_dotted(t) for t in (assign.targets if isinstance(assign, ast.Assign) else [assign.target])]
        == ["queryset"]
        and isinstance(parents.get(assign), ast.ClassDef)
    )


def check_source(source: str, path: str = "<source>") -> list[Violation]:
    tree = ast.parse(source, filename=path)
    parents = _parents(tree)
    found: list[Violation] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            method = parents.get(node)
            call = parents.get(method)
            chain = f"{_dotted(node)}"
            if isinstance(method, ast.Attribute) and isinstance(call, ast.Call) and call.func is method:
                if method.attr == "for_user" or _is_schema_placeholder(node, parents):
                    continue
                found.append(Violation(path, node.lineno, f"{chain}.{method.attr}(...) reads a model without "
                                       f"for_user(); use {chain}.for_user(request.user, action)"))
            else:
                found.append(Violation(path, node.lineno, f"{chain} used without .for_user(...); pass it "
                                       "through for_user(request.user, action) first"))
        elif isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] in SHORTCUTS and node.args:
            target = node.args[0]
            if isinstance(target, ast.Name | ast.Attribute) and _dotted(target).split(".")[-1][:1].isupper():
                found.append(Violation(path, node.lineno, f"{_dotted(node.func)}({_dotted(target)}, ...) reads "
                                       "the whole table; give it a for_user() queryset"))
    return found


def check_file(path: Path) -> list[Violation]:
    return check_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))


# --- the guard on the project ------------------------------------------------------------------------


def test_guard_covers_the_views_and_api_modules():
    names = {str(p.relative_to(ROOT)) for p in guarded_modules()}
    assert {
        "casework/core/views.py",
        "casework/core/api.py",
        "casework/students/views.py",
        "casework/students/api.py",
        "casework/schools/views.py",
        "casework/schools/api.py",
        "casework/audit/api.py",
        "casework/accounts/views.py",
        "casework/api/urls.py",  # the package named api/
    } <= names
    assert not any("/tests/" in n for n in names)


def test_views_and_api_read_scoped_models_only_through_for_user():
    violations = [str(v) for path in guarded_modules() for v in check_file(path)]
    assert not violations, "Reads that skip the permission policy:\n" + "\n".join(violations)


# --- API reads of student data go to the access log -------------------------------------------------

ACCESS_LOG_EXEMPT = {
    "SchoolViewSet": "directory facts about schools, no student in them",
    "AccessLogViewSet": "the access log itself: logging reads of it would log the auditors, not a record",
    "StudentViewSet": "logs its own detail reads with ?purpose= (students/api.py); its list is the name search, "
                      "which the search page does not log either",
}


def leads_to_student(model, depth: int = 3) -> bool:
    """The model is Student, or a chain of at most `depth` foreign keys leads from it to Student
    (Contact -> Case -> Student)."""
    from casework.students.models import Student

    seen, frontier = set(), [model]
    for _ in range(depth + 1):
        if Student in frontier:
            return True
        seen |= set(frontier)
        frontier = [f.related_model for m in frontier for f in m._meta.get_fields()
                    if f.concrete and (f.many_to_one or f.one_to_one) and f.related_model not in seen]
    return False


def unlogged_viewsets(viewsets) -> list[str]:
    from casework.core.api import AccessLoggedMixin, ScopedReadOnlyViewSet

    return sorted(
        f"{v.__module__}.{v.__name__} ({v.model.__name__})" for v in viewsets
        if issubclass(v, ScopedReadOnlyViewSet) and v.model is not None and leads_to_student(v.model)
        and not issubclass(v, AccessLoggedMixin) and v.__name__ not in ACCESS_LOG_EXEMPT
    )


def routed_viewsets() -> list[type]:
    from casework.api.urls import router

    return [viewset for _prefix, viewset, _basename in router.registry]


def test_api_reads_of_student_data_are_access_logged():
    missing = unlogged_viewsets(routed_viewsets())
    assert not missing, ("API viewsets that return student data without writing the access log; add "
                         "casework.core.api.AccessLoggedMixin (docs/development.md, Adding a model):\n"
                         + "\n".join(missing))


def test_access_log_exemptions_name_routed_viewsets():
    names = {v.__name__ for v in routed_viewsets()}
    assert set(ACCESS_LOG_EXEMPT) <= names  # a renamed viewset must not keep a stale exemption


def test_access_log_guard_tells_student_data_from_directory_data():
    from casework.cases.models import Case, CaseEvent
    from casework.contacts.models import Contact
    from casework.schools.models import School
    from casework.students.models import Student

    assert [leads_to_student(m) for m in (Student, Case, CaseEvent, Contact, School)] == [True, True, True, True,
                                                                                          False]


def test_access_log_guard_refuses_a_viewset_without_the_mixin():
    from casework.contacts.api import ContactViewSet
    from casework.contacts.models import Contact
    from casework.core.api import ScopedReadOnlyViewSet
    from casework.schools.api import SchoolViewSet

    forgot = type("ForgotViewSet", (ScopedReadOnlyViewSet,), {"model": Contact, "policy_action": "case.work",
                                                         "__module__": "casework.x.api"})
    assert unlogged_viewsets([forgot, ContactViewSet, SchoolViewSet]) == [
        "casework.x.api.ForgotViewSet (Contact)"]


# --- the guard itself ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "Student.objects.for_user(request.user, 'student.view').filter(grade='05')",
        "self.model.objects.for_user(self.request.user, self.policy_action)",
        "class V:\n    queryset = Student.objects.none()",
        "class V:\n    queryset: object = Student.objects.none()",
        "Prefetch('enrollments', queryset=Enrollment.objects.for_user(user, 'student.view'))",
        "get_object_or_404(Student.objects.for_user(user, 'student.view'), pk=1)",
        "student.enrollments.all()",  # a related manager of a row that already came through for_user
    ],
)
def test_guard_accepts(source):
    assert check_source(source) == []


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("Student.objects.filter(pk=1)", 1),
        ("x = 1\nStudent.objects.get(pk=pk)", 2),
        ("Student.objects.all().for_user(user, 'student.view')", 1),
        ("Prefetch('guardian_links', queryset=StudentGuardian.objects.select_related('guardian'))", 1),
        ("models.Student.objects.count()", 1),
        ("qs = Student.objects\nqs.filter(pk=1)", 1),
        ("Student._default_manager.get(pk=1)", 1),
        ("Student.objects.none()", 1),  # not the class-attribute placeholder
        ("class V:\n    queryset = Student.objects.none().filter(pk=1)", 2),
        ("class V:\n    queryset = Student.objects.all()", 2),
        ("class V:\n    rows = Student.objects.none()", 2),
        ("def f():\n    queryset = Student.objects.none()", 2),
        ("get_object_or_404(Student, pk=1)", 1),
        ("shortcuts.get_list_or_404(Student)", 1),
    ],
)
def test_guard_refuses_with_file_and_line(source, line):
    violations = check_source(source, "casework/x/views.py")
    assert violations, source
    assert str(violations[0]).startswith(f"casework/x/views.py:{line}: ")


def test_guard_reports_every_violation():
    source = "a = A.objects.filter()\nb = B.objects.for_user(u, 'x')\nc = C.objects.get()\n"
    assert [v.line for v in check_source(source)] == [1, 3]
