import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.audit.models import AccessLog
from casework.core.testing import factories as f
from casework.documents.models import Document
from casework.documents.services import document_upload

from .conftest import SAMPLES

PDF = SAMPLES["form.pdf"][0]


@pytest.fixture
def case_a(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=datetime.date(2025, 9, 15))


def add(case, name="form.pdf", data=PDF, title="Signed contract"):
    return document_upload(actor=None, case=case, upload=SimpleUploadedFile(name, data), doc_type="signed_form",
                           title=title)


def login(client, world, role):
    client.force_login(world.user(role))
    return client


def test_tab_lists_documents_and_offers_the_upload_form(client, world, case_a):
    doc = add(case_a)
    html = login(client, world, "ppw").get(reverse("documents:case_documents", kwargs={"case_pk": case_a.pk}))
    assert html.status_code == 200
    page = html.content.decode()
    assert 'enctype="multipart/form-data"' in page and "Signed contract" in page
    assert reverse("documents:download", kwargs={"pk": doc.pk}) in page
    assert 'aria-current="page">Documents' in page


def test_upload_through_the_page(client, world, case_a, documents_dir):
    url = reverse("documents:case_documents", kwargs={"case_pk": case_a.pk})
    response = login(client, world, "ppw").post(url, {
        "file": SimpleUploadedFile("contract.pdf", PDF), "doc_type": "signed_form", "title": "Attendance contract"})
    assert response.status_code == 302 and response["Location"] == url
    doc = Document.objects.get()
    assert (doc.case, doc.title, doc.uploaded_by) == (case_a, "Attendance contract", world.user("ppw"))
    assert (documents_dir / doc.stored_name).read_bytes() == PDF


