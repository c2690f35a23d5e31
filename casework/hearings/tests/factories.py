"""Hearings for tests, through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casework.hearings import services
from casework.hearings.choices import HearingKind


def hearing(*, case, actor=None, kind: str = HearingKind.ATTENDANCE_HEARING, scheduled_at=None,
            place: str = "Main office", **fields):
    when = scheduled_at or timezone.now() + datetime.timedelta(days=7)
    return services.hearing_schedule(actor=actor, case=case, kind=kind, scheduled_at=when, place=place, **fields)
