"""/api/v1/documents/: metadata reads are written to the access log; a bad ?case= is a 400."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casework.audit.models import AccessLog
from casework.core.testing import factories as f
from casework.documents.services import document_upload

from .conftest import SAMPLES

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def document(world):
    case = f.case(student=world.student_a, owner=world.user("ppw"))
    data, _ = SAMPLES["form.pdf"]
    return document_upload(actor=None, case=case, upload=SimpleUploadedFile("form.pdf", data), doc_type="signed_form")


def test_reading_document_metadata_is_in_the_access_log(world, document):
    c = api(world.user("ppw"))
    assert c.get(f"/api/v1/documents/{document.pk}/").status_code == 200
    assert [r["id"] for r in c.get("/api/v1/documents/").json()["results"]] == [document.pk]
    assert list(AccessLog.objects.order_by("id").values_list("student_id", "action", "detail")) == [
        (world.student_a.pk, AccessLog.Action.API, f"api document {document.pk}"),
        (world.student_a.pk, AccessLog.Action.API, "api document list"),
    ]


@pytest.mark.parametrize("value", ["²", "abc"])
def test_a_case_parameter_that_is_not_plain_digits_is_a_400_with_a_message(world, document, value):
    r = api(world.user("ppw")).get("/api/v1/documents/", {"case": value})
    assert r.status_code == 400
    assert r.json() == {"case": "Give the case id as a whole number in digits 0-9, e.g. ?case=12."}
