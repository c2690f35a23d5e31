"""Running an import: one ImportRun, one transaction, per-row rejects, one bulk change record per model
touched, all under the import audit context. Atomic by default: any rejected row and nothing is written
(the rejects are still recorded); `partial` commits the good rows.

Every format is read as a list of *stages*: (importer kind, source name, rows in the plain-CSV vocabulary
of docs/imports.md). A plain CSV file is one stage; an Ed-Fi folder or a OneRoster bundle is several,
in dependency order (schools before calendars before students before enrollments before events). The
same importers then write every format, so the same data gives the same records whatever it came in.
After the commit, indicators are recomputed for the students (or, after a calendar import, the schools)
whose data changed."""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from casework.audit.services import record_bulk
from casework.core.context import Source, audit_context
from casework.schools.models import School

from . import codes
from .csvfile import ENCODING_LABELS, CsvFile, Refused
from .importers import IMPORTERS, Importer
from .models import ImportRun, RejectedRow
from .parsing import VALUE_LIMIT, RowError

FORMATS = ("csv", "edfi", "oneroster")
# An import that changed more students than this is followed by a full recompute, not a per-student one.
FULL_RECOMPUTE_ABOVE = 20_000
log = logging.getLogger(__name__)

# The column naming the record a row of each kind writes: a later row naming that id finds the line
# of a rejected one (Importer.unknown).
KEY_COLUMNS = {"schools": "school_id", "students": "student_id", "guardians": "guardian_id"}
# (line or None, element path or "", row) as a stage yields them; a RowError in place of the row
# rejects that record (a reader found it untranslatable).
Located = tuple[int | None, str, dict[str, str] | RowError]
Progress = Callable[[str, int, int], None]
# A refused run's message says how to commit the good rows in the words of where the run was started:
# the command's flag by default; the import page passes its own checkbox (forms.partial_hint).
PARTIAL_HINT_CLI = "use --partial to commit the good rows"


@dataclass
class Stage:
    """One source of rows for one importer kind. `rows(report)` yields located rows and may call
    report(done, total) as it goes; it raises csvfile.Refused when the source is unreadable."""

    kind: str
    name: str
    rows: Callable[[Callable[[int, int], None] | None], Iterator[Located]]
    csv: CsvFile | None = None  # a plain CSV file an importer may load whole (load_stage)
    # Warning lines known only once the rows were read (records of the file that are not read), for the
    # run's message.
    notes: Callable[[], list[str]] | None = None


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
    _publish(run, "done", 0, 0)
    return run


def progress_key(run_pk: int) -> str:
    return f"casework:import-progress:{run_pk}"


def _publish(run: ImportRun, name: str, done: int, total: int, unit: str = "bytes") -> None:
    """Progress goes through the cache, not the run's row: the row is inside the run's transaction,
    invisible to the import page until the commit. `unit`: bytes of a file read, rows, or steps."""
    cache.set(progress_key(run.pk), {"name": name, "done": done, "total": total, "unit": unit,
                                     "at": time.time()}, 3600)


def run_progress(run_pk: int) -> dict | None:
    return cache.get(progress_key(run_pk))


def start_run(*, actor, fmt: str, kind: str, source_files: Sequence[str], partial: bool) -> ImportRun:
    return ImportRun.objects.create(kind=kind[:200], format=fmt, source_files=list(source_files), partial=partial,
                                    actor=actor if getattr(actor, "pk", None) else None)


def import_run(*, actor, kind: str, paths: Sequence[Path | str], partial: bool = False, fmt: str = "csv",
               progress: Progress | None = None, run: ImportRun | None = None,
               recompute: bool = True, partial_hint: str = PARTIAL_HINT_CLI) -> ImportRun:
    """Import plain CSV files of one kind. Never raises for bad data: the run's status, message and
    rejected rows say what happened."""
    if kind not in IMPORTERS:
        raise ValueError(f"Unknown import kind {kind!r}; use one of {', '.join(IMPORTERS)}.")
    paths = [Path(p) for p in paths]
    run = run or start_run(actor=actor, fmt=fmt, kind=kind, source_files=[p.name for p in paths], partial=partial)
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

    def csv_rows(f: CsvFile):
        return lambda report: ((line, "", row) for line, row in f.rows(report))

    stages = [Stage(kind, f.name, csv_rows(f), csv=f) for f in files]
    return run_stages(run=run, actor=actor, stages=stages, progress=progress, recompute=recompute,
                      partial_hint=partial_hint)


