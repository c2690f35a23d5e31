"""Running an import: one ImportRun, one transaction, per-row rejects, one bulk change record per model
touched, all under the import audit context. Atomic by default: any rejected row and nothing is written
(the rejects are still recorded); `partial` commits the good rows."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from casework.audit.services import record_bulk
from casework.core.context import Source, audit_context

from .csvfile import ENCODING_LABELS, CsvFile, Refused
from .importers import IMPORTERS
from .models import ImportRun, RejectedRow
from .parsing import RowError

FORMATS = ("csv",)
NOT_YET = ("edfi", "oneroster")


class _Rollback(Exception):
    pass


def template(kind: str) -> str:
    if kind not in IMPORTERS:
        raise ValueError(f"Unknown import kind {kind!r}; use one of {', '.join(IMPORTERS)}.")
    return ",".join(IMPORTERS[kind].template()) + "\n"


def _refuse(run: ImportRun, message: str) -> ImportRun:
    run.status = ImportRun.Status.REFUSED
    run.message = "\n".join(p for p in [message, run.message] if p)
    run.finished_at = timezone.now()
    run.save()
    return run


def import_run(*, actor, kind: str, paths: Sequence[Path | str], partial: bool = False, fmt: str = "csv",
               progress: Callable[[str, int, int], None] | None = None) -> ImportRun:
    """Import plain CSV files of one kind. Never raises for bad data: the run's status, message and
    rejected rows say what happened."""
    if kind not in IMPORTERS:
        raise ValueError(f"Unknown import kind {kind!r}; use one of {', '.join(IMPORTERS)}.")
    paths = [Path(p) for p in paths]
    run = ImportRun.objects.create(kind=kind, format=fmt, source_files=[p.name for p in paths], partial=partial,
                                   actor=actor if getattr(actor, "pk", None) else None)
    importer_class = IMPORTERS[kind]
    files = [CsvFile(p, required=importer_class.required, known=importer_class.known(),
                     one_of=importer_class.one_of) for p in paths]
    try:
        for f in files:
            f.open()
    except Refused as exc:
        return _refuse(run, str(exc))
    run.encoding = ", ".join(f"{f.name}: {ENCODING_LABELS[f.encoding]}" for f in files)[:300]
    run.message = "\n".join(w for f in files for w in f.warnings)
    rejects: list[RejectedRow] = []
    importer = importer_class(run=run, actor=actor)
    unreadable = ""
    with audit_context(actor=actor, source=Source.IMPORT):
        try:
            with transaction.atomic():
                importer.prepare()
                for f in files:
                    report = (lambda done, total, name=f.name: progress(name, done, total)) if progress else None
                    for line, row in f.rows(report):
                        try:
                            if "__extra__" in row:
                                raise RowError("", row["__extra__"], "The row has more values than the header "
                                                                     "has columns (an unquoted comma?).")
                            importer.row(f.name, line, row)
                        except RowError as exc:
                            rejects.append(RejectedRow(run=run, file=f.name, line=line, field=exc.field,
                                                       value=exc.value, reason=exc.reason[:300]))
                importer.finish()
                if rejects and not partial:
                    raise _Rollback
                for model in sorted(importer.touched, key=lambda m: m._meta.label):
                    record_bulk(actor=actor, model=model,
                                summary=f"Import run {run.pk} ({fmt} {kind}, {', '.join(run.source_files)}): "
                                        f"{importer.counts['created']} created, {importer.counts['updated']} "
                                        f"updated, {importer.counts['unchanged']} unchanged")
        except _Rollback:
            pass
        except Refused as exc:  # unreadable part-way through: nothing of the run is kept
            unreadable = str(exc)
        except Exception as exc:
            _refuse(run, f"The import stopped unexpectedly ({type(exc).__name__}); nothing was written.")
            raise
    RejectedRow.objects.bulk_create(rejects, batch_size=1000)
    run.rejected = len(rejects)
    if unreadable:
        return _refuse(run, unreadable)
    run.finished_at = timezone.now()
    if rejects and not partial:
        run.status = ImportRun.Status.REFUSED
        run.message = "\n".join(p for p in [f"{len(rejects)} row(s) rejected: nothing was written "
                                            "(use --partial to commit the good rows).", run.message] if p)
    else:
        run.created = importer.counts["created"]
        run.updated = importer.counts["updated"]
        run.unchanged = importer.counts["unchanged"]
        run.status = ImportRun.Status.PARTIAL if rejects else ImportRun.Status.COMMITTED
    run.save()
    return run


def write_rejects(run: ImportRun, path: Path | str) -> int:
    """The rejected-rows report as CSV: file, line, field, value, reason."""
    rows = run.rejected_rows.order_by("file", "line", "id")
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["file", "line", "field", "value", "reason"])
        count = 0
        for r in rows.iterator():
            writer.writerow([r.file, r.line, r.field, r.value, r.reason])
            count += 1
    return count
