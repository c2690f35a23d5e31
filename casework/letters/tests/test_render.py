"""Printing: the PDF's text (read back with pypdf), the address block where the envelope window is, one
letter per page run with its own page numbers, and the Word copy."""

from __future__ import annotations

import datetime
import io
import unicodedata

import pytest
from docx import Document
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from casework.core.testing import factories as f
from casework.letters import services
from casework.letters.pdffonts import FONTS_DIR
from casework.letters.render import (
    letter_docx,
    letter_pdf,
    letter_unprintable,
    letters_pdf,
    printable,
    unprintable,
)

from .helpers import family, school_with_calendar

D = datetime.date
pytestmark = pytest.mark.django_db
PT = 72  # PDF points per inch


@pytest.fixture
def case():
    school = school_with_calendar(code="R100", name="Riverside Elementary")
    student = f.student(school=school, entry_date=D(2025, 9, 1), first_name="Mateo", last_name="Ramírez",
                        district_id="600001")
    for day in (D(2025, 9, 3), D(2025, 9, 10)):
        f.attendance_event(student=student, school=school, date=day, category="unexcused")
    return f.case(student=student)


def _text_with_positions(page):
    """[(text, x inches from left, y inches from top)] of what pypdf finds on the page."""
    found = []
    height = float(page.mediabox.height)

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / PT, (height - y) / PT))

    page.extract_text(visitor_text=visit)
    return found


def test_pdf_text_english_and_spanish(case):
    en_guardian = family(case.student, first_name="Ana", last_name="Ramírez")
    es_guardian = family(case.student, language="Spanish", first_name="Luis", last_name="Ramírez", contact_order=2)
    en = services.letter_create(actor=None, case=case, template_key="tier1_letter", guardian=en_guardian,
                                as_of=D(2025, 10, 1))
    es = services.letter_create(actor=None, case=case, template_key="tier1_letter", guardian=es_guardian,
                                as_of=D(2025, 10, 1))
    reader = PdfReader(io.BytesIO(letters_pdf([en, es])))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) == 2  # each one-page letter on its own page
    assert "Mateo Ramírez" in pages[0] and "09/10/2025" in pages[0] and "§7-301" in pages[0]
    assert "Notice of unlawful absences" in pages[0]
    assert "asistencia" in pages[1] and "injustificadas" in pages[1] and "09/03/2025" in pages[1]
    assert "§7-301" in pages[1] and "1 de octubre de 2025" in pages[1]
    assert "1 / 1" in pages[0] and "1 / 1" in pages[1]  # numbered per letter, not 1/2 and 2/2


def test_address_block_sits_in_the_envelope_window(case):
    g = family(case.student, first_name="Ana", last_name="Ramírez")
    letter = services.letter_create(actor=None, case=case, template_key="tier1_letter", guardian=g)
    page = PdfReader(io.BytesIO(letter_pdf(letter))).pages[0]
    assert float(page.mediabox.width) == 8.5 * PT and float(page.mediabox.height) == 11 * PT
    where = {text: (x, y) for text, x, y in _text_with_positions(page)}
    name_x, name_y = where["Ana Ramírez"]
    street_x, street_y = where["45 Harbor View Ct Apt 2B"]
    city_x, city_y = where["Annapolis, MD 21403"]
    for x in (name_x, street_x, city_x):
        assert x == pytest.approx(0.875, abs=0.05)
    for y in (name_y, street_y, city_y):  # the text baselines fall inside the 2.0in-2.6in window band
        assert 2.0 <= y <= 2.6
    assert name_y < street_y < city_y
    school_x, school_y = where["Riverside Elementary"]
    assert school_y < 1.5  # the return address above, in the upper window


def test_long_letter_numbers_its_own_pages(case):
    services.letter_template_save(actor=None, key="tier1_letter", language="en", title="Long",
                                  body="\n\n".join(["{{ student_name }} paragraph " + "word " * 120] * 12))
    long_letter = services.letter_create(actor=None, case=case, template_key="tier1_letter")
    short = services.letter_create(actor=None, case=case, template_key="conference_invitation")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(letters_pdf([long_letter, short]))).pages]
    n = len(pages) - 1
    assert n >= 2
    assert f"1 / {n}" in pages[0] and f"{n} / {n}" in pages[n - 1]
    assert "1 / 1" in pages[n] and "attendance conference" in pages[n]


