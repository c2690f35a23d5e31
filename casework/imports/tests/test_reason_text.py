"""A lawful reason carried only in the reason text (as Ed-Fi's free-text AttendanceEventReason does)."""

import pytest

from casework.imports.importers import _reason_in_text


@pytest.mark.parametrize(("text", "code"), [
    ("B. Illness of the student", "B"),  # the reason's own label
    ("b. illness of the student", "B"),
    ("Pregnancy: labor, delivery and recovery", "PP-BIRTH"),
    ("J) doctor's note on file", "J"),  # led by a code
    ("PP-CHILD: clinic visit", "PP-CHILD"),
    ("Bus broke down", None),  # no code: the absence stays presumed unlawful
    ("Bad weather", None),
    ("", None),
])
def test_reason_in_text(text, code):
    assert _reason_in_text(text) == code
