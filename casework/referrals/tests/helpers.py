"""Shared bits of the referral tests."""

from __future__ import annotations

import datetime

from casework.referrals.services import referral_create

D = datetime.date


def refer(world, *, who: str = "school_staff", student=None, school=None, reasons=("attendance",),
          urgency: str = "routine", actor=None):
    return referral_create(actor=actor or world.user(who), student=student or world.student_a,
                           school=school or world.school_a, reasons=list(reasons),
                           details="Absent 6 of the last 10 Mondays.", already_tried="Two calls home; one conference.",
                           urgency=urgency)