def test_docx_opens_and_holds_the_fields(case):
    g = family(case.student, language="es", first_name="Luis", last_name="Ramírez")
    letter = services.letter_create(actor=None, case=case, template_key="hearing_notice", guardian=g,
                                    as_of=D(2025, 10, 1))
    doc = Document(io.BytesIO(letter_docx(letter)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for expected in ("Luis Ramírez", "45 Harbor View Ct Apt 2B", "Annapolis, MD 21403", "Mateo Ramírez",
                     "09/03/2025, 09/10/2025", "§7-301", "Riverside Elementary", "audiencia"):
        assert expected in text
    assert doc.sections[0].page_width.inches == pytest.approx(8.5)


def test_printable_keeps_every_latin_letter_and_marks_what_the_fonts_lack():
    assert printable("José Ñúñez §7-301 “ok” — done") == "José Ñúñez §7-301 “ok” — done"
    assert printable("Nguyễn Thị Đức · Zoë Łukasz Σοφία Дмитрий") == "Nguyễn Thị Đức · Zoë Łukasz Σοφία Дмитрий"
    assert printable(unicodedata.normalize("NFD", "Nguyễn")) == "Nguyễn"  # composed: one glyph, not e + marks
    assert printable("王小明\tAbebe አበበ") == "\ufffd\ufffd\ufffd Abebe \ufffd\ufffd\ufffd"
    assert unprintable("Nguyễn Thị Đức, Muñoz Peña") == ""
    assert unprintable("김민준 and 王小明, 王") == "김민준王小明"


def test_vietnamese_names_print_exactly(case):
    student = case.student
    student.first_name, student.last_name = "Minh", "Nguyễn"
    student.save()
    g = family(student, first_name="Thị Đức", last_name="Nguyễn")
    letter = services.letter_create(actor=None, case=case, template_key="tier1_letter", guardian=g)
    assert letter_unprintable(letter) == ""
    page = PdfReader(io.BytesIO(letter_pdf(letter))).pages[0]
    text = page.extract_text()
    assert "Dear Thị Đức Nguyễn:" in text  # the body
    where = {t: y for t, _, y in _text_with_positions(page)}
    assert 2.0 <= where["Thị Đức Nguyễn"] <= 2.6  # the envelope window, in the sans font
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSerifCondensed" in f for f in fonts) and any("DejaVuSans" in f for f in fonts)


def test_spanish_names_still_print(case):
    g = family(case.student, language="es", first_name="Inés", last_name="Muñoz Peña")
    letter = services.letter_create(actor=None, case=case, template_key="tier1_letter", guardian=g)
    text = PdfReader(io.BytesIO(letter_pdf(letter))).pages[0].extract_text()
    assert "Estimado(a) Inés Muñoz Peña:" in text and "§7-301" in text
    assert "Inés Muñoz Peña\n45 Harbor View Ct Apt 2B" in text  # the address block


def _width(text: str, size: float, name: str = "DejaVuSerifCondensed.ttf") -> float:
    """Inches the text takes in the shipped font, from the font file's own metrics (not the renderer's)."""
    font = TTFont(FONTS_DIR / name)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    return sum(hmtx[cmap[ord(c)]][0] for c in text) / font["head"].unitsPerEm * size / 72


def test_long_vietnamese_lines_wrap_inside_the_margins(case):
    words = "ĐƯỜNG Nguyễn Trường Hưởng Nghiệp Quảng Ngãi Thừa Thiên Huế Bùi Thị Xuân Đặng Văn Ngữ"
    services.letter_template_save(actor=None, key="tier1_letter", language="en", title="Wide",
                                  body="Dear {{ guardian_name }}:\n\n" + " ".join([words] * 8))
    g = family(case.student, first_name="Thị Đức", last_name="Nguyễn")
    letter = services.letter_create(actor=None, case=case, template_key="tier1_letter", guardian=g)
    page = PdfReader(io.BytesIO(letter_pdf(letter))).pages[0]
    body = [(text, x) for text, x, y in _text_with_positions(page) if 3.0 < y < 10.0]
    lines = [(text, x) for text, x in body if "Ngãi" in text or "Nguyễn Trường" in text]
    assert len(lines) >= 6 and " ".join(t for t, _ in lines).count("Quảng Ngãi") == 8  # nothing lost
    right = 8.5 - 1.0
    for text, x in lines:
        assert x == pytest.approx(1.0, abs=0.01)
        assert x + _width(text, 10.5) <= right + 0.005, text
    # Full lines, not a wrap that breaks early: all but the last would overflow with the next word.
    assert max(_width(t, 10.5) for t, _ in lines[:-1]) > 6.5 - _width(" ĐƯỜNG", 10.5)


def test_unprintable_names_are_marked_in_the_pdf_and_kept_in_word(case):
    g = family(case.student, first_name="小明", last_name="王")
    letter = services.letter_create(actor=None, case=case, template_key="tier1_letter", guardian=g)
    assert letter_unprintable(letter) == "小明王"
    text = PdfReader(io.BytesIO(letter_pdf(letter))).pages[0].extract_text()
    assert "Dear \ufffd\ufffd \ufffd:" in text and "小明" not in text  # visibly missing, not silently dropped
    doc = Document(io.BytesIO(letter_docx(letter)))
    assert "小明 王" in "\n".join(p.text for p in doc.paragraphs)
