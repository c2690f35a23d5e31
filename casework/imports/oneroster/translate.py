"""OneRoster 1.2 rows translated into the plain-CSV vocabulary of docs/imports.md, so the same importers
write OneRoster, Ed-Fi and CSV data. Each translated row keeps the line of the OneRoster row it came from;
a row that cannot be translated becomes a `Problem` at that line (common.py). One module per kind of
data: schools.py (orgs, academicSessions), people.py (users, roles, demographics), enrollments.py."""

from __future__ import annotations

from .enrollments import EnrollmentRows
from .people import PeopleRows
from .schools import SchoolRows


class Translation(SchoolRows, PeopleRows, EnrollmentRows):
    """Every stage's rows, worked out once from the whole bundle (stages run in dependency order, but a
    students row needs demographics.csv and an enrollment needs users.csv and orgs.csv)."""

    def delta_warnings(self) -> list[str]:
        """What a delta bundle does not do, for the run's message: Casework deletes nothing but enrollments."""
        notes = []
        for name, what in (("users", "user"), ("orgs", "org"), ("academicSessions", "session"),
                           ("demographics", "demographics row")):
            if not self.bundle.delta(name):
                continue
            self._by_sourced_id(name, f"{name}.csv")
            lines = sorted(line for line, _ in self.deleted(name).values())
            if lines:
                kept = ("are kept with their records: Casework deletes no student or guardian (end their "
                        "enrollments with tobedeleted enrollments, or in the SIS)" if name == "users" else
                        "are kept: Casework deletes nothing a delta marks tobedeleted except enrollments, which end")
                notes.append(f"{name}.csv (delta): {len(lines)} {what}(s) marked tobedeleted {kept}; "
                             f"line(s) {_lines(lines)}.")
        unroled = sorted(u.line for u in self.users.values() if not u.roles)
        if unroled and self.bundle.delta("users"):
            notes.append(f"users.csv (delta): {len(unroled)} user(s) with no role, and not students Casework holds, "
                         f"were not imported; line(s) {_lines(unroled)}.")
        if self.deleted_roles:
            notes.append(f"roles.csv (delta): {len(self.deleted_roles)} role(s) marked tobedeleted are kept: Casework "
                         f"deletes nothing a delta marks tobedeleted except enrollments; line(s) "
                         f"{_lines(self.deleted_roles)}.")
        if self.bundle.delta("demographics"):
            orphans = sorted(line for sid, (line, _) in self.demographics.items() if sid not in self.users)
            if orphans:
                notes.append(f"demographics.csv (delta): {len(orphans)} row(s) of users not in users.csv were not "
                             f"read (Casework reads a student's demographics with their users.csv row; export the "
                             f"user too); line(s) {_lines(orphans)}.")
        delta_orgs = self.bundle.delta("orgs")
        nowhere = sorted(s.line for s in self._sessions[0] if delta_orgs and not self._session_schools(s))
        if nowhere:
            notes.append(f"academicSessions.csv (delta): {len(nowhere)} session(s) went to no school: no school holds "
                         f"them yet and orgs.csv lists none; line(s) {_lines(nowhere)}.")
        nothing_to_end = self._ended[1]
        if nothing_to_end:
            notes.append(f"enrollments.csv (delta): {len(nothing_to_end)} tobedeleted enrollment(s) end nothing: "
                         f"Casework holds no enrollment open there on that day; line(s) {_lines(nothing_to_end)}.")
        return notes


def _lines(lines: list[int], shown: int = 10) -> str:
    return ", ".join(map(str, lines[:shown])) + (f" and {len(lines) - shown} more" if len(lines) > shown else "")
