"""The data steward's import page: start an import from uploaded files, watch it run, read what it
rejected. Every view needs "import.run" (the data steward and the director); others get 404."""

from __future__ import annotations

import csv
import datetime
import logging
import os
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.core.paging import page_of
from casework.core.views import PolicyView
from casework.indicators.exports import neutralise
from casework.students.models import Student

from . import background, codes, uploads
from .forms import CodeMappingForm, ImportForm, SizeLimitUploadHandler
from .importers import IMPORTERS
from .models import CodeMapping, ImportRun, RejectedRow
from .services import REJECTS_HEADER, reject_cells, run_progress, start_run, template

log = logging.getLogger(__name__)
RUNS_PER_PAGE = 25
REJECTS_PER_PAGE = 50
STOPPED_AFTER = 300  # seconds without a progress report


def _store(run: ImportRun, form: ImportForm) -> list[Path]:
    """Move the uploaded files into DATA_DIR/imports/<run id>/ (owner-only permissions)."""
    root = uploads.upload_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / str(run.pk)
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    paths = []
    for upload, name in zip(form.cleaned_data["files"], form.stored_names(), strict=True):
        target = folder / name
        if hasattr(upload, "temporary_file_path"):  # large files were streamed to a temporary file
            shutil.move(upload.temporary_file_path(), target)
        else:
            with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        os.chmod(target, 0o600)
        paths.append(target)
    return paths


# Fields of rejected rows whose value can be a student's SIS id (plain CSV uses student_id, Ed-Fi the
# element it came from; OneRoster names the user by identifier, sourcedId or userSourcedId).
_STUDENT_FIELDS = frozenset({"student_id", "StudentUniqueId", "StudentReference/StudentUniqueId",
                             "StudentSectionAssociationReference/StudentUniqueId", "identifier", "sourcedId",
                             "userSourcedId"})


def _log_identified(request, rows, action: str, run: ImportRun) -> None:
    """A rejected row naming a known student (its student_id, or a rejected value of a student id field)
    discloses that student: log it as an access."""
    ids = {r.value for r in rows if r.field in _STUDENT_FIELDS and r.value} | {r.student_ref for r in rows
                                                                                if r.student_ref}
    if not ids:
        return
    _log_students(request, Q(district_id__in=ids), action, run)


def _log_identified_all(request, rejects, action: str, run: ImportRun) -> None:
    """_log_identified for every rejected row of a run, the ids matched in the database (a large run's
    rejects name many students)."""
    named = Q(district_id__in=rejects.exclude(student_ref="").values("student_ref")) | Q(
        district_id__in=rejects.filter(field__in=_STUDENT_FIELDS).exclude(value="").values("value"))
    _log_students(request, named, action, run)


def _log_students(request, named: Q, action: str, run: ImportRun) -> None:
    students = Student.objects.for_user(request.user, "student.view").filter(named)
    audit.log_access_many(actor=request.user, student_ids=list(students.values_list("pk", flat=True)),
                          action=action, detail=f"import run {run.pk} rejected rows")


class RunsView(PolicyView):
    """The list of runs and the form that starts one."""

    action = "import.run"

    # The size limit must be in place before the body is read, and the CSRF check reads the body: so
    # the check is skipped here and done in `_upload` once the handler is installed (Django's recipe).
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(request, ImportForm())

    def post(self, request):
        handler = SizeLimitUploadHandler(request)
        request.upload_handlers.insert(0, handler)
        return self._upload(request, handler)

    @method_decorator(csrf_protect)
    def _upload(self, request, handler: SizeLimitUploadHandler):
        form = ImportForm(request.POST, request.FILES, too_large=handler.too_large)
        if not form.is_valid():
            return self.page(request, form, status=400)
        data = form.cleaned_data
        kind = data["kind"] if data["format"] == "csv" else ""
        run = start_run(actor=request.user, fmt=data["format"], kind=kind, source_files=form.stored_names(),
                        partial=data["partial"])
        try:
            _store(run, form)
        except OSError:
            log.exception("import run %s: could not store the upload", run.pk)
            uploads.discard(run.pk)
            run.delete()  # nothing was imported: no run to show
            form.add_error(None, "The files could not be saved on the server (is its disk full?). Nothing was "
                                 "imported; tell your system administrator.")
            return self.page(request, form, status=400)
        background.start_in_background(run.pk, fmt=data["format"], kind=kind, partial=data["partial"],
                                       actor_pk=request.user.pk)
        return redirect("imports:run", pk=run.pk)

    def page(self, request, form: ImportForm, status: int = 200):
        runs = ImportRun.objects.for_user(request.user, self.action).select_related("actor")
        page = page_of(Paginator(runs, RUNS_PER_PAGE), request.GET.get("page"))
        recompute = background.recompute_status()
        if recompute and recompute.get("started"):
            recompute = recompute | {"started": datetime.datetime.fromisoformat(recompute["started"])}
        context = {"form": form, "page": page, "kinds": list(IMPORTERS), "recompute": recompute,
                   "max_bytes": settings.CASEWORK_IMPORT_MAX_BYTES}
        return render(request, "imports/runs.html", context, status=status)


