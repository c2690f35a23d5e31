"""The profile's "Attendance this year" card: the stored year-to-date row of each school the user's
early-warning list reaches, as that list shows it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from casework.core.testing import factories as f
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.rules.models import RuleSet

pytestmark = pytest.mark.django_db
D = datetime.date


def stored(student, school, **fields):
    base = {"student": student, "school": school, "as_of": D(2025, 10, 15), "period_key": YEAR_TO_DATE,
            "period_kind": "year", "rule_set": RuleSet.objects.get(rule_version="2026.2"),
            "calendar_method": "dates_listed", "values": {}}
    return StudentIndicator.objects.create(**(base | fields))


@pytest.fixture
def kid():
    a, b = f.school(code="P100", name="Pine Elementary"), f.school(code="P200", name="Poplar Middle")
    child = f.student(school=a, first_name="Ana", last_name="Quill")
    f.enrollment(student=child, school=b, entry_date=D(2025, 10, 1))
    # 10 of 40 days absent = 25%: severe chronic absence; 8 unlawful > 20% of 40: habitual truant.
    stored(child, a, days_enrolled=40, days_absent=10, days_unlawful=8, attendance_rate=0.75,
           band="severe_chronic", chronic_absent=True, habitual_truant=True, abc_attendance=True, suspensions=1)
    stored(child, b, days_enrolled=8, days_absent=1, days_unlawful=0, attendance_rate=0.875, band="")
    return child, a, b


def profile(client, user, child):
    client.force_login(user)
    response = client.get(reverse("students:detail", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_card_gives_rate_band_counts_and_flags_per_school(client, kid):
    child, a, b = kid
    page = profile(client, f.user(role="director"), child)
    assert ("<strong>Pine Elementary</strong>, as of 10/15/2025: 75.0% attendance (Severe chronic absence); "
            "10 of 40 days absent, 8 unlawful; 1 suspension.") in page
    assert '<li>Chronically absent</li><li>Habitual truant</li><li>ABC: attendance under 90%</li>' in page
    # Under the 10-day minimum: a rate, but no band and no flag.
    assert ("<strong>Poplar Middle</strong>, as of 10/15/2025: 87.5% attendance (Not rated (too few days "
            "enrolled)); 1 of 8 days absent, 0 unlawful.") in page
    assert f'href="{reverse("students:attendance", args=[child.pk])}"' in page
    # The title goes into the browser's history: no name, no SIS id.
    assert "<title>Student profile · Casework</title>" in page and child.district_id not in page.split("</title>")[0]


def test_the_card_shows_only_the_schools_the_user_reaches(client, kid):
    child, a, b = kid
    page = profile(client, f.user(role="ppw", schools=[b]), child)
    assert "Poplar Middle</strong>" in page and "Pine Elementary</strong>" not in page
