"""The demo accounts: one per role, all with the published demo password, on any seeded database.

Idempotent: an account that exists is left as it is (password, names, roles), and a role it already
holds is not reassigned, so running `casework demo` again never changes who sees what. Reads only the
school list, so it is quick on a district-scale database too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from casework.accounts.models import RoleAssignment, User
from casework.accounts.services import role_assign, user_create
from casework.accounts.views import DEMO_PASSWORD
from casework.core.context import Source, audit_context
from casework.core.roles import Role
from casework.schools.models import School

PPW_SCHOOLS = 5  # schools in each demo PPW's set


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    title: str
    role: str


DEMO_USERS = [
    DemoAccount("director", "Renée", "Whitfield-Okafor", "Director of Pupil Personnel Services", Role.DIRECTOR),
    DemoAccount("supervisor", "Gordon", "Achterberg", "PPS Supervisor", Role.SUPERVISOR),
    DemoAccount("ppw1", "Marisol", "Quintanilla", "Pupil Personnel Worker", Role.PPW),
    DemoAccount("ppw2", "Kwame", "Ashby", "Pupil Personnel Worker", Role.PPW),
    DemoAccount("principal1", "Helen", "Brightwater", "Principal", Role.SCHOOL_ADMIN),
    DemoAccount("teacher1", "Tomás", "Lindqvist", "Grade 4 Teacher", Role.SCHOOL_STAFF),
    DemoAccount("steward", "Anh", "Trần", "Student Data Steward", Role.DATA_STEWARD),
    DemoAccount("auditor", "Dolores", "Pemberton", "Records Custodian", Role.AUDITOR),
]


def demo_school_sets(schools: list[School]) -> tuple[list[School], list[School], School | None]:
    """(ppw1's schools, ppw2's schools, principal1's school), disjoint PPW sets.

    The seed numbers schools by cluster (`CCNN`: cluster CC, high school 01, middle 02-09, elementary
    10+), so each demo PPW gets the schools of one cluster, the way PPWs are assigned; any other
    numbering falls back to consecutive codes."""
    schools = sorted(schools, key=lambda s: s.code)
    groups: dict[str, list[School]] = {}
    for school in schools:
        if len(school.code) == 4 and school.code.isdigit() and school.code[:2] < "90":
            groups.setdefault(school.code[:2], []).append(school)
    clusters = list(groups.values())
    if len(clusters) >= 2:
        first, second = clusters[0][:PPW_SCHOOLS], clusters[1][:PPW_SCHOOLS]
    else:
        first, second = schools[:PPW_SCHOOLS], schools[PPW_SCHOOLS : 2 * PPW_SCHOOLS]
    principal_school = next((s for s in first if s.level == School.Level.ELEMENTARY), first[0] if first else None)
    return first, second, principal_school


def ensure_demo_accounts() -> list[str]:
    """Create the missing demo accounts and roles; return the usernames created."""
    created: list[str] = []
    with audit_context(source=Source.SEED), transaction.atomic():
        ppw1_schools, ppw2_schools, principal_school = demo_school_sets(list(School.objects.filter(active=True)))
        schools_for = {
            "ppw1": ppw1_schools,
            "ppw2": ppw2_schools,
            "principal1": [principal_school] if principal_school else [],
            "teacher1": [principal_school] if principal_school else [],
        }
        for account in DEMO_USERS:
            user = User.objects.filter(username__iexact=account.username).first()
            if user is None:
                user = user_create(actor=None, username=account.username, password=DEMO_PASSWORD,
                                   first_name=account.first_name, last_name=account.last_name,
                                   email=f"{account.username}@casework-demo.example.org", title=account.title,
                                   check_password=False)
                created.append(account.username)
            if RoleAssignment.objects.filter(user=user, role=account.role).exists():
                continue
            schools = schools_for.get(account.username, [])
            if account.role in (Role.PPW, Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF) and not schools:
                continue  # no schools yet: the account waits for a seeded or imported database
            role_assign(actor=None, user=user, role=account.role, schools=schools)
    return created
