"""`casework seed --scale demo|district [--seed N]`: fill an empty database with a synthetic district."""

from __future__ import annotations

from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError

from casework.seed.plan import SCALES
from casework.seed.writer import SeedRefused, seed_database


class Command(BaseCommand):
    help = ("Generate a synthetic school district (schools, staff, students, guardians, households, "
            "enrollments) in an empty database. Deterministic for a given --seed; every person is invented.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo",
                            help="demo: 12 schools, ~3,000 students; district: ~200 schools, 160,000 students")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same district)")
        parser.add_argument("--students", type=int, default=None,
                            help="Override the scale's student count (the schools stay as the scale has them)")

    def handle(self, *args, **opts):
        scale = SCALES[opts["scale"]]
        if opts["students"] is not None:
            if opts["students"] < 1:
                raise CommandError("--students must be at least 1.")
            scale = replace(scale, students=opts["students"])
        progress = self._progress if scale.students >= 20_000 and opts["verbosity"] >= 1 else None
        if progress:
            self.stdout.write(f"Seeding {scale.students:,} students in one transaction...")
        try:
            summary = seed_database(scale=scale, seed=opts["seed"], progress=progress)
        except SeedRefused as exc:
            raise CommandError(f"Refusing to seed: {exc}.") from None
        for line in summary.lines():
            self.stdout.write(line)

    def _progress(self, done: int, total: int, seconds: float) -> None:
        self.stdout.write(f"  {done:>9,} / {total:,} students ({done * 100 // total:>3}%)  {seconds:6.1f} s")
        self.stdout.flush()
