"""`casework summaries --start YYYY-MM-DD --end YYYY-MM-DD [--every 7]`: backfill the district dashboard's
trend by computing indicators in memory for each date (nothing but the summaries is stored), or
`casework summaries --as-of YYYY-MM-DD`: record them from the stored indicators of that date."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from casework.reports.services import SummaryError, summaries_backfill, summaries_record


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-15.") from None


class Command(BaseCommand):
    help = "Record the district dashboard's summaries: from stored indicators (--as-of) or backfilled (--start/--end)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Record from the stored indicators of this date")
        parser.add_argument("--start", help="Backfill from this date (e.g. the first day of school)")
        parser.add_argument("--end", help="Backfill through this date (default: --start)")
        parser.add_argument("--every", type=int, default=7, help="Days between backfilled dates (7)")

    def handle(self, *args, **opts):
        as_of, start = _date("--as-of", opts["as_of"]), _date("--start", opts["start"])
        end = _date("--end", opts["end"]) or start
        if (as_of is None) == (start is None):
            raise CommandError("Give either --as-of, or --start (and --end) to backfill.")
        try:
            if as_of is not None:
                rows = summaries_record(as_of=as_of)
                self.stdout.write(f"Summaries as of {as_of.isoformat()}: {rows} school x grade row(s) recorded.")
                return
            done = summaries_backfill(start=start, end=end, every_days=opts["every"])
        except SummaryError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backfilled {len(done.dates)} date(s), {done.rows} school x grade row(s).")
        for line in done.skipped:
            self.stdout.write(f"Skipped {line}")
