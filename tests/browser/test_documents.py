"""The Documents tab in a real browser, with axe-core on each state: empty, a refused upload, a
document listed, the remove control open. Targets are at least 44px."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from casework.core.testing import factories as f
from casework.documents.models import Document
from casework.documents.tests.conftest import SAMPLES

from .conftest import AxeAudit, small_targets


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    settings.CASEWORK_DOCUMENTS_DIR = tmp_path / "documents"
    return settings.CASEWORK_DOCUMENTS_DIR

pytestmark = pytest.mark.browser
# The tab's own controls (the case header belongs to the cases app).
TARGETS = ("main section button, main section a, main section select, main section summary, "
           "main section input:not([type=hidden])")



def test_ppw_uploads_downloads_and_removes_a_document(district, page_as, axe, tmp_path):
    audit = AxeAudit(axe)
    case = f.case(student=district.jose, owner=district.ppw1, opened_on=datetime.date(2025, 9, 15))
    page = page_as(district.ppw1)
    page.goto(f"/cases/{case.pk}/documents/")
    expect(page.get_by_text("No documents on this case yet.")).to_be_visible()
    audit.check(page, "documents tab, empty")

    fake = tmp_path / "court order.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    page.get_by_label("What is it?").select_option("court_order")
    page.get_by_label("Title").fill("Custody order")
    page.get_by_label("File", exact=True).set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("is a program")
    expect(page.get_by_label("Title")).to_have_value("Custody order")
    audit.check(page, "documents tab, refused upload")

    real = tmp_path / "custody.pdf"
    real.write_bytes(SAMPLES["form.pdf"][0])
    page.get_by_label("File", exact=True).set_input_files(str(real))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Uploaded: Custody order.")
    link = page.get_by_role("link", name="Custody order (download)")
    expect(link).to_be_visible()
    audit.check(page, "documents tab with a document")
    assert small_targets(page, TARGETS) == []

    with page.expect_download() as download:
        link.click()
    # Saved under the case number, never the uploaded name (scans are often named after the child).
    assert re.fullmatch(r"C-\d{6}-\d+-[a-z_]+\.pdf", download.value.suggested_filename)
    assert Path(download.value.path()).read_bytes() == SAMPLES["form.pdf"][0]

    page.get_by_text("Remove", exact=False).first.click()
    audit.check(page, "documents tab, remove open")
    page.get_by_label("Why remove it?").fill("filed on the wrong case")
    page.get_by_role("button", name="Remove document").click()
    expect(page.get_by_role("status")).to_contain_text("Removed: Custody order.")
    assert not Document.objects.exists()
    audit.assert_clean()
