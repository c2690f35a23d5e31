"""`casework indicators --as-of YYYY-MM-DD [--school CODE] [--format csv|json]`: attendance and
discipline indicators, one row per student x school, year to date as of the date (docs/indicators.md)."""

from __future__ import annotations

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from casework.core.dates import ISO_DAY
from casework.indicators.inputs import IndicatorError, indicators_as_of, no_calendar_message
from casework.indicators.output import COLUMNS, csv_row, json_row
from casework.schools.models import School


def _as_of(text: str) -> date:
    text = text.strip()
    if not ISO_DAY.fullmatch(text):
        raise CommandError(f"--as-of {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-15.")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text}: there is no such date.") from None
    if not 1990 <= day.year <= 2100:
        raise CommandError(f"--as-of {text}: give a date of a school year between 1990 and 2100.")
    return day


def _school_ids(code: str | None) -> list[int] | None:
    """--school CODE as a list of one school id; None (every school) without it."""
    if code is None:
        return None
    pk = School.objects.filter(code=code.strip()).values_list("pk", flat=True).first()
    if pk is None:
        raise CommandError(f"Unknown school code {code.strip()!r}: no school has this code.")
    return [pk]


class Command(BaseCommand):
    help = ("Print attendance indicators (days enrolled, present, absent, unlawful, rate, band, chronic "
            "absence, habitual truancy, Educ. Art. 7-302.2 truancy, suspensions, ABC flags), one row per "
            "student x school, year to date as of a date.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="Count through this date (inclusive), YYYY-MM-DD")
        parser.add_argument("--school", default=None, help="Only this school (its SIS school code, School.code)")
        parser.add_argument("--format", choices=["csv", "json"], default="csv", help="Output format (csv)")

    def handle(self, *args, **opts):
        as_of = _as_of(opts["as_of"])
        school_ids = _school_ids(opts["school"])
        try:  # district-wide, one school without a calendar does not keep every other school's rows back
            inputs, rows = indicators_as_of(as_of=as_of, school_ids=school_ids,
                                            leave_out_uncalendared=school_ids is None)
        except IndicatorError as exc:
            raise CommandError(str(exc)) from None
        if school_ids and not any(cal.days for pk, cal in inputs.calendars.items() if pk in school_ids):
            # No students there this year either: an empty table would read as "nobody is absent".
            raise CommandError(no_calendar_message([opts["school"].strip()], inputs.year_start, inputs.year_end))
        if inputs.left_out:
            self.stderr.write(f"Warning: {no_calendar_message(inputs.left_out, inputs.year_start, inputs.year_end)} "
                              "Their students are left out below.")
        if opts["format"] == "json":
            self.stdout.write(json.dumps([json_row(r) for r in rows], indent=2, ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow(csv_row(r))
