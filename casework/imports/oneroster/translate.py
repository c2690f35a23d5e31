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
