"""The one permission choke point.

Every read of a scoped model goes through `for_user(queryset, user, action)` (usually spelled
`Model.objects.for_user(user, action)`); every object action through `can(user, action, obj)`.
The role matrix below is the whole policy: an action missing from it is refused loudly, so a new
page cannot quietly run without a rule.

Scopes: ALL (every row), SCHOOLS (rows tied to the schools the role is assigned to; the model's
queryset says how through `in_schools`), OWN (rows the user made: a teacher's own referrals; the
queryset says how through `made_by`), and no entry (nothing).

After the scope, a queryset may narrow further with `restrict_for(user, action)`: sensitive case
types (child welfare, crisis) reach only the people named on the case and the director, whatever
their schools.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .roles import Role

ALL = "all"
SCHOOLS = "schools"
OWN = "own"

# A PPW keeps working a child who withdrew or stopped coming (truancy, dropout, transfer follow-up) for
# CASEWORK_SCOPE_RECENT_EXIT_DAYS; a school's own staff see only its current students, so a family that
# moved away (custody, safety) is not visible to the old school.
RECENT_EXIT_ROLES = {Role.PPW}

_EVERY_ROLE = dict.fromkeys(Role, ALL)
_CASE_READERS = {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL, Role.PPW: SCHOOLS, Role.SCHOOL_ADMIN: SCHOOLS}
# The people who work cases: read their content (notes, contacts, plans, tasks, documents) and write it.
_CASE_WORKERS = {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL, Role.PPW: SCHOOLS}
_PPS_LEADERS = {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL}

MATRIX: dict[str, dict[str, str]] = {
    # School directory facts (names, codes, addresses) are not student data.
    "school.view": _EVERY_ROLE,
    # A student's record: demographics, guardians, household, enrollments. The data steward fixes
    # SIS data, so reads every record (never case notes); teachers see only what they referred.
    "student.view": {**_CASE_READERS, Role.DATA_STEWARD: ALL},
    # Stored attendance indicators (StudentIndicator) are student data: read as the student record.
    "indicators.view": {**_CASE_READERS, Role.DATA_STEWARD: ALL},
    "student.export": {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL, Role.PPW: SCHOOLS, Role.SCHOOL_ADMIN: SCHOOLS},
    # Whether a student has a case (type, status, owner) is read like the student record itself.
    "case.view": {**_CASE_READERS, Role.DATA_STEWARD: ALL},
    # Newly crossed thresholds (FlagCrossing): the PPWs of the school work them; the director and
    # supervisors oversee every school.
    "worklist.view": {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL, Role.PPW: SCHOOLS},
    "crossing.acknowledge": {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL, Role.PPW: SCHOOLS},
    # The district dashboard: aggregates by school and grade (small cells suppressed), no student named.
    "reports.district": {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL},
    # Who opened which record. FERPA lets the records custodian and auditors inspect it.
    "audit.access.view": {Role.DIRECTOR: ALL, Role.AUDITOR: ALL},
    "audit.change.view": {Role.DIRECTOR: ALL, Role.AUDITOR: ALL},
    # Attendance rule sets (thresholds with citations) are district configuration, not student data.
    # The data steward manages rule configuration; the director approves what the district enforces.
    "rules.view": {Role.DIRECTOR: ALL, Role.SUPERVISOR: ALL, Role.PPW: ALL, Role.SCHOOL_ADMIN: ALL,
                   Role.DATA_STEWARD: ALL},
    "rules.manage": {Role.DIRECTOR: ALL, Role.DATA_STEWARD: ALL},
    # School calendars (sessions, grading periods, listed days) are not student data.
    "calendar.view": _EVERY_ROLE,
    # Attendance events, discipline, course grades and program participation are part of a student's record: the same
    # readers as the record itself. Events and discipline reach a school through the school where they
    # were recorded; programs through the student's enrollments.
    "attendance.view": {**_CASE_READERS, Role.DATA_STEWARD: ALL},
    "discipline.view": {**_CASE_READERS, Role.DATA_STEWARD: ALL},
    "grades.view": {**_CASE_READERS, Role.DATA_STEWARD: ALL},
    "programs.view": {**_CASE_READERS, Role.DATA_STEWARD: ALL},
    # Running an SIS import writes student data district-wide: the data steward, and the director.
    "import.run": {Role.DIRECTOR: ALL, Role.DATA_STEWARD: ALL},
    # Personal API tokens: each user manages their own.
    "token.manage_own": _EVERY_ROLE,
    # --- Referrals. Any school's staff refer their current students; a teacher then sees only the
    # referrals they made (status, never case notes). The PPWs of the school triage them.
    "referral.create": {**_CASE_WORKERS, Role.SCHOOL_ADMIN: SCHOOLS, Role.SCHOOL_STAFF: SCHOOLS},
    "referral.view": {**_CASE_WORKERS, Role.SCHOOL_ADMIN: SCHOOLS, Role.SCHOOL_STAFF: OWN},
    "referral.triage": _CASE_WORKERS,
    # "Refer these 12 students" from the early-warning list is for administrators.
    "referral.bulk": {**_PPS_LEADERS, Role.SCHOOL_ADMIN: SCHOOLS},
    # --- Cases. case.view (above) is the header: type, status, owner (principals see it for their
    # school). case.work is the content and every write on it: timeline, contacts, plans, tasks,
    # documents. Sensitive types narrow further (Case.objects.restrict_for).
    "case.work": _CASE_WORKERS,
    "case.open": _CASE_WORKERS,
    # Transfers of ownership (single and bulk) and closure approvals are the PPS office's.
    "case.assign": _PPS_LEADERS,
    "case.approve": _PPS_LEADERS,
    # The director's caseload dashboard (open cases per PPW and school, weights) and its settings.
    "caseload.view": _PPS_LEADERS,
    "caseload.manage": {Role.DIRECTOR: ALL},
    # The intervention library (tiered interventions plans pick from) is district configuration.
    "intervention.manage": _PPS_LEADERS,
    # "My day" and the personal calendar feed: the people with tasks and meetings.
    "myday.view": _CASE_WORKERS,
    "feed.manage_own": _CASE_WORKERS,
    # --- Compulsory-attendance enforcement. The ladder's configuration and the override that lets a
    # petition go ahead without the earlier steps are the director's; its funnel report is aggregates.
    "ladder.manage": {Role.DIRECTOR: ALL},
    "ladder.override": {Role.DIRECTOR: ALL},
    "ladder.report": {**_PPS_LEADERS, Role.PPW: SCHOOLS},
    # Letter wording (templates in each language, versioned) is the director's to edit.
    "letter.templates": {Role.DIRECTOR: ALL},
    # Batch letters for a school ("Tier 1 letters for everyone who crossed this week"): the school's
    # administrators send Tier 1 letters too.
    "mailing.run": {**_CASE_WORKERS, Role.SCHOOL_ADMIN: SCHOOLS},
    # A review-board or court packet is a disclosure of the record: the people who work the case.
    "packet.generate": _CASE_WORKERS,
}


def _rules(action: str) -> dict[str, str]:
    try:
        return MATRIX[action]
    except KeyError:
        raise ImproperlyConfigured(f"No permission rule for action {action!r}") from None


def grants(user) -> dict[str, set[int] | None]:
    """{role: school ids} for the user's active role assignments; None means district-wide.

    Cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_casework_grants", None)
    if cached is not None:
        return cached
    result: dict[str, set[int] | None] = {}
    for role, school_id in user.role_assignments.active().values_list("role", "school_id"):
        if school_id is None:
            result[role] = None
        elif result.get(role, set()) is not None:
            result.setdefault(role, set()).add(school_id)
    user._casework_grants = result
    return result