def import_bundle(*, actor, fmt: str, paths: Sequence[Path | str], partial: bool = False,
                  progress: Progress | None = None, run: ImportRun | None = None,
                  recompute: bool = True, partial_hint: str = PARTIAL_HINT_CLI) -> ImportRun:
    """Import an Ed-Fi XML set (files or folders) or a OneRoster CSV bundle as one run: every kind of
    data the files hold, in dependency order, all or nothing."""
    from .edfi import edfi_stages
    from .oneroster import oneroster_stages

    readers = {"edfi": edfi_stages, "oneroster": oneroster_stages}
    if fmt not in readers:
        raise ValueError(f"Unknown bundle format {fmt!r}; use edfi or oneroster.")
    paths = [Path(p) for p in paths]
    run = run or start_run(actor=actor, fmt=fmt, kind="", source_files=[p.name for p in paths], partial=partial)
    try:
        stages = readers[fmt](paths)
    except Refused as exc:
        return _refuse(run, str(exc))
    # Files skipped (interchanges Casework does not read, another Ed-Fi version): said on the run.
    run.message = "\n".join(p for p in [run.message, *getattr(stages, "warnings", ())] if p)
    run.kind = ", ".join(dict.fromkeys(s.kind for s in stages))[:200]
    run.encoding = ", ".join(f"{name}: {ENCODING_LABELS[encoding]}"
                             for name, encoding in getattr(stages, "encodings", ()))[:300]
    return run_stages(run=run, actor=actor, stages=stages, progress=progress, recompute=recompute,
                      partial_hint=partial_hint)


