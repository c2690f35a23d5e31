"""users.csv (with roles.csv and demographics.csv) -> students, guardians and student-guardian links.
student_id and guardian_id are the user's `identifier` (the SIS number) when given, else its sourcedId."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from casework.imports.parsing import RowError
from casework.students.models import Student

from .common import Located, Problem, Rows, by_line, is_deleted, parse_day, problem_of, split_list, status_error

GUARDIAN_ROLES = ("parent", "guardian", "relative")
_SEX = {"female": "F", "male": "M", "other": "X", "unspecified": "U", "": "U"}
# CEDS grade codes -> Casework grades. Every CEDS code imports: a student the SIS rosters still needs a
# PPW. Before kindergarten (IT infant/toddler, PR preschool, TK transitional kindergarten) is PK; past
# grade 12 (13, PS postsecondary, e.g. a student finishing in a transition program) and Other are UG.
_GRADES = {"IT": "PK", "PR": "PK", "PK": "PK", "TK": "PK", "KG": "KG", "13": "UG", "PS": "UG", "UG": "UG",
           "OTHER": "UG", **{f"{n:02d}": f"{n:02d}" for n in range(1, 13)}}
_STATE_ID_TYPES = {"sasid", "stateid", "state_id", "state", "msid"}


def users_without_roles(bundle) -> bool:
    """A bulk users.csv with no role column and no roles.csv: a 1.2 users.csv (roles moved to roles.csv) in
    a bundle of only the five core files (manifest, orgs, users, enrollments, academicSessions)."""
    users = bundle.files.get("users")
    return (users is not None and not bundle.delta("users") and not bundle.has("roles")
            and not {"role", "roles"} & set(users.columns))


@dataclass
class User:
    line: int
    row: dict[str, str]
    roles: set[str] = field(default_factory=set)
    # (org sourcedId, beginDate, endDate) for the student role, from users.csv or roles.csv
    orgs: list[tuple[str, datetime.date | None, datetime.date | None]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.row.get("identifier") or self.row["sourcedid"]

    @property
    def is_student(self) -> bool:
        return "student" in self.roles

    @property
    def guardian_role(self) -> str | None:
        return next((r for r in GUARDIAN_ROLES if r in self.roles), None)


class PeopleRows(Rows):
    # Users -> students, guardians, student_guardians -----------------------------------------------
    @cached_property
    def _users(self) -> tuple[dict[str, User], list[Located], list[Located]]:
        """The users, users.csv's problems and roles.csv's problems."""
        rows, problems = self._by_sourced_id("users", "users.csv")
        users = {sid: User(line, row) for sid, (line, row) in rows.items()}
        for user in users.values():
            user.roles.update(r.lower() for r in split_list(user.row.get("role", "") or user.row.get("roles", "")))
        self._roles_from_store(users)
        self._roles_from_enrollments(users)
        for user in users.values():
            orgs = split_list(user.row.get("orgsourcedids", "")) or split_list(user.row.get("primaryorgsourcedid", ""))
            if user.is_student:
                user.orgs.extend((org, None, None) for org in orgs)
        role_problems: list[Located] = []
        seen: dict[str, int] = {}
        self.deleted_roles: list[int] = []
        for line, row in self.bundle.rows("roles"):
            duplicate = None if isinstance(row, RowError) else self.duplicate(row, seen, line, "roles.csv")
            if duplicate is not None:
                role_problems.append((line, "", duplicate))
                continue
            if not isinstance(row, RowError) and is_deleted(row) and self.bundle.delta("roles"):
                self.deleted_roles.append(line)  # a delta's: the user keeps the role (Casework deletes nothing)
                continue
            try:
                self._role(users, row)
            except RowError as exc:
                role_problems.append((line, "", problem_of(exc)))
        return users, problems, role_problems

    def _roles_from_store(self, users: dict[str, User]) -> None:
        """A delta users.csv without a role column lists changed users only: one Casework holds as a
        student (by identifier, else sourcedId) is a student; others without a role are not imported."""
        users_file = self.bundle.files.get("users")
        if users_file is None or not self.bundle.delta("users") or {"role", "roles"} & set(users_file.columns):
            return
        unroled = [u for u in users.values() if not u.roles]
        known = set(Student.objects.filter(district_id__in=[u.key for u in unroled]).values_list("district_id",
                                                                                                  flat=True))
        for user in unroled:
            if user.key in known:
                user.roles.add("student")

    def _roles_from_enrollments(self, users: dict[str, User]) -> None:
        """Without any role column: a user enrolled with role `student` in enrollments.csv is a student, and
        a user who is a student's agent (either side's agentSourcedIds) is a guardian of unknown relationship
        (OneRoster `relative`: the link's relationship is other). Anyone else (teachers) is not imported."""
        if not users_without_roles(self.bundle):
            return
        for _line, row in self.bundle.rows("enrollments"):
            if isinstance(row, RowError) or is_deleted(row) or row.get("role", "").lower() != "student":
                continue
            user = users.get(row.get("usersourcedid", ""))
            if user is not None:
                user.roles.add("student")
        for user in users.values():
            agents = split_list(user.row.get("agentsourcedids", ""))
            if user.is_student:
                for agent in agents:
                    if (other := users.get(agent)) is not None and not other.is_student:
                        other.roles.add("relative")
            elif any((other := users.get(a)) is not None and other.is_student for a in agents):
                user.roles.add("relative")

    def _role(self, users: dict[str, User], row: dict[str, str] | RowError) -> None:
        if isinstance(row, RowError):  # more or fewer values than the header
            raise row
        error = status_error(row, delta=self.bundle.delta("roles"))
        if error is not None:
            raise error
        user = users.get(row["usersourcedid"])
        if user is None:
            raise self.unknown("userSourcedId", row["usersourcedid"], "users.csv", "User")
        role = row["role"].lower()
        user.roles.add(role)  # the user's role stands even when this row's org or dates are rejected
        if role == "student":  # the org is where the student is enrolled: it must be in orgs.csv
            if row["orgsourcedid"] not in self.orgs and not self.bundle.delta("orgs"):
                raise self.unknown("orgSourcedId", row["orgsourcedid"], "orgs.csv", "Org")
            span = (parse_day(row, "begindate", "beginDate"), parse_day(row, "enddate", "endDate"))
            user.orgs.append((row["orgsourcedid"], *span))

    def student_key(self, sid: str) -> str:
        """The student id a user sourcedId names. RowError when the user is unknown (not in users.csv, nor,
        for a delta users.csv, a tobedeleted row or a student Casework holds under that id) or no student."""
        user = self.users.get(sid)
        if user is not None:
            if not user.is_student:
                raise RowError("userSourcedId", sid, f"User {sid} is enrolled as a student but users.csv does not "
                                                     "give them the student role.")
            return user.key
        if not self.bundle.delta("users"):
            raise self.unknown("userSourcedId", sid, "users.csv", "User")
        deleted = self.deleted("users").get(sid)
        if deleted is not None:
            return deleted[1].get("identifier") or sid
        if Student.objects.filter(district_id=sid).exists():
            return sid
        raise RowError("userSourcedId", sid, f"Unknown user {sid}: not in this delta users.csv, and no student has "
                                             "this id; include the user's row in the export.")

    def role_problem_rows(self) -> list[Located]:
        return self._users[2]

    @property
    def users(self) -> dict[str, User]:
        return self._users[0]

    @cached_property
    def demographics(self) -> dict[str, tuple[int, dict[str, str]]]:
        return self._by_sourced_id("demographics", "demographics.csv")[0]

    def student_rows(self) -> list[Located]:
        out: list[Located] = list(self._users[1])
        seen: dict[str, int] = {}
        for sid, user in self.users.items():
            if not user.is_student:
                continue
            if user.key in seen:
                out.append((user.line, "", Problem("identifier", user.key, f"Student {user.key} is also the user on "
                                                                           f"line {seen[user.key]} of users.csv.",
                                                   student=user.key)))
                continue
            seen[user.key] = user.line
            if len(user.key) > 32:  # Student.district_id; a GUID sourcedId does not fit
                column = "identifier" if user.row.get("identifier") else "sourcedId"
                out.append((user.line, "", Problem(column, user.key, f"Student id {user.key} is longer than 32 "
                                                                     "characters; give the user its SIS student "
                                                                     "number as identifier.", key=user.key)))
                continue
            try:
                out.append((user.line, "", self._student(sid, user)))
            except RowError as exc:
                out.append((user.line, "", problem_of(exc, key=user.key)))
        return sorted(out, key=by_line)

    def _check_orgs(self, user: User) -> None:
        """The orgs an imported user (student, guardian) names must be in orgs.csv; the users Casework
        does not import (teachers, administrators) are not checked."""
        for column, name in (("orgsourcedids", "orgSourcedIds"), ("primaryorgsourcedid", "primaryOrgSourcedId")):
            for org in split_list(user.row.get(column, "")):
                if org not in self.orgs and not self.bundle.delta("orgs"):
                    raise self.unknown(name, org, "orgs.csv", "Org")

    def _student(self, sid: str, user: User) -> dict[str, str]:
        row = user.row
        self._check_orgs(user)
        plain = {"student_id": user.key, "first_name": row["givenname"], "last_name": row["familyname"],
                 "grade": _grade(row.get("grades", ""))}
        if "middlename" in row:
            plain["middle_name"] = row["middlename"]
        for column in ("preferredgivenname", "preferredfirstname"):
            if column in row:
                plain["preferred_name"] = row[column]
        state_id = _state_id(row.get("userids", ""))
        if state_id:
            plain["state_id"] = state_id
        demo = self.demographics.get(sid)
        if demo is None:  # demographics.csv is optional in OneRoster: no birth_date, the importer keeps what is stored
            return plain
        demo_line, demo_row = demo
        where = f"demographics.csv, line {demo_line}: "
        birth = parse_day(demo_row, "birthdate", "birthDate", where=where)
        if birth is not None:  # birthDate is optional too
            plain["birth_date"] = birth.isoformat()
        if "sex" in demo_row:
            sex = _SEX.get(demo_row["sex"].lower())
            if sex is None:
                raise RowError("sex", demo_row["sex"], f"{where}sex {demo_row['sex']!r} is not male, female, "
                                                       "other or unspecified.")
            plain["sex"] = sex
        return plain

    def guardian_rows(self) -> list[Located]:
        out: list[Located] = []
        for user in self.users.values():
            if user.guardian_role and not user.is_student:
                row = user.row
                try:
                    self._check_orgs(user)
                except RowError as exc:
                    out.append((user.line, "", problem_of(exc, key=user.key)))
                    continue
                out.append((user.line, "", {"guardian_id": user.key, "first_name": row["givenname"],
                                            "last_name": row["familyname"],
                                            "phone": row.get("phone", "") or row.get("sms", ""),
                                            "email": row.get("email", "")}))
        return out

    def student_guardian_rows(self) -> list[Located]:
        """A link for each guardian a student names in agentSourcedIds (in that order: contact_order), and
        for each guardian naming the student (OneRoster lets either side list the other)."""
        users = self.users
        links: dict[str, list[str | None]] = defaultdict(list)
        out: list[Located] = []
        for sid, user in users.items():
            for agent in split_list(user.row.get("agentsourcedids", "")):
                other = users.get(agent)
                if other is None and self.bundle.delta("users"):
                    if user.is_student:  # not changed, so not listed: the stored link stays, in its place
                        links[sid].append(None)
                    continue
                if other is None:
                    if user.is_student or user.guardian_role:
                        out.append((user.line, "", problem_of(self.unknown("agentSourcedIds", agent, "users.csv",
                                                                           "User"))))
                    continue
                if user.is_student and other.guardian_role and not other.is_student and agent not in links[sid]:
                    links[sid].append(agent)
        for sid, user in sorted(users.items()):
            if user.guardian_role and not user.is_student:
                for agent in split_list(user.row.get("agentsourcedids", "")):
                    if agent in users and users[agent].is_student and sid not in links[agent]:
                        links[agent].append(sid)
        for sid, agents in links.items():
            student = users[sid]
            for order, agent in enumerate(agents, 1):
                if agent is None:
                    continue
                guardian = users[agent]
                link = {"student_id": student.key, "guardian_id": guardian.key, "contact_order": str(order)}
                relationship = self._relationship(agent, guardian)
                if relationship is not None:
                    link["relationship"] = relationship
                out.append((student.line, "", link))
        return sorted(out, key=by_line)

    def _relationship(self, sid: str, guardian: User) -> str | None:
        """Relationship choices have no "parent": a parent is a mother or father when demographics.csv says
        female or male, else other; None (the stored link keeps its relationship, a new one is other) when
        demographics.csv has no row for the parent. A guardian is the court-appointed one; a relative is other."""
        role = guardian.guardian_role
        if role == "guardian":
            return "legal_guardian"
        if role == "parent":
            demo = self.demographics.get(sid)
            if demo is None:
                return None
            return {"female": "mother", "male": "father"}.get(demo[1].get("sex", "").lower(), "other")
        return "other"


def _grade(value: str) -> str:
    codes = split_list(value)
    if not codes:
        raise RowError("grades", "", "grades is empty: Casework needs the student's grade (a CEDS code such as "
                                     "09, KG or PK).")
    code = codes[0].upper()  # a student has one grade; a list names it first
    if code.isdigit() and 1 <= int(code) <= 12:
        code = f"{int(code):02d}"
    if code not in _GRADES:
        raise RowError("grades", codes[0], f"Grade {codes[0]!r} is not a CEDS grade code; use IT, PR, PK, TK, KG, "
                                           "01..13, PS, UG or Other.")
    return _GRADES[code]


def _state_id(user_ids: str) -> str:
    """userIds is a list of {type:identifier}; a type naming the state id gives the Maryland SASID."""
    for item in re.findall(r"\{([^{}:]+):([^{}]*)\}", user_ids):
        if item[0].strip().lower() in _STATE_ID_TYPES:
            return item[1].strip()
    return ""