def roles_of(user) -> set[str]:
    return set(grants(user))


def has_action(user, action: str) -> bool:
    """Whether any of the user's roles grants `action` on at least some rows."""
    rules = _rules(action)
    return any(role in rules for role in grants(user))


def school_ids_for(user, action: str) -> set[int] | None:
    """School ids the action reaches through school-scoped roles; None when district-wide."""
    rules = _rules(action)
    schools: set[int] = set()
    for role, role_schools in grants(user).items():
        scope = rules.get(role)
        if scope == ALL:
            return None
        if scope == SCHOOLS and role_schools:
            schools |= role_schools  # an OWN scope adds no school: its rows are the user's own
        elif scope == SCHOOLS and role_schools is None:
            return None  # a school-scoped role granted district-wide (e.g. a floating PPW)
    return schools


def for_user(queryset: QuerySet, user, action: str) -> QuerySet:
    return _restrict(_scope(queryset, user, action), user, action)


def _restrict(queryset: QuerySet, user, action: str) -> QuerySet:
    restrict = getattr(queryset, "restrict_for", None)
    return restrict(user, action) if restrict is not None else queryset


def _scope(queryset: QuerySet, user, action: str) -> QuerySet:
    rules = _rules(action)
    if not any(role in rules for role in grants(user)):
        return queryset.none()
    if school_ids_for(user, action) is None:
        return queryset
    recent: set[int] = set()
    current: set[int] = set()
    own = False
    for role, role_schools in grants(user).items():
        if rules.get(role) == SCHOOLS and role_schools:
            (recent if role in RECENT_EXIT_ROLES else current).update(role_schools)
        own = own or rules.get(role) == OWN
    current -= recent
    if not recent and not current and not own:
        return queryset.none()
    if (recent or current) and not hasattr(queryset, "in_schools"):
        raise ImproperlyConfigured(f"{queryset.model.__name__} has no in_schools() scope")
    if own and not hasattr(queryset, "made_by"):
        raise ImproperlyConfigured(f"{queryset.model.__name__} has no made_by() scope for {action!r}")
    parts = ([queryset.in_schools(recent)] if recent else []) + (
        [queryset.in_current_schools(current)] if current else []) + ([queryset.made_by(user)] if own else [])
    result = parts[0]
    for part in parts[1:]:
        result = result | part
    return result


def can(user, action: str, obj=None) -> bool:
    """Object actions (and plain capabilities when obj is None) go through here."""
    if obj is None:
        return has_action(user, action)
    manager = type(obj)._default_manager
    return for_user(manager.all(), user, action).filter(pk=obj.pk).exists()


def actions() -> Iterable[str]:
    return MATRIX.keys()
