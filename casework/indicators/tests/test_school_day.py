"""An Ed-Fi EventDuration with no minutes: the fraction of a school day missed, counted against the rule
set's `school_day_minutes` (360 in Maryland default 2026.2: Educ. Art. 7-103, 1,080 hours over 180 days).

One student, one school, the weekdays 9/1-9/12/2025 (10 days), one absence event a day with only a
duration; every expected value is counted by hand below, and the engine (`indicators_as_of`) and the
set-based recompute must both give it.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from casework.core.testing import factories as f
from casework.indicators.inputs import indicators_as_of
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.indicators.services import indicators_recompute
from casework.rules import services as rules_services
from casework.rules.models import RuleSet

from .test_indicators import ten_school_days

D = datetime.date
pytestmark = pytest.mark.django_db
AS_OF = D(2025, 9, 12)

# (date, EventDuration) -> minutes present of a 360-minute day, the fraction dropped:
#   9/2 0.01 -> 356.4 -> 356: 4 h or more, a full day present (under 2026.1's 240: 237, a half day)
#   9/3 0.25 -> 270: full day present (2026.1: 180, half)
#   9/4 0.34 -> 237.6 -> 237: at least 2 h, under 4 h: half a day present
#   9/5 0.5  -> 180: half a day present
#   9/8 0.67 -> 118.8 -> 118: under 2 h, absent all day
#   9/9 1    -> 0: absent
DURATIONS = {D(2025, 9, 2): "0.01", D(2025, 9, 3): "0.25", D(2025, 9, 4): "0.34", D(2025, 9, 5): "0.5",
             D(2025, 9, 8): "0.67", D(2025, 9, 9): "1"}


@pytest.fixture
def student():
    school, pupil = ten_school_days(code="S300", district_id="300001")
    for day, duration in DURATIONS.items():
        f.attendance_event(student=pupil, school=school, date=day, category="unexcused", event_duration=duration)
    return pupil


def _counts(pupil) -> tuple[tuple, tuple]:
    """(days enrolled, absent, unlawful) from the engine, then from the stored recompute."""
    _, rows = indicators_as_of(as_of=AS_OF, detail=False)
    ytd = next(r for r in rows if r.student_pk == pupil.pk).result.year_to_date
    indicators_recompute(as_of=AS_OF)
    stored = StudentIndicator.objects.get(student=pupil, period_key=YEAR_TO_DATE)
    return ((ytd.days_enrolled, ytd.days_absent, ytd.days_unlawful),
            (stored.days_enrolled, stored.days_absent, stored.days_unlawful))


def test_a_duration_is_a_fraction_of_the_six_hour_school_day(student):
    # Absent: 9/4 0.5 + 9/5 0.5 + 9/8 1 + 9/9 1 = 3, all unlawful (unexcused).
    engine, stored = _counts(student)
    assert engine == (10, Decimal(3), Decimal(3))
    assert stored == engine


def test_a_district_may_shorten_the_day_not_lengthen_it(student):
    # A 5-hour day (300 minutes) is stricter: 9/2 0.01 -> 297, full; 9/3 0.25 -> 225, half; 9/4 0.34 -> 198,
    # half; 9/5 0.5 -> 150, half; 9/8 0.67 -> 99, absent; 9/9 absent. Absent 0.5 x 3 + 2 = 3.5.
    district = rules_services.ruleset_copy(actor=None, source=RuleSet.objects.get(rule_version="2026.2"),
                                           name="Example County", version="1", effective_from=D(2025, 7, 1))
    rules_services.ruleset_update(actor=None, ruleset=district, values={"school_day_minutes": 300})
    engine, stored = _counts(student)
    assert engine == (10, Decimal("3.5"), Decimal("3.5"))
    assert stored == engine
    # A longer one would count fewer absences (0.5 of 480 minutes is a full day): refused. A school with a
    # longer day sends its minutes scheduled with each event, which take precedence.
    with pytest.raises(ValidationError) as info:
        rules_services.ruleset_update(actor=None, ruleset=district, values={"school_day_minutes": 480})
    assert ("school_day_minutes: 480 is less strict than the law allows: Maryland default (version 2026.2) sets "
            "360") in " ".join(info.value.messages)


def test_a_copy_of_2026_1_keeps_its_meaning(student):
    # A district set copied from 2026.1 has no school_day_minutes: the fraction is of the 240-minute full
    # day, as when it was made. 9/2 0.01 -> 237 and 9/3 0.25 -> 180: half days; 9/4 -> 158, half; 9/5
    # -> 120, half; 9/8 -> 79, absent; 9/9 absent. Absent 0.5 x 4 + 2 = 4.
    old = RuleSet.objects.get(rule_version="2026.1")
    assert "school_day_minutes" not in old.values
    rules_services.ruleset_copy(actor=None, source=old, name="Example County", version="1",
                                effective_from=D(2025, 7, 1))
    engine, stored = _counts(student)
    assert engine == (10, Decimal(4), Decimal(4))
    assert stored == engine


def test_a_school_day_shorter_than_a_full_day_is_refused():
    district = rules_services.ruleset_copy(actor=None, source=RuleSet.objects.get(rule_version="2026.2"),
                                           name="Example County", version="1", effective_from=D(2025, 7, 1))
    with pytest.raises(ValidationError) as info:
        rules_services.ruleset_update(actor=None, ruleset=district, values={"school_day_minutes": 200})
    assert ("school_day_minutes: A school day (200 minutes) cannot be shorter than a full day present "
            "(240 minutes).") in info.value.messages
    with pytest.raises(ValidationError) as info:
        rules_services.ruleset_update(actor=None, ruleset=district, values={"school_day_minutes": 0})
    assert "school_day_minutes: Minutes must be a whole number from 1 to 1440; got 0." in info.value.messages


def test_a_copy_of_2026_1_is_given_a_school_day_from_the_command_line():
    f.user(username="stew-sd", role="data_steward")
    old = rules_services.ruleset_copy(actor=None, source=RuleSet.objects.get(rule_version="2026.1"),
                                      name="Example County", version="1", effective_from=D(2025, 7, 1))
    out = io.StringIO()
    call_command("rules", "show", str(old.pk), stdout=out)
    assert "school_day_minutes not set (this rule set predates it)" in out.getvalue()
    call_command("rules", "set", str(old.pk), "school_day_minutes=330", "--user", "stew-sd", stdout=io.StringIO())
    old.refresh_from_db()
    assert old.values["school_day_minutes"] == {"value": 330, "source": "District rule in Example County (version 1)"}
    assert old.rules().school_day_minutes == 330
