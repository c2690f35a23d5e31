"""Permission rows for the documents URLs (merged into tests/test_permission_matrix.py).

case.work: the director and supervisors everywhere, the PPW in school A; everyone else 404."""

from __future__ import annotations

import tempfile

from casework.core.testing.permissions import Rule, case_in, lazy


def _keep_files_out_of_var() -> None:
    """The matrix has no settings fixture to reach from here: unless the test settings already name a
    documents directory, use a temporary one for the session rather than ./var/documents."""
    from django.conf import settings

    if not getattr(settings, "CASEWORK_DOCUMENTS_DIR", None):
        settings.CASEWORK_DOCUMENTS_DIR = tempfile.mkdtemp(prefix="casework-test-documents-")


def document_on(objs: dict, school: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework.documents.services import document_upload

    def make():
        _keep_files_out_of_var()
        case = case_in(objs, school)
        upload = SimpleUploadedFile("note.txt", b"Synthetic test note.\n", content_type="text/plain")
        return document_upload(actor=None, case=case, upload=upload, doc_type="other", title="Test note")

    return lazy(objs, f"document_{school}", make)


WORKERS = (200, 200, 200, 404, 404, 404, 404, 404, 302)
WORKERS_OUT = (200, 200, 404, 404, 404, 404, 404, 404, 302)

ROWS = {
    "documents:case_documents": Rule(
        kwargs=lambda o: {"case_pk": case_in(o, "a").pk}, get=WORKERS,
        kwargs_out=lambda o: {"case_pk": case_in(o, "b").pk}, get_out=WORKERS_OUT,
    ),
    "documents:download": Rule(
        kwargs=lambda o: {"pk": document_on(o, "a").pk}, get=WORKERS,
        kwargs_out=lambda o: {"pk": document_on(o, "b").pk}, get_out=WORKERS_OUT,
    ),
    # Removing is a POST: a GET answers 405 to those who may work cases, whichever school.
    "documents:remove": Rule(
        kwargs=lambda o: {"pk": document_on(o, "a").pk}, get=(405, 405, 405, 404, 404, 404, 404, 404, 302),
        kwargs_out=lambda o: {"pk": document_on(o, "b").pk}, get_out=(405, 405, 405, 404, 404, 404, 404, 404, 302),
    ),
    "api:document-list": Rule(api=True, get=(200, 200, 200, 404, 404, 404, 404, 404, 401)),
    "api:document-detail": Rule(
        api=True,
        kwargs=lambda o: {"pk": document_on(o, "a").pk}, get=(200, 200, 200, 404, 404, 404, 404, 404, 401),
        kwargs_out=lambda o: {"pk": document_on(o, "b").pk}, get_out=(200, 200, 404, 404, 404, 404, 404, 404, 401),
    ),
}