class RunMixin:
    def get_run(self, request, pk: int) -> ImportRun:
        run = ImportRun.objects.for_user(request.user, "import.run").select_related("actor").filter(pk=pk).first()
        if run is None:
            raise Http404
        return run


def _progress_context(run: ImportRun) -> dict:
    running = run.status == ImportRun.Status.RUNNING
    progress = run_progress(run.pk) if running else None
    percent = None
    if progress and progress.get("total"):
        percent = min(100, 100 * progress["done"] // progress["total"])
    job = background.import_job_state(run.pk) if running else None
    # The worker died mid-run: its job was given up (no heartbeat: CASEWORK_JOBS_STALE_MINUTES) and the
    # import has reported no progress for STOPPED_AFTER. Say so and stop polling, rather than "running".
    stopped = job == "failed" and (progress is None or time.time() - progress.get("at", 0) > STOPPED_AFTER)
    return {"run": run, "progress": progress, "percent": percent, "waiting": job == "queued", "stopped": stopped,
            "polling": running and not stopped}


class RunView(RunMixin, PolicyView):
    """One run: status, counts, message, live progress while running, and the rejected rows."""

    action = "import.run"

    def get(self, request, pk: int):
        run = self.get_run(request, pk)
        rejects = RejectedRow.objects.for_user(request.user, self.action).filter(run=run).order_by("file", "line", "id")
        page = page_of(Paginator(rejects, REJECTS_PER_PAGE), request.GET.get("page"))
        _log_identified(request, page.object_list, AccessLog.Action.VIEW, run)
        context = _progress_context(run) | {"page": page, "messages_lines": run.message.splitlines()}
        return render(request, "imports/run.html", context)


class ProgressView(RunMixin, PolicyView):
    """The fragment the run page polls every second while the run is running."""

    action = "import.run"

    def get(self, request, pk: int):
        run = self.get_run(request, pk)
        response = render(request, "imports/_progress.html", _progress_context(run))
        if request.htmx and run.status != ImportRun.Status.RUNNING:
            response["HX-Refresh"] = "true"  # finished: reload the page for the counts and rejected rows
        return response


class _Echo:
    def write(self, value):
        return value


class RejectsView(RunMixin, PolicyView):
    """Every rejected row of a run as CSV (the same columns as `casework import --rejects`), each text cell
    neutralised as in the early-warning export."""

    action = "import.run"

    def get(self, request, pk: int):
        run = self.get_run(request, pk)
        rejects = RejectedRow.objects.for_user(request.user, self.action).filter(run=run).order_by("file", "line", "id")
        _log_identified_all(request, rejects, AccessLog.Action.EXPORT, run)
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(REJECTS_HEADER)
            for r in rejects.iterator(chunk_size=2000):
                # A rejected value is whatever the file held: never let a spreadsheet run it as a formula.
                yield writer.writerow([neutralise(v) for v in reject_cells(r)])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-run-{run.pk}-rejected-rows.csv"'
        return response


class TemplateView(PolicyView):
    """The header row of a kind's plain CSV file (docs/imports.md documents the columns)."""

    action = "import.run"

    def get(self, request, kind: str):
        if kind not in IMPORTERS:
            raise Http404
        response = HttpResponse(template(kind), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
        return response


class RecomputeView(PolicyView):
    """Recompute every student's indicators, in the background; the runs page reports the outcome."""

    action = "import.run"

    def post(self, request):
        if background.start_recompute(actor_pk=request.user.pk):
            messages.info(request, "Indicators recompute started.")
        else:
            messages.warning(request, "An indicators recompute is already running; wait for it to finish.")
        return redirect("imports:runs")


class CodeMappingsView(PolicyView):
    """The district's code maps outside attendance (calendar events, discipline actions, programs):
    every mapping, shipped or the district's own, and one form per family that sets one. The same
    action as the attendance descriptor page: a change alters how every later import is read."""

    action = "rules.manage"

    def get(self, request):
        return self.page(request)

    def post(self, request):
        family = request.POST.get("family", "")
        if family not in codes.KINDS:
            return self.page(request, status=400)
        form = CodeMappingForm(request.POST, family=family)
        if form.is_valid():
            data = form.cleaned_data
            try:
                mapping = codes.code_mapping_set(actor=request.user, family=family, descriptor=data["descriptor"],
                                                 value=data["value"], notes=data["notes"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"{mapping.descriptor} -> {mapping.value}. Later imports read it this "
                                          "way; re-import to apply it to what is stored.")
                return redirect("imports:codes")
        return self.page(request, {family: form}, status=400)

    def page(self, request, forms: dict | None = None, status: int = 200):
        forms = forms or {}
        rows = CodeMapping.objects.for_user(request.user, self.action).order_by("family", "descriptor")
        means = {family: dict(kinds.choices) for family, kinds in codes.KINDS.items()}
        families = [{"family": family, "label": label,
                     "form": forms.get(family) or CodeMappingForm(family=family),
                     "mappings": [(m, means[family].get(m.value, m.value)) for m in rows if m.family == family]}
                    for family, label in CodeMapping.Family.choices]
        return render(request, "imports/codes.html", {"families": families}, status=status)
