"""`casework ladder [--as-of YYYY-MM-DD] [--school CODE]`: make due the ladder steps the stored indicators
trigger (opening attendance cases where needed) and print what was done. Safe to re-run."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.enforcement.services import ladder_evaluate
from casework.schools.models import School


class Command(BaseCommand):
    help = "Evaluate the escalation ladder against the stored attendance indicators."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default=None, help="Use the indicators counted through this date (YYYY-MM-DD)")
        parser.add_argument("--school", default=None, help="Only this school (its SIS school code)")

    def handle(self, *args, **opts):
        try:
            as_of = datetime.date.fromisoformat(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2026-01-15, not {opts['as_of']!r}.") from None
        school = None
        if opts["school"]:
            school = School.objects.filter(code=opts["school"]).first()
            if school is None:
                raise CommandError(f"No school with code {opts['school']!r}.")
        try:
            summary = ladder_evaluate(as_of=as_of, school=school)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for line in summary.lines():
            self.stdout.write(line)
