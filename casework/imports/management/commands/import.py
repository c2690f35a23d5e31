"""casework import csv KIND PATH... | edfi PATH... | oneroster PATH...
    [--partial] [--rejects FILE] [--user USERNAME] [--no-progress]
casework import --template KIND"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.core import policy
from casework.imports.importers import IMPORTERS
from casework.imports.models import ImportRun
from casework.imports.services import FORMATS, import_bundle, import_run, template, write_rejects


class Command(BaseCommand):
    help = ("Import SIS data: csv KIND PATH... (kinds: " + ", ".join(IMPORTERS) + "); edfi PATH... (Ed-Fi XML "
            "interchange files or folders); oneroster PATH (a OneRoster 1.2 CSV bundle: folder or zip).")

    def add_arguments(self, parser):
        parser.add_argument("format", nargs="?", help="csv, edfi or oneroster")
        parser.add_argument("kind", nargs="?", help=f"csv only, one of: {', '.join(IMPORTERS)}")
        parser.add_argument("paths", nargs="*", help="The files to import")
        parser.add_argument("--partial", action="store_true", help="Commit the good rows even if some are rejected")
        parser.add_argument("--rejects", metavar="FILE", help="Write the rejected rows report (CSV) here")
        parser.add_argument("--template", metavar="KIND", help="Print the CSV header template for KIND and exit")
        parser.add_argument("--user", metavar="USERNAME", help="The account the run is recorded under "
                                                               "(a data steward or the director)")
        parser.add_argument("--no-progress", action="store_true", help="Do not print progress to stderr")

    def handle(self, *args, **options):
        if options["template"]:
            try:
                self.stdout.write(template(options["template"]), ending="")
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            return
        fmt, kind, paths = options["format"], options["kind"], options["paths"]
        if not fmt:
            raise CommandError("Say what to import: casework import csv KIND PATH...")
        if fmt not in FORMATS:
            raise CommandError(f"Unknown import format {fmt!r}; use csv, edfi or oneroster.")
        if fmt != "csv":  # bundles: every argument after the format is a path
            paths = [kind, *paths] if kind else paths
        elif kind not in IMPORTERS:
            raise CommandError(f"Unknown import kind {kind!r}; use one of {', '.join(IMPORTERS)}.")
        if not paths:
            raise CommandError("Give at least one file to import.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No account named {options['user']}.")
            if not policy.has_action(actor, "import.run"):
                raise CommandError(f"{options['user']} may not run imports (data steward or director only).")
        show = not options["no_progress"]
        report = self._progress if show else None
        if fmt == "csv":
            run = import_run(actor=actor, kind=kind, paths=paths, partial=options["partial"], progress=report)
        else:
            run = import_bundle(actor=actor, fmt=fmt, paths=paths, partial=options["partial"], progress=report)
        if show and getattr(self, "_drawn", None):
            self.stderr.write("")
        what = f"{fmt} {run.kind}" if run.kind else fmt  # a bundle refused before any kind was read has none
        self.stdout.write(f"Import run {run.pk} ({what}): {run.get_status_display()}")
        if run.encoding:
            self.stdout.write(f"Encoding: {run.encoding}")
        self.stdout.write(f"created {run.created}, updated {run.updated}, unchanged {run.unchanged}, "
                          f"rejected {run.rejected}")
        if run.message:
            self.stdout.write(run.message)
        if options["rejects"]:
            n = write_rejects(run, options["rejects"])
            self.stdout.write(f"Rejected rows report: {options['rejects']} ({n} rows)")
        elif run.rejected:
            for r in run.rejected_rows.order_by("file", "line", "id")[:20]:
                self.stdout.write(f"  {r.file}:{r.line} {r.field}: {r.reason}")
            if run.rejected > 20:
                self.stdout.write(f"  ... and {run.rejected - 20} more (use --rejects FILE for all)")
        if run.status == ImportRun.Status.REFUSED:
            raise CommandError(f"Import run {run.pk} refused: nothing was written.")

    def _progress(self, name: str, done: int, total: int) -> None:
        """One bar a file: redrawn in place, and a new line when the next file starts, so each file's
        bar stays on screen. A total of 0 (an empty file) is done."""
        percent = 100 if total <= 0 else min(100, 100 * done // total)
        filled = 30 * percent // 100
        line = f"{name} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%"
        previous, self._drawn = getattr(self, "_drawn", None), name
        start = "" if previous is None else "\r" if previous == name else "\n"
        self.stderr.write(start + line, ending="")
        self.stderr.flush()
