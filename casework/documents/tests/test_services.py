import datetime
import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.audit.models import ChangeRecord
from casework.cases.models import CaseEvent
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.documents import storage
from casework.documents.models import Document
from casework.documents.services import document_delete, document_upload
from casework.documents.sniffing import clean_filename
from casework.documents.storage import document_storage

from .conftest import SAMPLES, docx_bytes


@pytest.fixture
def case(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=datetime.date(2025, 9, 15))


def upload(case, name, data, *, actor=None, doc_type="signed_form", title=""):
    return document_upload(actor=actor, case=case, upload=SimpleUploadedFile(name, data), doc_type=doc_type,
                           title=title)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("name", list(SAMPLES))
def test_each_allowed_type_is_accepted_and_stored_under_a_random_name(case, documents_dir, name):
    data, content_type = SAMPLES[name]
    doc = upload(case, name, data, title="Signed contract")
    assert (doc.content_type, doc.size, doc.sha256) == (content_type, len(data), hashlib.sha256(data).hexdigest())
    assert doc.original_name == name
    path = documents_dir / doc.stored_name
    assert path.read_bytes() == data
    assert "." not in Path(doc.stored_name).name and Path(name).stem not in doc.stored_name
    assert len(Path(doc.stored_name).name) == 32


def test_files_live_outside_the_static_dirs(case, documents_dir, settings):
    doc = upload(case, "note.txt", b"hello\n")
    assert (documents_dir / doc.stored_name).is_file()
    del settings.CASEWORK_DOCUMENTS_DIR  # the default place, as deployed
    default = storage.documents_dir().resolve()
    roots = [Path(d).resolve() for d in getattr(settings, "STATICFILES_DIRS", [])]
    roots += [p.resolve() for p in Path(__file__).resolve().parents[3].glob("casework/*/static")]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    assert roots and not any(default.is_relative_to(root) for root in roots)
    with pytest.raises(NotImplementedError):
        document_storage().url(doc.stored_name)  # no URL can be made for a stored file


def test_default_directory_is_under_the_data_dir(settings):
    del settings.CASEWORK_DOCUMENTS_DIR
    assert storage.documents_dir() == Path(settings.DATA_DIR) / "documents"


@pytest.mark.parametrize(("name", "data", "words"), [
    ("court order.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "is a program"),
    ("court order.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "contents are a PNG image"),
    ("photo.jpg", b"%PDF-1.4\n%%EOF\n", "contents are a PDF"),
    ("letter.docx", docx_bytes(with_document=False), "contents are none of the accepted kinds"),
    ("notes.txt", b"abc\x00def", "contents are none of the accepted kinds"),
    ("notes.txt", b"caf\xe9 latin-1", "contents are none of the accepted kinds"),
    ("notes.txt", b"#!/bin/sh\nrm -rf /\n", "is a program"),
    ("setup.exe", b"MZ\x90\x00", "“.exe” files are not accepted"),
    ("page.html", b"<html></html>", "“.html” files are not accepted"),
    ("README", b"plain words", "“no extension” files are not accepted"),
    ("empty.pdf", b"", "This file is empty"),
])
def test_mismatched_renamed_and_unknown_files_are_refused(case, documents_dir, name, data, words):
    with pytest.raises(ValidationError) as caught:
        upload(case, name, data)
    assert words in " ".join(caught.value.messages)
    assert Document.objects.count() == 0 and stored_files(documents_dir) == []


def test_oversized_files_are_refused(case, settings, documents_dir):
    settings.CASEWORK_DOCUMENT_MAX_MB = 1
    too_big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        upload(case, "big.pdf", too_big)
    assert "This file is 1.0 MB; the limit is 1 MB" in caught.value.messages[0]
    assert stored_files(documents_dir) == []
    assert upload(case, "fits.pdf", too_big[: 1024 * 1024]).size == 1024 * 1024  # exactly the limit is fine


def test_a_document_type_is_required(case, documents_dir):
    with pytest.raises(ValidationError):
        upload(case, "note.txt", b"hi", doc_type="secret_dossier")
    assert stored_files(documents_dir) == []


@pytest.mark.parametrize(("raw", "clean"), [
    ("C:\\fakepath\\Signed form.pdf", "Signed form.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("bad\x00na\x1bme\n.pdf", "badname.pdf"),
    ('a<b>:"c|?*.png', "a_b___c___.png"),
    ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ("", "document"),
])
def test_filenames_are_cleaned(raw, clean):
    assert clean_filename(raw) == clean


def test_upload_writes_the_change_record_and_a_timeline_entry(case, world):
    ppw = world.user("ppw")
    doc = upload(case, "form.pdf", SAMPLES["form.pdf"][0], actor=ppw, doc_type="court_order", title="Custody order")
    assert doc.uploaded_by == ppw
    assert ChangeRecord.objects.filter(object_id=str(doc.pk), action="create", actor=ppw).count() == 1
    event = CaseEvent.objects.get(case=case, kind="document")
    assert event.summary == "Document added: Custody order (court order)"
    assert (event.source_model, event.source_id) == ("documents.document", doc.pk)


def test_title_defaults_to_the_file_name(case):
    assert upload(case, "Attendance contract.pdf", SAMPLES["form.pdf"][0]).title == "Attendance contract.pdf"


def test_delete_keeps_the_record_and_removes_the_file_after_commit(case, world, documents_dir,
                                                                   django_capture_on_commit_callbacks):
    ppw = world.user("ppw")
    doc = upload(case, "note.txt", b"wrong family\n", actor=ppw, title="Note")
    path = documents_dir / doc.stored_name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_delete(actor=ppw, document=doc, reason="filed on the wrong case", expected_version=doc.version)
    assert path.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not path.exists()
    assert not Document.objects.filter(pk=doc.pk).exists()
    record = ChangeRecord.objects.get(object_id=str(doc.pk), action="delete")
    assert record.before["title"] == "Note" and record.before["sha256"] == hashlib.sha256(b"wrong family\n").hexdigest()
    assert CaseEvent.objects.filter(case=case, summary="Document removed: Note — filed on the wrong case").exists()


def test_delete_needs_a_reason_and_a_current_version(case, world, documents_dir):
    doc = upload(case, "note.txt", b"text\n")
    with pytest.raises(ValidationError):
        document_delete(actor=world.user("ppw"), document=doc, reason="  ")
    with pytest.raises(ConflictError):
        document_delete(actor=world.user("ppw"), document=doc, reason="duplicate", expected_version=doc.version + 1)
    assert Document.objects.filter(pk=doc.pk).exists() and (documents_dir / doc.stored_name).exists()
