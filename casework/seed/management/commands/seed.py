"""`casework seed --scale demo|district [--seed N] [--export DIR [--through YYYY-MM-DD] [--no-db]]`: fill an
empty database with a synthetic district, and/or write it out as CSV and Ed-Fi XML."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.indicators.inputs import IndicatorError
from casework.seed.export import export_district
from casework.seed.plan import AS_OF, SCALES
from casework.seed.writer import SeedRefused, recompute_indicators, seed_database


class Command(BaseCommand):
    help = ("Generate a synthetic school district (schools, staff, students, guardians, households, "
            "enrollments; calendars, attendance, discipline, programs and course grades through the snapshot) "
            "in an empty database. Deterministic for a given --seed; every person is invented.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo",
                            help="demo: 12 schools, ~3,000 students; district: ~200 schools, 160,000 students")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same district)")
        parser.add_argument("--students", type=int, default=None,
                            help="Override the scale's student count (the schools stay as the scale has them)")
        parser.add_argument("--export", metavar="DIR", default=None,
                            help="Also write the district as plain CSV and Ed-Fi XML interchanges into DIR "
                                 "(generated from the plan, not read back)")
        parser.add_argument("--through", metavar="YYYY-MM-DD", default=None,
                            help=f"With --export: attendance up to this date (default {AS_OF.isoformat()}, the "
                                 "seed's snapshot; e.g. 2027-06-15 for the whole school year)")
        parser.add_argument("--no-db", action="store_true", help="With --export: only export, leave the database alone")
        parser.add_argument("--no-recompute", action="store_true",
                            help="Skip the indicators recompute after seeding (run `casework indicators` later)")
        parser.add_argument("--no-grades", action="store_true",
                            help="Leave out course grades, in the database and the export (a full-year district "
                                 "export's grades are 3.2 million rows, 4.6 GB of Ed-Fi XML)")

    def handle(self, *args, **opts):
        scale = SCALES[opts["scale"]]
        if opts["students"] is not None:
            if opts["students"] < 1:
                raise CommandError("--students must be at least 1.")
            scale = replace(scale, students=opts["students"])
        through = AS_OF
        if opts["through"] is not None:
            if not opts["export"]:
                raise CommandError("--through needs --export DIR.")
            try:
                through = date.fromisoformat(opts["through"])
            except ValueError:
                raise CommandError(f"--through {opts['through']!r} is not a date; use YYYY-MM-DD.") from None
            if through < AS_OF:
                raise CommandError(f"--through must be on or after the seed's snapshot, {AS_OF.isoformat()}.")
        if opts["no_db"] and not opts["export"]:
            raise CommandError("--no-db needs --export DIR.")
        if not opts["no_db"]:
            self._seed(scale, opts)
        if opts["export"]:
            try:
                summary = export_district(Path(opts["export"]), scale=scale, seed=opts["seed"], through=through,
                                          grades=not opts["no_grades"])
            except OSError as exc:
                raise CommandError(f"Cannot write the export to {opts['export']}: {exc.strerror or exc}.") from None
            for line in summary.lines():
                self.stdout.write(line)

    def _seed(self, scale, opts):
        progress = self._progress if scale.students >= 20_000 and opts["verbosity"] >= 1 else None
        if progress:
            self.stdout.write(f"Seeding {scale.students:,} students in one transaction...")
        try:
            summary = seed_database(scale=scale, seed=opts["seed"], progress=progress, recompute=False,
                                    grades=not opts["no_grades"])
        except SeedRefused as exc:
            raise CommandError(f"Refusing to seed: {exc}.") from None
        if not opts["no_recompute"]:
            if progress:
                self.stdout.write(f"  {summary.seconds:.1f} s: recomputing indicators as of {AS_OF.isoformat()}...")
                self.stdout.flush()
            try:
                recompute_indicators(summary, AS_OF)
            except IndicatorError as exc:
                raise CommandError(f"Seeded, but the indicators could not be computed: {exc}") from None
        for line in summary.lines():
            self.stdout.write(line)

    def _progress(self, done: int, total: int, seconds: float) -> None:
        self.stdout.write(f"  {done:>9,} / {total:,} students ({done * 100 // total:>3}%)  {seconds:6.1f} s")
        self.stdout.flush()