def test_a_refused_upload_shows_why_and_keeps_what_was_typed(client, world, case_a, documents_dir):
    url = reverse("documents:case_documents", kwargs={"case_pk": case_a.pk})
    response = login(client, world, "ppw").post(url, {
        "file": SimpleUploadedFile("court order.pdf", b"MZ\x90\x00" + b"\x00" * 40), "doc_type": "court_order",
        "title": "Custody order"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The document was not uploaded" in page and "is a program" in page
    assert 'value="Custody order"' in page
    assert Document.objects.count() == 0


def test_upload_without_a_file_or_type_is_a_clear_error(client, world, case_a):
    url = reverse("documents:case_documents", kwargs={"case_pk": case_a.pk})
    response = login(client, world, "ppw").post(url, {"title": "x"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a file to upload." in page and "Choose what kind of document this is." in page


def test_download_is_an_attachment_with_the_sniffed_type_and_is_logged(client, world, case_a):
    doc = add(case_a, "García form.pdf")
    response = login(client, world, "ppw").get(reverse("documents:download", kwargs={"pk": doc.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    # Saved as case number, document id and type: the uploaded name ("García form") often names the child.
    assert response["Content-Disposition"] == f'attachment; filename="{case_a.number}-{doc.pk}-signed_form.pdf"'
    assert "Garc" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert (log.student_id, log.actor, log.detail) == (world.student_a.pk, world.user("ppw"), f"document {doc.pk}")


def test_a_text_document_is_never_rendered_inline(client, world, case_a):
    doc = add(case_a, "note.txt", b"<script>alert(1)</script>\n")
    response = login(client, world, "ppw").get(reverse("documents:download", kwargs={"pk": doc.pk}))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


def test_download_out_of_scope_is_404_and_not_logged(client, world):
    case_b = f.case(student=world.student_b, opened_on=datetime.date(2025, 9, 15))
    doc = add(case_b)
    response = login(client, world, "ppw").get(reverse("documents:download", kwargs={"pk": doc.pk}))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


@pytest.mark.parametrize(("role", "status"), [("supervisor", 404), ("director", 200), ("ppw", 200)])
def test_sensitive_case_documents_reach_only_the_named_and_the_director(client, world, role, status):
    crisis = f.case(student=world.student_a, owner=world.user("ppw"), case_type="child_welfare",
                    opened_on=datetime.date(2025, 9, 15))
    doc = add(crisis)
    client = login(client, world, role)
    assert client.get(reverse("documents:download", kwargs={"pk": doc.pk})).status_code == status
    assert client.get(reverse("documents:case_documents", kwargs={"case_pk": crisis.pk})).status_code == status
    assert client.get(reverse("api:document-detail", kwargs={"pk": doc.pk})).status_code == status
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).count() == (1 if status == 200 else 0)


def test_missing_file_answers_404_not_a_traceback(client, world, case_a, documents_dir):
    doc = add(case_a)
    (documents_dir / doc.stored_name).unlink()
    assert login(client, world, "ppw").get(reverse("documents:download", kwargs={"pk": doc.pk})).status_code == 404


def test_remove_through_the_page(client, world, case_a, documents_dir, django_capture_on_commit_callbacks):
    doc = add(case_a)
    url = reverse("documents:remove", kwargs={"pk": doc.pk})
    client = login(client, world, "ppw")
    response = client.post(url, {"reason": "", "version": doc.version}, follow=True)
    assert "was not removed: Say why" in response.content.decode()
    response = client.post(url, {"reason": "duplicate", "version": doc.version + 1}, follow=True)
    assert "changed by someone else since you opened" in response.content.decode()
    assert Document.objects.filter(pk=doc.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "duplicate", "version": doc.version})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert not (documents_dir / doc.stored_name).exists()


def test_api_lists_metadata_for_a_case(client, world, case_a):
    doc = add(case_a)
    other = f.case(student=world.student_a, opened_on=datetime.date(2025, 10, 1))
    add(other, title="Other case")
    client = login(client, world, "ppw")
    data = client.get(reverse("api:document-list"), {"case": case_a.pk}).json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["id"] for r in rows] == [doc.pk]
    assert rows[0]["download_url"] == reverse("documents:download", kwargs={"pk": doc.pk})
    assert rows[0]["content_type"] == "application/pdf" and "stored_name" not in rows[0]


def test_an_oversized_upload_is_stopped_while_it_streams(client, world, case_a, settings):
    settings.CASEWORK_DOCUMENT_MAX_MB = 0.1  # 104,857 bytes (+ 64 KiB of form overhead allowed)
    url = reverse("documents:case_documents", kwargs={"case_pk": case_a.pk})
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 400_000)
    # Fields in the page's order: type and title before the file, so they survive the stopped upload.
    response = login(client, world, "ppw").post(url, {"doc_type": "court_order", "title": "Order", "file": big})
    assert response.status_code == 400
    page = response.content.decode()
    assert "larger than the 0.1 MB limit" in page and 'value="Order"' in page
    assert "Choose a file to upload." not in page and "Choose what kind" not in page
    assert Document.objects.count() == 0


def test_upload_still_needs_the_csrf_token(world, case_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("ppw"))
    url = reverse("documents:case_documents", kwargs={"case_pk": case_a.pk})
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF), "doc_type": "other"})
    assert response.status_code == 403  # Django's CSRF refusal, not a stored document
    assert Document.objects.count() == 0


def test_the_saved_name_takes_the_sniffed_type_and_the_page_keeps_the_uploaded_name(client, world, case_a):
    """A text file uploaded as "Jose Garcia notes.TXT" downloads as C-<case>-<id>-signed_form.txt; the
    uploaded name is shown only on the case's Documents tab (behind the policy), not in the API."""
    doc = add(case_a, "Jose Garcia notes.TXT", b"plain words\n", title="Notes")
    client = login(client, world, "ppw")
    response = client.get(reverse("documents:download", kwargs={"pk": doc.pk}))
    assert response["Content-Disposition"] == f'attachment; filename="C-{case_a.pk:06d}-{doc.pk}-signed_form.txt"'
    page = client.get(reverse("documents:case_documents", kwargs={"case_pk": case_a.pk})).content.decode()
    assert "Uploaded as Jose Garcia notes.TXT" in page
    api = client.get(reverse("api:document-detail", kwargs={"pk": doc.pk})).json()
    assert "original_name" not in api and "Garcia" not in str(api)
