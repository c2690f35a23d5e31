"""The Letters tab and the template editor in a real browser, with axe-core on each state: a PPW
generates a Tier 1 letter, downloads the PDF, records it mailed and then returned; the director previews
and saves new wording (an unknown placeholder refused first)."""

from __future__ import annotations

import datetime
import re
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import expect

from casework.core.testing import factories as f
from casework.letters.models import Letter, LetterTemplate
from casework.tasks.models import Task

from .conftest import AxeAudit, small_targets

pytestmark = pytest.mark.browser
TARGETS = ("main section button, main section a, main section select, main section summary, "
           "main section input:not([type=hidden])")


@pytest.fixture
def templates(district):
    # transactional_db flushed the shipped templates with every other table: ship them again.
    import_module("casework.letters.migrations.0002_default_templates").forwards(apps, None)


def test_ppw_generates_mails_and_records_returned_letter(district, templates, page_as, axe):
    audit = AxeAudit(axe)
    case = f.case(student=district.jose, owner=district.ppw1, opened_on=datetime.date(2025, 9, 15))
    page = page_as(district.ppw1)
    page.goto(f"/cases/{case.pk}/letters/")
    expect(page.get_by_text("No letters on this case yet.")).to_be_visible()
    audit.check(page, "letters tab, empty")

    page.get_by_label("Letter", exact=True).select_option("tier1_letter")
    page.get_by_role("button", name="Generate letter").click()
    expect(page.get_by_role("status")).to_contain_text("Generated: Tier 1 attendance warning letter")
    expect(page.get_by_text("to Rosa Martínez, 48 Maple Court Apt 3B, Gaithersburg, MD 20877")).to_be_visible()
    audit.check(page, "letters tab, one letter")
    assert small_targets(page, TARGETS) == []

    letter = Letter.objects.get(case=case)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download PDF of letter {letter.pk}").click()
    assert download.value.suggested_filename == f"{case.number}-letter-{letter.pk}-tier1_letter.pdf"

    page.get_by_label("How").select_option("certified")
    page.get_by_role("button", name="Record as mailed").click()
    expect(page.get_by_role("status")).to_contain_text("logged as a contact")
    page.locator("summary", has_text="Record returned mail").click()
    page.get_by_label("Reason").fill("Moved, left no forwarding address")
    audit.check(page, "letters tab, returned-mail form open")
    page.get_by_role("button", name="Record returned mail").click()
    expect(page.get_by_role("status")).to_contain_text("verify the family's address")
    audit.check(page, "letters tab, returned")
    assert Task.objects.filter(case=case, automatic="verify_address").count() == 1
    audit.assert_clean()


def test_director_previews_and_saves_new_wording(district, templates, page_as, axe):
    audit = AxeAudit(axe)
    page = page_as(district.director)
    page.goto("/letter-templates/")
    audit.check(page, "letter templates list")
    page.get_by_role("link", name=re.compile(r"^Español.*Tier 1 attendance warning letter$")).click()
    body = page.get_by_label("Body")
    body.fill("Estimado(a) {{ guardian_name }}: {{ nombre }}")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert").first).to_contain_text("{{ nombre }}")
    audit.check(page, "template editor, refused placeholder")
    body.fill("Estimado(a) {{ guardian_name }}: {{ student_name }} tiene {{ unlawful_absence_count }} ausencias.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Estimado(a) Pat Sample: Jordan Sample tiene 7 ausencias.")).to_be_visible()
    audit.check(page, "template editor, preview")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as version 2")
    assert LetterTemplate.objects.get(key="tier1_letter", language="es", is_active=True).version == 2
    audit.check(page, "template editor, version 2")
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_role("heading", name="Version 1 (no longer in use)")).to_be_visible()
    audit.check(page, "template editor, an old version")
    page.get_by_role("button", name="Use this wording again (saves version 3)").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as version 3")
    restored = LetterTemplate.objects.get(key="tier1_letter", language="es", is_active=True)
    assert restored.body == LetterTemplate.objects.get(key="tier1_letter", language="es", version=1).body
    audit.assert_clean()
