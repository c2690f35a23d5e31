"""Every write to school calendars. Importers and (later) the data steward's pages come through here."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.core.services import create_audited, update_audited
from casework.schools.models import School

from .choices import LISTED_DATES_SIGN, CalendarSource, DayKind
from .models import CalendarDate, GradingPeriod, Session


@dataclass(frozen=True)
class SetDatesResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def session_create(*, actor, school: School, school_year: int, name: str, begin: datetime.date,
                   end: datetime.date, calendar_source: str, total_instructional_days: int | None = None,
                   **fields: Any) -> Session:
    return create_audited(Session, actor=actor, school=school, school_year=school_year, name=name.strip(),
                          begin=begin, end=end, calendar_source=calendar_source,
                          total_instructional_days=total_instructional_days, **fields)


def session_update(*, actor, session: Session, expected_version: int | None = None, **changes: Any) -> Session:
    return update_audited(session, actor=actor, expected_version=expected_version, **changes)


def grading_period_create(*, actor, school: School, school_year: int, kind: str, sequence: int,
                          begin: datetime.date, end: datetime.date, total_instructional_days: int | None = None,
                          **fields: Any) -> GradingPeriod:
    return create_audited(GradingPeriod, actor=actor, school=school, school_year=school_year, kind=kind,
                          sequence=sequence, begin=begin, end=end,
                          total_instructional_days=total_instructional_days, **fields)


def grading_period_update(*, actor, period: GradingPeriod, expected_version: int | None = None,
                          **changes: Any) -> GradingPeriod:
    return update_audited(period, actor=actor, expected_version=expected_version, **changes)


@transaction.atomic
def calendar_set_dates(*, actor, school: School, days: Mapping[datetime.date, str],
                       descriptors: Mapping[datetime.date, str] | None = None,
                       notes: Mapping[datetime.date, str] | None = None) -> SetDatesResult:
    """List (or re-list) days of a school's calendar: {date: DayKind}. Idempotent: a date already
    listed with the same kind is left alone and counted unchanged; dates not given are not touched.
    `descriptors` and `notes` hold what a file gave: a date missing from them keeps its stored value."""
    valid = set(DayKind.values)
    unknown = sorted({k for k in days.values() if k not in valid})
    if unknown:
        raise ValidationError({"kind": f"Unknown calendar day kind: {', '.join(map(str, unknown))}. "
                                       f"Use one of: {', '.join(sorted(valid))}."})
    descriptors = descriptors or {}
    notes = notes or {}
    existing = {c.date: c for c in CalendarDate.objects.select_for_update().filter(school=school, date__in=list(days))}
    created = updated = unchanged = 0
    for day in sorted(days):
        row = existing.get(day)
        wanted = {"kind": days[day]}
        # A descriptor or note not given for a date keeps the stored one (a file without those columns
        # erases nothing); but a descriptor describes its kind, so a changed kind without one drops it.
        if day in descriptors:
            wanted["descriptor"] = descriptors[day]
        elif row is not None and row.kind != days[day]:
            wanted["descriptor"] = ""
        if day in notes:
            wanted["note"] = notes[day]
        if row is None:
            create_audited(CalendarDate, actor=actor, school=school, date=day, **wanted)
            created += 1
        elif all(getattr(row, k) == v for k, v in wanted.items()):
            unchanged += 1
        else:
            update_audited(row, actor=actor, **wanted)
            updated += 1
    return SetDatesResult(created, updated, unchanged)


def sessions_follow_listing(*, actor, school: School) -> int:
    """After dates were listed: a "periods with day counts" session that now has listed school days in its
    span counts only the listed ones, as it would have been decided had the dates come first (otherwise
    every unlisted weekday would stay a school day). Returns how many sessions moved."""
    moved = 0
    for session in Session.objects.filter(school=school, calendar_source=CalendarSource.PERIODS_WITH_COUNTS):
        if CalendarDate.objects.filter(school=school, date__gte=session.begin, date__lte=session.end,
                                       kind=LISTED_DATES_SIGN).exists():
            update_audited(session, actor=actor, calendar_source=CalendarSource.DATES_LISTED)
            moved += 1
    return moved