def run_stages(*, run: ImportRun, actor, stages: Iterable[Stage], progress: Progress | None = None,
               recompute: bool = True, partial_hint: str = PARTIAL_HINT_CLI) -> ImportRun:
    """Feed every stage's rows to its importer inside one transaction, then record the outcome on the
    run. Stages of one kind must be consecutive: an importer is finished before the next kind starts,
    so the next one sees what it wrote (attendance sees the enrollments)."""
    codes.forget()  # the maps as they stand now, not as another run or process last read them
    rejects: list[RejectedRow] = []
    stage_notes: list[str] = []
    importers: dict[str, Importer] = {}
    rejected_keys: dict[tuple[str, str], tuple[str, int | None]] = {}
    unreadable = ""
    partial = run.partial

    def progress_for(kind: str):
        def report(name: str, done: int, total: int, unit: str = "bytes") -> None:
            _publish(run, f"{kind}: {name}", done, total, unit)
            if progress:
                progress(f"{kind}: {name}", done, total)
        return report

    def report_for(name: str):
        def report(done: int, total: int, unit: str = "bytes") -> None:
            _publish(run, name, done, total, unit)
            if progress:
                progress(name, done, total)
        return report

    with audit_context(actor=actor, source=Source.IMPORT):
        try:
            with transaction.atomic():
                current: Importer | None = None
                for stage in stages:
                    importer = importers.get(stage.kind)
                    if importer is None:
                        if current is not None:
                            current.finish()
                        importer = importers[stage.kind] = IMPORTERS[stage.kind](run=run, actor=actor)
                        importer.progress = progress_for(stage.kind)
                        importer.rejected_keys = rejected_keys
                        importer.prepare()
                    elif importer is not current:
                        raise ValueError(f"Stages of kind {stage.kind} are not consecutive.")
                    current = importer
                    if importer.load_stage(stage, report_for(stage.name)):
                        continue
                    for line, element, row in stage.rows(report_for(stage.name)):
                        try:
                            if isinstance(row, RowError):  # a reader could not translate or read this record
                                raise row
                            importer.row_at(stage.name, line, element, row)
                        except RowError as exc:
                            rejects.append(RejectedRow(run=run, file=stage.name[:255], line=line,
                                                       element=element[:200],
                                                       field=_source_field(run, stage.kind, exc.field)[:60],
                                                       value=exc.value, reason=exc.reason[:300],
                                                       student_ref=_student_ref(stage.kind, row, exc)))
                            _remember_rejected(rejected_keys, stage, line, row, exc)
                    if stage.notes is not None:
                        stage_notes.extend(n for n in stage.notes() if n)
                if current is not None:
                    current.finish()
                for kind, importer in importers.items():
                    rejects.extend(RejectedRow(run=run, file=file[:255], line=line, element=element[:200],
                                               field=_source_field(run, kind, exc.field)[:60], value=exc.value,
                                               reason=exc.reason[:300], student_ref=exc.student[:VALUE_LIMIT])
                                   for file, line, element, exc in importer.rejects)
                if rejects and not partial:
                    raise _Rollback
                counts = _total_counts(importers.values())
                for model in sorted({m for i in importers.values() for m in i.touched}, key=lambda m: m._meta.label):
                    record_bulk(actor=actor, model=model,
                                summary=f"Import run {run.pk} ({run.format} {run.kind}, "
                                        f"{', '.join(run.source_files)[:400]}): {counts['created']} created, "
                                        f"{counts['updated']} updated, {counts['unchanged']} unchanged"
                                        + (f", {counts['removed']} removed" if counts["removed"] else ""))
        except _Rollback:
            pass
        except Refused as exc:  # unreadable part-way through: nothing of the run is kept
            unreadable = str(exc)
        except Exception as exc:
            _refuse(run, f"The import stopped unexpectedly ({type(exc).__name__}); nothing was written.")
            raise
    RejectedRow.objects.bulk_create(rejects, batch_size=1000)
    run.rejected = len(rejects)
    run.message = "\n".join(p for p in [run.message, *stage_notes] if p)
    if unreadable:
        return _refuse(run, unreadable)
    run.finished_at = timezone.now()
    if rejects and not partial:
        run.status = ImportRun.Status.REFUSED
        run.message = "\n".join(p for p in [f"{len(rejects)} row(s) rejected: nothing was written "
                                            f"({partial_hint}).", run.message] if p)
    else:
        counts = _total_counts(importers.values())
        run.created, run.updated, run.unchanged = counts["created"], counts["updated"], counts["unchanged"]
        run.status = ImportRun.Status.PARTIAL if rejects else ImportRun.Status.COMMITTED
        if run.created + run.updated + counts["removed"] == 0:  # a --partial run: its good rows may all be stored
            same = "every row that was not rejected" if rejects else "every row"
            run.message = "\n".join(p for p in [f"Nothing changed: {same} matches what is stored.", run.message]
                                    if p)
        run.message = "\n".join(p for p in [run.message, *(n for i in importers.values() for n in i.run_notes())] if p)
    run.save()  # the import's outcome is recorded before anything else can fail
    if run.status != ImportRun.Status.REFUSED:
        try:  # a warning only: whatever happens here, the committed run stands
            mismatches = _calendar_mismatches(importers.values())
        except Exception:
            log.exception("calendar check after import run %s failed", run.pk)
            mismatches = ""
        if mismatches:
            run.message = "\n".join(p for p in [run.message, mismatches] if p)
            run.save(update_fields=["message"])
    if recompute and run.status != ImportRun.Status.REFUSED:
        note = _recompute_after(importers.values(), run.pk)
        if note:
            run.message = "\n".join(p for p in [run.message, note] if p)
            run.save(update_fields=["message"])
    _publish(run, "done", 1, 1)
    return run


def _remember_rejected(rejected_keys: dict, stage: Stage, line: int | None, row, exc: RowError) -> None:
    column = KEY_COLUMNS.get(stage.kind)
    if column is None:
        return
    key = exc.key
    if not key and isinstance(row, dict):
        try:
            key = row.get(column, "")
        except RowError:  # an Ed-Fi record without the id
            return
    if key:
        rejected_keys.setdefault((column, key), (stage.name, line))


def _student_ref(kind: str, row, exc: RowError) -> str:
    """The student id a rejected row names, as the file gives it (the report's student_id), so the data
    steward can find the student in the SIS; "" when it names none. A row's own student_id column (every
    format's rows use the plain-CSV vocabulary), else what the reader said with the error: a students
    record's key is its student id."""
    ref = exc.student
    if not ref and isinstance(row, dict):
        ref = dict.get(row, "student_id") or ""  # dict.get: an Ed-Fi row raises for a missing element
    if not ref and KEY_COLUMNS.get(kind) == "student_id":
        ref = exc.key
    return ref[:VALUE_LIMIT]


def _source_field(run: ImportRun, kind: str, field: str) -> str:
    """A reject's field as the source file names it: an Ed-Fi run names the element ("EventDate"), a CSV
    run its column."""
    if run.format != "edfi":
        return field
    from .edfi.translate import FIELD_NAMES

    return FIELD_NAMES.get(kind, {}).get(field, field)


