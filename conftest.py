"""Fixtures every test can use. `world` is a small district: two schools, a student in each, and one
account per role (PPW and principal scoped to school A)."""

from dataclasses import dataclass

import pytest

from casework.core.testing import factories as f


@dataclass
class World:
    school_a: object
    school_b: object
    student_a: object
    student_b: object
    users: dict

    def user(self, role: str):
        return self.users[role]


@pytest.fixture
def world(db) -> World:
    a = f.school(code="A100", name="Alpha Elementary")
    b = f.school(code="B200", name="Beta Middle", level="middle")
    student_a = f.student(school=a, first_name="José", last_name="García", district_id="100001")
    student_b = f.student(school=b, first_name="Zoë", last_name="Nguyễn", district_id="200002", grade="07")
    f.guardian(student=student_a, relationship="grandmother", has_custody=True, lives_with=True)
    users = {
        "director": f.user(username="t-director", role="director"),
        "supervisor": f.user(username="t-supervisor", role="supervisor"),
        "ppw": f.user(username="t-ppw", role="ppw", schools=[a]),
        "school_admin": f.user(username="t-principal", role="school_admin", schools=[a]),
        "school_staff": f.user(username="t-teacher", role="school_staff", schools=[a]),
        "data_steward": f.user(username="t-steward", role="data_steward"),
        "auditor": f.user(username="t-auditor", role="auditor"),
        "none": f.user(username="t-norole"),
    }
    return World(a, b, student_a, student_b, users)
