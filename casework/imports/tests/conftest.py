import pytest


@pytest.fixture
def two_schools(db):
    """Schools A100 and B200, with students 100001 (at A100) and 200002 (at B200)."""
    from casework.core.testing import factories as f

    a = f.school(code="A100")
    b = f.school(code="B200")
    f.student(school=a, district_id="100001")
    f.student(school=b, district_id="200002")