def _total_counts(importers: Iterable[Importer]) -> dict[str, int]:
    totals = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
    for importer in importers:
        for key in ("created", "updated", "unchanged"):
            totals[key] += importer.counts[key]
        totals["removed"] += importer.removed
    return totals


def _calendar_mismatches(importers: Iterable[Importer], shown: int = 10) -> str:
    """Sessions of the schools whose calendar this run changed that do not hold the day count they declare."""
    from casework.calendars.schooldays import declared_day_mismatches

    schools = set().union(*(i.affected_schools for i in importers))
    notes = declared_day_mismatches(schools) if schools else []
    if len(notes) > shown:
        notes = [*notes[:shown], f"... and {len(notes) - shown} more session(s) like these."]
    return "\n".join(notes)


def _recompute_after(importers: Iterable[Importer], run_pk: int) -> str:
    """Incremental recompute, as of today: every student of a school whose calendar changed, and the
    students whose records changed. A failure to compute is reported on the run, never undoes it."""
    from casework.indicators.inputs import IndicatorError
    from casework.indicators.services import (
        default_as_of,
        indicators_recompute,
        rules_changed_since_full_recompute,
    )
    from casework.indicators.thinday import thin_last_day

    importers = list(importers)
    schools = set().union(*(i.affected_schools for i in importers)) if importers else set()
    students = set().union(*(i.affected_students for i in importers)) if importers else set()
    if not schools and not students:
        return ""
    as_of = default_as_of()
    # In full when most of the district changed (the full pass is cheaper), and when the rules in force
    # changed since the last full recompute (only the changed students would move to the new rules).
    new_rules = rules_changed_since_full_recompute(as_of)
    if len(students) > FULL_RECOMPUTE_ABOVE or new_rules:
        schools, students = set(), set()
    try:
        if not schools and not students:
            done_schools, done_students = indicators_recompute(as_of=as_of), None
        else:
            done_schools = indicators_recompute(as_of=as_of, school_ids=sorted(schools)) if schools else None
            done_students = None
            if students:  # at the other schools: the school pass has done these students' rows there
                others = None if not schools else sorted(
                    School.objects.exclude(pk__in=schools).values_list("pk", flat=True))
                if others is None or others:
                    done_students = indicators_recompute(as_of=as_of, school_ids=others, student_ids=sorted(students))
    except IndicatorError as exc:
        # Name the date counted through: with no attendance yet it is today, whose school year may not be
        # the one the calendars just imported cover.
        return f"Indicators were not recomputed as of {as_of.strftime('%m/%d/%Y')}: {exc}"
    except Exception as exc:  # the import is committed whatever happens here; say so, keep the cause in the log
        log.exception("indicators recompute after import run %s failed", run_pk)
        return (f"The import is committed, but the indicators were not recomputed ({type(exc).__name__}); "
                "run casework recompute.")
    pairs = sum(d.pairs for d in (done_schools, done_students) if d)
    skipped = " ".join(dict.fromkeys(d.skipped_note() for d in (done_schools, done_students) if d and d.skipped))
    why = " (in full: the rules in force changed since the last full recompute)" if new_rules else ""
    return " ".join(p for p in [f"Indicators recomputed as of {as_of.isoformat()} for {pairs} student x school "
                                f"pair(s){why}.", skipped, thin_last_day(as_of)] if p)


# The rejected-rows report's columns (`--rejects FILE` and the import page's download): student_id came last,
# so a reader of the earlier columns by position still finds them.
REJECTS_HEADER = ["file", "line", "element", "field", "value", "reason", "student_id"]


def reject_cells(r: RejectedRow) -> list:
    return [r.file, r.line, r.element, r.field, r.value, r.reason, r.student_ref]


def write_rejects(run: ImportRun, path: Path | str) -> int:
    """The rejected-rows report as CSV: file, line, element, field, value, reason, student_id."""
    rows = run.rejected_rows.order_by("file", "line", "id")
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(REJECTS_HEADER)
        count = 0
        for r in rows.iterator():
            writer.writerow(reject_cells(r))
            count += 1
        if not count and run.status == ImportRun.Status.REFUSED and run.message:
            # Refused as a whole (unreadable, wrong delimiter, cut short): the report still says why.
            writer.writerow([", ".join(run.source_files), "", "", "", "", run.message, ""])
            count = 1
    return count
