"""The Documents tab of a case (list and upload), the download (the only way to a document's bytes:
policy-checked, logged, sent as an attachment) and removing a document filed by mistake."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.cases.selectors import case_page
from casework.core.errors import ConflictError
from casework.core.views import PolicyView
from casework.imports.forms import SizeLimitUploadHandler

from . import services
from .forms import DeleteForm, UploadForm
from .models import Document
from .sniffing import limit_label, max_bytes
from .storage import document_storage

log = logging.getLogger(__name__)


def _tab_url(case_pk: int) -> str:
    return reverse("documents:case_documents", kwargs={"case_pk": case_pk})


class CaseDocumentsView(PolicyView):
    action = "case.work"

    def get(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="documents")
        return self.render(request, case, context, UploadForm())

    # The size limit must be in place before the body is read, and the CSRF check reads the body: the
    # check is skipped at dispatch and done in `_upload` once the handler is installed (as imports does).
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, case_pk: int):
        # Stop reading an oversized upload as it streams in, instead of spooling it all to disk first.
        handler = SizeLimitUploadHandler(request, limit=max_bytes() + 64 * 1024)
        request.upload_handlers.insert(0, handler)
        return self._upload(request, case_pk, handler)

    @method_decorator(csrf_protect)
    def _upload(self, request, case_pk: int, handler):
        case, context = case_page(request, case_pk, tab="documents")
        request.FILES  # noqa: B018  parse the body now: the handler's verdict exists only afterwards
        if handler.too_large:
            form = UploadForm(request.POST)
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", f"This file is larger than the {limit_label()} limit. Scan at a "
                                   "lower resolution or split it into parts.")
            return self.render(request, case, context, form, status=400)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.document_upload(actor=request.user, case=case, upload=form.cleaned_data["file"],
                                                     doc_type=form.cleaned_data["doc_type"],
                                                     title=form.cleaned_data["title"])
            except ValidationError as exc:
                for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else
                                      [("file", exc.messages)]):
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, f"Uploaded: {document.title}.")
                return redirect(_tab_url(case.pk))
        return self.render(request, case, context, form, status=400)

    def render(self, request, case, context, form, status=200):
        documents = (Document.objects.for_user(request.user, "case.work").filter(case=case)
                     .select_related("uploaded_by"))
        context.update(form=form, documents=documents, max_bytes=max_bytes())
        return render(request, "documents/case_documents.html", context, status=status)


class DocumentDownloadView(PolicyView):
    action = "case.work"

    def get(self, request, pk: int):
        document = (Document.objects.for_user(request.user, self.action).select_related("case").filter(pk=pk).first())
        if document is None:
            raise Http404
        try:
            handle = document_storage().open(document.stored_name, "rb")
        except OSError:
            log.error("document %s: stored file %s is missing", document.pk, document.stored_name)
            raise Http404 from None
        audit.log_access(actor=request.user, student=document.case.student_id, action=AccessLog.Action.DOWNLOAD,
                         detail=f"document {document.pk}")
        response = FileResponse(handle, as_attachment=True, filename=document.download_name,
                                content_type=document.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class DocumentDeleteView(PolicyView):
    """POST only: remove with a reason (the timeline and the change record keep the trace)."""

    action = "case.work"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        document = (Document.objects.for_user(request.user, self.action).select_related("case").filter(pk=pk).first())
        if document is None:
            raise Http404
        form = DeleteForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"“{document.title}” was not removed: {error}")
            return redirect(_tab_url(document.case_id))
        try:
            services.document_delete(actor=request.user, document=document, reason=form.cleaned_data["reason"],
                                     expected_version=form.cleaned_data["version"])
        except ConflictError:
            messages.error(request, f"“{document.title}” was changed by someone else since you opened it, so it was "
                                    "not removed. Check it below and remove it again if you still mean to.")
        except ValidationError as exc:
            messages.error(request, f"“{document.title}” was not removed: {' '.join(exc.messages)}")
        else:
            messages.success(request, f"Removed: {document.title}.")
        return redirect(_tab_url(document.case_id))
