"""`casework recompute [--as-of YYYY-MM-DD] [--school CODE]`: recompute and store indicators in full (the
list pages and the worklist read the stored rows; imports recompute only what they changed)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from casework.indicators.inputs import IndicatorError
from casework.indicators.management.commands.indicators import _as_of, _school_ids
from casework.indicators.services import default_as_of, indicators_recompute
from casework.indicators.thinday import thin_last_day


class Command(BaseCommand):
    help = ("Recompute and store attendance indicators for every student x school (or one school), as of a date "
            "(default: today, or the last day with attendance recorded when that is earlier).")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default=None, help="Count through this date (inclusive), YYYY-MM-DD")
        parser.add_argument("--school", default=None, help="Only this school (its SIS school code)")

    def handle(self, *args, **opts):
        as_of = _as_of(opts["as_of"]) if opts["as_of"] else default_as_of()
        school_ids = _school_ids(opts["school"])
        started = time.perf_counter()
        try:
            done = indicators_recompute(as_of=as_of, school_ids=school_ids)
        except IndicatorError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Indicators as of {as_of.isoformat()}: {done.pairs} student x school pairs, {done.rows} "
                          f"rows stored; {done.crossed} flag(s) newly crossed, {done.cleared} cleared "
                          f"({time.perf_counter() - started:.1f} s).")
        if done.skipped:
            self.stderr.write(f"Warning: {done.skipped_note()}")
        if thin := thin_last_day(as_of):
            self.stderr.write(f"Warning: {thin}")
