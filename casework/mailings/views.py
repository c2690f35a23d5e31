"""Batch letters pages: start a mailing for a school, follow its job, download the merged PDF (a logged
disclosure) and mark the whole batch mailed."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.core.services import ConflictError
from casework.core.views import PolicyView, parse_id, scoped_or_404
from casework.jobs.models import Job
from casework.schools.models import School

from . import recipients as rc
from .forms import MailingForm, MarkMailedForm
from .models import Mailing, MailingStatus
from .services import letters_of, mailing_create, mailing_mark_mailed
from .storage import mailing_storage

log = logging.getLogger(__name__)
ACTION = rc.ACTION
CHANGED = "These letters were changed by someone else since you opened the page: check them and try again."


def _selected_ids(request) -> list[int]:
    return sorted({pk for v in request.POST.getlist("student") if (pk := parse_id(v)) is not None})


class MailingListView(PolicyView):
    action = ACTION

    def get(self, request):
        mailings = (Mailing.objects.for_user(request.user, self.action).select_related("school", "created_by")[:100])
        schools = School.objects.for_user(request.user, self.action).filter(active=True).order_by("name")
        return render(request, "mailings/list.html", {"mailings": mailings, "schools": schools})


class MailingNewView(PolicyView):
    """GET: the form. POST from the early-warning list (student ids, no 'who'): the form with those
    students picked. POST with 'preview': the count. POST with 'generate': start the batch."""

    action = ACTION

    def school(self, request, code: str) -> School:
        school = School.objects.for_user(request.user, self.action).filter(code=code).first()
        if school is None:
            raise Http404
        return school

    def get(self, request, code: str):
        school = self.school(request, code)
        return self.show(request, school, MailingForm())

    def post(self, request, code: str):
        school = self.school(request, code)
        selected = _selected_ids(request)
        if "who" not in request.POST:  # arriving from the list with ticked students
            return self.show(request, school, MailingForm(selected=selected))
        form = MailingForm(request.POST, selected=selected)
        if not form.is_valid():
            return self.show(request, school, form, status=400)
        criteria = form.criteria()
        if "generate" not in request.POST:
            return self.show(request, school, form, preview=self.preview(request.user, school, criteria))
        try:
            mailing = mailing_create(actor=request.user, school=school, criteria=criteria,
                                     template_key=form.cleaned_data["template_key"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.show(request, school, form, status=400)
        return redirect("mailings:detail", pk=mailing.pk)

    @staticmethod
    def preview(user, school, criteria) -> dict:
        students = list(rc.recipients(user, school, criteria).select_related("household"))
        unreachable = sum(1 for s in students if rc.letter_guardian(user, s)[1] is not None)
        return {"students": len(students), "letters": len(students) - unreachable, "unreachable": unreachable}

    def show(self, request, school, form, *, preview=None, status=200):
        return render(request, "mailings/new.html", {"school": school, "form": form, "preview": preview},
                      status=status)


class MailingDetailView(PolicyView):
    """The progress page: polls the status JSON while the job runs; then download and mark mailed."""

    action = ACTION

    def get(self, request, pk: int):
        mailing = scoped_or_404(Mailing, request.user, self.action, pk)
        return self.show(request, mailing, MarkMailedForm(initial={"version": mailing.version}))

    def show(self, request, mailing, form, status=200):
        return render(request, "mailings/detail.html", {
            "mailing": mailing, "form": form, "finished": mailing.status in (MailingStatus.DONE, MailingStatus.FAILED),
            "job": Job.objects.for_user(request.user, self.action).filter(pk=mailing.job_id).first(),
        }, status=status)


class MailingStatusView(PolicyView):
    """JSON the progress page polls (school administrators cannot reach /jobs/<pk>/, which is case.work)."""

    action = ACTION

    def get(self, request, pk: int):
        mailing = scoped_or_404(Mailing, request.user, self.action, pk)
        job = Job.objects.for_user(request.user, self.action).filter(pk=mailing.job_id).first()
        return JsonResponse({
            "status": mailing.status, "status_label": mailing.get_status_display(),
            "finished": mailing.status in (MailingStatus.DONE, MailingStatus.FAILED),
            "progress": {"done": job.progress_done if job else 0, "total": job.progress_total if job else None,
                         "percent": job.percent if job else None},
            "message": job.message if job else "", "letters": mailing.letter_count,
            "skipped": mailing.skipped_count,
        }, headers={"Cache-Control": "no-store"})


class MailingPdfView(PolicyView):
    """The print-ready PDF: every letter of the batch. Each student in it gets an access-log entry."""

    action = ACTION

    def get(self, request, pk: int):
        mailing = scoped_or_404(Mailing, request.user, self.action, pk)
        if mailing.status != MailingStatus.DONE or not mailing.pdf_name:
            raise Http404
        try:
            handle = mailing_storage().open(mailing.pdf_name, "rb")
        except OSError:
            log.error("mailing %s: stored PDF %s is missing", mailing.pk, mailing.pdf_name)
            raise Http404 from None
        student_ids = sorted({letter.case.student_id for letter in letters_of(request.user, mailing)})
        audit.log_access_many(actor=request.user, student_ids=student_ids, action=AccessLog.Action.PRINT,
                              purpose="batch letters", detail=f"mailing {mailing.pk}")
        response = FileResponse(handle, as_attachment=True, content_type="application/pdf",
                                filename=f"letters-{mailing.school.code}-mailing-{mailing.pk}.pdf")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class MailingMarkMailedView(MailingDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        mailing = scoped_or_404(Mailing, request.user, self.action, pk)
        form = MarkMailedForm(request.POST)
        if not form.is_valid():
            return self.show(request, mailing, form, status=400)
        try:
            marked = mailing_mark_mailed(actor=request.user, mailing=mailing, mailed_on=form.cleaned_data["mailed_on"],
                                         method=form.cleaned_data["method"],
                                         expected_version=form.cleaned_data["version"])
        except ConflictError:
            mailing.refresh_from_db()
            data = request.POST.copy()
            data["version"] = mailing.version  # what the user typed stays; a resubmit applies to the new row
            form = MarkMailedForm(data)
            form.is_valid()
            form.add_error(None, CHANGED)
            return self.show(request, mailing, form, status=409)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.show(request, mailing, form, status=400)
        messages.success(request, f"{marked} letter{'s' if marked != 1 else ''} marked mailed; each is logged "
                                  "as a contact on its case.")
        return redirect(reverse("mailings:detail", args=[mailing.pk]))
