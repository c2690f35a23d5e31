"""Hand-made indicator rows: the values the ladder reads, set directly so each test states its numbers."""

from __future__ import annotations

import datetime

from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.rules.models import RuleSet

MON = datetime.date(2025, 10, 6)  # a Monday in the school year


def indicator(student, school, *, as_of=MON, unlawful=0.0, enrolled=30, rate=0.95, truant=False, habitual=False):
    return StudentIndicator.objects.create(
        student=student, school=school, as_of=as_of, period_key=YEAR_TO_DATE, period_kind="year",
        rule_set=RuleSet.objects.defaults().order_by("effective_from").first(), calendar_method="test",
        days_enrolled=enrolled, days_absent=unlawful, days_unlawful=unlawful, attendance_rate=rate,
        truant_7_302_2=truant, habitual_truant=habitual, values={})


def step(key):
    from casework.enforcement.models import LadderStep

    return LadderStep.objects.get(ladder__is_default=True, key=key)
