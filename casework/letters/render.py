"""Filling a template from the case record, and printing letters (PDF for mailing, Word for editing).

Templates are edited by the district, so they see ONLY a dict of strings: no objects, no attribute
lookups, no template language beyond {{ name }}. The rendered text is stored on the Letter; printing
reads only the Letter, so a letter reprinted for a court packet is the letter that was mailed."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from casework.students.choices import Grade

from .meeting import MEETING_SAMPLE, MEETING_SAMPLE_ES, meeting_context
from .pdffonts import MISSING, SANS, SERIF, add_fonts, printable, unprintable, widths

LAW_CITED = "Maryland Education Article §7-301; COMAR 13A.08.01.03"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

# Every name letter_context fills, with a synthetic example for previews (no real student).
SAMPLE_CONTEXT: dict[str, str] = {
    "student_name": "Jordan Sample", "student_first_name": "Jordan", "student_id": "000000",
    "grade": "Grade 7", "date_of_birth": "03/14/2013", "age": "13", "school_name": "Sample Middle School",
    "school_address": "100 School Lane, Annapolis, MD 21401", "school_phone": "410-555-0100",
    "guardian_name": "Pat Sample", "address_line1": "12 Example Street", "address_line2": "Annapolis, MD 21403",
    "address_line3": "", "today": "November 24, 2026", "absence_count": "9", "unlawful_absence_count": "7",
    "absence_dates": "09/08/2026, 09/15/2026, 10/01/2026, 10/02/2026, 10/20/2026, 11/03/2026, 11/17/2026",
    "period": "2026-27 school year to date", "law_cited": LAW_CITED, "ppw_name": "Casey Worker",
    "ppw_phone": "410-555-0142", "case_number": "C-000000",
    **MEETING_SAMPLE,
}
PLACEHOLDERS = frozenset(SAMPLE_CONTEXT)
# What differs in a Spanish letter (dates, the period, grades are written in the letter's language).
SAMPLE_CONTEXT_ES = {"grade": "Grado 7", "today": "24 de noviembre de 2026",
                     "period": "lo que va del año escolar 2026-27", **MEETING_SAMPLE_ES}


def sample_context(language: str = "en") -> dict[str, str]:
    return {**SAMPLE_CONTEXT, **(SAMPLE_CONTEXT_ES if language == "es" else {})}


def grade_label(grade: str, language: str = "en") -> str:
    if language == "es":
        named = {"PK": "Prekínder", "KG": "Kínder"}
        return named.get(grade) or (f"Grado {int(grade)}" if grade.isdigit() else grade)
    return Grade(grade).label if grade in Grade.values else grade

_MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
              "noviembre", "diciembre")


def placeholders_in(body: str) -> set[str]:
    return set(PLACEHOLDER.findall(body))


def template_problems(body: str) -> list[str]:
    """What is wrong with a template's placeholders, in words a director can act on (empty: fine)."""
    problems = []
    unknown = sorted(placeholders_in(body) - PLACEHOLDERS)
    if unknown:
        problems.append("Unknown placeholder(s): " + ", ".join("{{ " + n + " }}" for n in unknown)
                        + ". Use only: " + ", ".join(sorted(PLACEHOLDERS)) + ".")
    leftover = PLACEHOLDER.sub("", body)
    if "{{" in leftover or "}}" in leftover:
        problems.append("A placeholder is written wrongly: write it as {{ name }} with a name from the list "
                        "(letters, digits and underscores only).")
    return problems


def render_text(template, context: dict[str, str]) -> str:
    """Replace each {{ name }}. A name the context lacks stays visible rather than vanishing silently."""
    def fill(match: re.Match) -> str:
        value = context.get(match.group(1))
        return match.group(0) if value is None else str(value)

    return PLACEHOLDER.sub(fill, template.body).strip() + "\n"


# --- the context --------------------------------------------------------------------------------------


def _long_date(day: datetime.date, language: str) -> str:
    if language == "es":
        return f"{day.day} de {_MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


_ENROLLMENT_ORDER = ("-primary", "-entry_date", "-id")


def _pick_school(rows: list, as_of: datetime.date):
    """`rows`: one student's enrollments that began by `as_of`, primary first, latest first. The one
    current on `as_of`, else the latest that has ended."""
    current = [e for e in rows if e.exit_date is None or e.exit_date >= as_of]
    chosen = current[0] if current else (rows[0] if rows else None)
    return chosen.school if chosen else None


def _school_for(student, as_of: datetime.date):
    from casework.students.models import Enrollment

    rows = list(Enrollment.objects.filter(student=student, entry_date__lte=as_of).select_related("school")
                .order_by(*_ENROLLMENT_ORDER))
    return _pick_school(rows, as_of)


def _lines_of(address) -> list[str]:
    if address is None:
        return []
    street = f"{address.street} {address.unit}".strip()
    return [street, f"{address.city}, {address.state} {address.postal_code}".strip()]


def _address_lines(guardian, student) -> list[str]:
    """The mailing address: the guardian's household, else the student's."""
    household = getattr(guardian, "household", None) or getattr(student, "household", None)
    return _lines_of(household.addresses.filter(end_date__isnull=True).first() if household else None)


@dataclass
class LetterBatch:
    """What a batch of letters (mailings.run) reads once, before its write transactions, instead of once
    a letter: the active templates of its key by language, each student's school on `as_of`, the students'
    guardian links, the households' current addresses and the absences counted for all (absences_for).
    letter_create(batch=...) takes from it what it would otherwise read; the letter is the same."""

    as_of: datetime.date
    template_key: str
    templates: dict = field(default_factory=dict)   # language -> the active LetterTemplate
    schools: dict = field(default_factory=dict)     # student pk -> School on as_of (None: not enrolled)
    links: dict = field(default_factory=dict)       # student pk -> [StudentGuardian], by contact order
    addresses: dict = field(default_factory=dict)   # household pk -> its current HouseholdAddress
    absences: dict = field(default_factory=dict)    # absences_for: {(student pk, school pk): figures}

    def current_address(self, household_id):
        return self.addresses.get(household_id) if household_id else None

    def address_lines(self, guardian, student) -> list[str]:
        """_address_lines from the prefetched addresses."""
        household_id = (guardian.household_id if guardian is not None else None) or student.household_id
        return _lines_of(self.current_address(household_id))


def letter_batch(*, template_key: str, school, students, links: dict, as_of: datetime.date) -> LetterBatch:
    """Read a batch's shared and per-student data in a handful of queries. `students`: Student rows;
    `links`: {student pk: its StudentGuardian rows (guardian selected), by contact order}, as the caller
    read them through its policy scope."""
    from casework.students.models import Enrollment, HouseholdAddress

    from .models import LetterTemplate

    ids = [s.pk for s in students]
    batch = LetterBatch(as_of=as_of, template_key=template_key, links=links)
    for template in LetterTemplate.objects.active().filter(key=template_key):
        batch.templates.setdefault(template.language, template)  # as active_template's .first()
    rows: dict[int, list] = {pk: [] for pk in ids}
    for e in (Enrollment.objects.filter(student_id__in=ids, entry_date__lte=as_of).select_related("school")
              .order_by("student_id", *_ENROLLMENT_ORDER)):
        rows[e.student_id].append(e)
    batch.schools = {pk: _pick_school(found, as_of) for pk, found in rows.items()}
    households = {s.household_id for s in students} | {
        link.guardian.household_id for found in links.values() for link in found}
    households.discard(None)
    # At most one current address per household (students_one_current_address).
    batch.addresses = {a.household_id: a for a in HouseholdAddress.objects.filter(
        household_id__in=households, end_date__isnull=True)}
    batch.absences = absences_for(ids, school, as_of) if ids else {}
    # Those the engine could not count at this school get absences()'s fallback, read here for all of
    # them. (A student now at another school is counted there by letter_context, as a single letter is.)
    uncounted = [pk for pk in ids if batch.schools[pk] is not None and batch.schools[pk].pk == school.pk
                 and (pk, school.pk) not in batch.absences]
    if uncounted:
        batch.absences.update(_stored_absences(uncounted, school, as_of))
    return batch


def absences(student, school, as_of: datetime.date) -> tuple[float, float, list[datetime.date]]:
    """(days absent, days unlawfully absent, unlawful dates) for the school year to `as_of`, by the rules
    engine on the stored attendance events; the stored indicator row when the engine cannot run."""
    figures = absences_for([student.pk], school, as_of).get((student.pk, school.pk))
    if figures is not None:
        return figures
    return _stored_absences([student.pk], school, as_of)[(student.pk, school.pk)]


def _stored_absences(student_ids, school, as_of: datetime.date) -> dict[tuple[int, int], tuple]:
    """The latest stored year-to-date indicator row by `as_of` (no dates), or zeros: for students the
    engine cannot count."""
    from casework.indicators.models import StudentIndicator

    out: dict[tuple[int, int], tuple] = {(pk, school.pk): (0.0, 0.0, []) for pk in student_ids}
    seen: set[int] = set()
    for stored in (StudentIndicator.objects.filter(student_id__in=list(student_ids), school=school,
                                                   period_key="year_to_date", as_of__lte=as_of)
                   .order_by("student_id", "-as_of")):
        if stored.student_id not in seen:
            seen.add(stored.student_id)
            out[(stored.student_id, school.pk)] = (stored.days_absent, stored.days_unlawful, [])
    return out


def absences_for(student_ids, school, as_of: datetime.date) -> dict[tuple[int, int], tuple]:
    """absences() for many students of one school with ONE run of the rules engine (a batch of letters):
    {(student pk, school pk): figures}; a student the engine cannot count at `school` is left out.

    The figures are the student's school year in the district, not this school's alone: a child who
    changed schools in November has the absences of both, as the SIS and the truancy law count them
    (a guardian told "4 days" when the year holds 8.5 is misinformed). A day enrolled at two schools
    at once counts once, by the school where it counts most."""
    from casework.indicators.inputs import IndicatorError, indicators_as_of

    try:
        _, rows = indicators_as_of(as_of=as_of, student_ids=list(student_ids), leave_out_uncalendared=True)
    except IndicatorError:
        return {}
    by_student: dict[int, list] = {}
    for row in rows:
        by_student.setdefault(row.student_pk, []).append(row)
    out: dict[tuple[int, int], tuple] = {}
    for student_pk, found in by_student.items():
        if any(row.school_pk == school.pk for row in found):
            out[(student_pk, school.pk)] = _year_in_district(found, as_of)
    return out


def _year_in_district(rows, as_of: datetime.date) -> tuple[float, float, list[datetime.date]]:
    """One student's rows (one per school): days absent, days unlawful, unlawful dates, by the day."""
    if len(rows) == 1:
        ytd = rows[0].result.year_to_date
        return ytd.days_absent, ytd.days_unlawful, [d.day for d in rows[0].result.days
                                                    if d.unlawful > 0 and d.day <= as_of]
    absent: dict[datetime.date, float] = {}
    unlawful: dict[datetime.date, float] = {}
    from_tardies = 0.0
    for row in rows:
        counted = [d for d in row.result.days if d.day <= as_of]
        # Unlawful days a rule set adds for tardies belong to no single day: kept per school.
        from_tardies += row.result.year_to_date.days_unlawful - sum(d.unlawful for d in counted)
        for d in counted:
            absent[d.day] = max(absent.get(d.day, 0.0), d.absent)
            unlawful[d.day] = max(unlawful.get(d.day, 0.0), d.unlawful)
    dates = sorted(day for day, value in unlawful.items() if value > 0)
    return sum(absent.values()), sum(unlawful.values()) + from_tardies, dates


def school_year_label(as_of: datetime.date, language: str = "en") -> str:
    start = as_of.year if as_of.month >= 7 else as_of.year - 1
    year = f"{start}-{(start + 1) % 100:02d}"
    return f"lo que va del año escolar {year}" if language == "es" else f"{year} school year to date"


# A student whose SIS sent no birth date: the letter says so instead of a made-up date.
_NO_BIRTH_DATE = {"en": ("not recorded", "unknown"), "es": ("no registrada", "desconocida")}


def _birth(student, as_of, language: str) -> dict[str, str]:
    if student.date_of_birth is None:
        dob, age = _NO_BIRTH_DATE.get(language, _NO_BIRTH_DATE["en"])
        return {"date_of_birth": dob, "age": age}
    return {"date_of_birth": f"{student.date_of_birth:%m/%d/%Y}", "age": str(student.age_on(as_of))}


def letter_context(case, guardian, *, as_of: datetime.date | None = None, language: str = "en",
                   known_absences: dict | None = None, hearing=None, batch: LetterBatch | None = None
                   ) -> dict[str, str]:
    """The strings a template may use, for this case's student and this guardian, as of `as_of`.
    `known_absences`: a batch's figures from absences_for, {(student pk, school pk): figures}.
    `batch`: the school, address and absences read for a whole batch (letter_batch) instead of here."""
    as_of = as_of or timezone.localdate()
    student = case.student
    if batch is not None:
        school = batch.schools[student.pk] if student.pk in batch.schools else _school_for(student, as_of)
        lines = batch.address_lines(guardian, student) + ["", "", ""]
        known_absences = known_absences or batch.absences
    else:
        school = _school_for(student, as_of)
        lines = _address_lines(guardian, student) + ["", "", ""]
    known = (known_absences or {}).get((student.pk, school.pk)) if school else None
    absent, unlawful, dates = known or (absences(student, school, as_of) if school else (0.0, 0.0, []))
    owner = case.owner
    school_address = ""
    if school is not None and school.city:
        school_address = ", ".join(p for p in [school.street, f"{school.city}, {school.state} {school.postal_code}"]
                                   if p.strip())
    return {
        "student_name": f"{student.first_name} {student.last_name}",
        "student_first_name": student.preferred_name or student.first_name,
        "student_id": student.district_id,
        "grade": grade_label(student.grade, language),
        **_birth(student, as_of, language),
        "school_name": school.name if school else "",
        "school_address": school_address,
        "school_phone": school.phone if school else "",
        "guardian_name": f"{guardian.first_name} {guardian.last_name}" if guardian else "",
        "address_line1": lines[0], "address_line2": lines[1], "address_line3": lines[2],
        "today": _long_date(as_of, language),
        "absence_count": _number(absent),
        "unlawful_absence_count": _number(unlawful),
        "absence_dates": ", ".join(f"{d:%m/%d/%Y}" for d in dates),
        "period": school_year_label(as_of, language),
        "law_cited": LAW_CITED,
        "ppw_name": (owner.get_full_name() or owner.username) if owner else "",
        "ppw_phone": (getattr(owner, "phone", "") if owner else "") or (school.phone if school else ""),
        "case_number": case.number,
        **meeting_context(hearing, language),  # fill-in lines without a hearing
    }


# --- printing ----------------------------------------------------------------------------------------

# US Letter, inches. The recipient block sits in the window of a standard #10 double-window envelope
# (window 0.875in from the left, 2.0in down, 4in x 1in); the school's return address in the upper window.
PAGE_W, PAGE_H = 8.5, 11.0
RETURN_X, RETURN_Y = 0.875, 0.625
ADDRESS_X, ADDRESS_Y, ADDRESS_W = 0.875, 2.0, 4.0
ADDRESS_LINE_H, ADDRESS_MAX_LINES = 0.15, 4  # 4 lines end at 2.6in: inside the window
BODY_TOP, MARGIN = 3.1, 1.0
BODY_LINE_H = 0.19
BOTTOM = 0.9  # room for the page number

# The fonts (pdffonts.py, shared with the hearings' packets): the body is DejaVu Serif *Condensed*: DejaVu
# Serif is a quarter wider than Times; the condensed face at 10.5pt sets about as much a line as Times 11.5pt
# did (4% less), with a slightly taller x-height, so letters keep their length and stay as easy to read.
BODY_SIZE, HEADING_SIZE = 10.5, 11.5


def letter_unprintable(letter) -> str:
    """What of this letter its PDF cannot print (names in Chinese, Korean, Amharic...): the Word copy,
    set in the reader's fonts, has it. Empty: the PDF prints the letter whole."""
    return unprintable("\n".join([letter.recipient_name, *letter.address_lines, *letter.return_lines,
                                   letter.body_text, letter.case.number]))


def _blocks(body_text: str) -> list[tuple[bool, str]]:
    """Paragraphs (blank-line separated); one starting with '## ' is a bold heading."""
    blocks = []
    for para in re.split(r"\n\s*\n", body_text.replace("\r\n", "\n").strip()):
        para = para.strip("\n")
        if para.startswith("## "):
            blocks.append((True, para[3:].strip()))
        elif para.strip():
            blocks.append((False, para))
    return blocks


def _recipient(letter) -> list[str]:
    lines = [letter.recipient_name, *letter.address_lines]
    return [line for line in lines if line and line.strip()][:ADDRESS_MAX_LINES]


_WRAPPED: dict[tuple[str, str, float], list[str]] = {}


def wrap(text: str, style: str, size: float, width: float = PAGE_W - 2 * MARGIN) -> list[str]:
    """Greedy word wrap with the body font's own widths. fpdf2's multi_cell re-measures the line at every
    character, which makes 1,000 letters take minutes; this measures each word once, and remembers the
    paragraphs every letter of a batch shares. `text`: as printable() gives it."""
    key = (text, style, size)
    if key in _WRAPPED:
        return _WRAPPED[key]
    table = widths(SERIF, style)
    missing = table[MISSING]
    scale = size / 72 / 1000  # inches per width unit
    limit = width / scale
    space = table[" "]
    lines: list[str] = []
    for raw in text.split("\n"):
        line, used = "", 0.0
        for word in raw.split(" "):
            w = sum(table.get(c, missing) for c in word)
            if line and used + space + w > limit:
                lines.append(line)
                line, used = word, w
            elif line:
                line, used = f"{line} {word}", used + space + w
            else:
                line, used = word, w
        lines.append(line)
    if len(_WRAPPED) > 5000:
        _WRAPPED.clear()
    _WRAPPED[key] = lines
    return lines


def _pages(letter) -> list[list[tuple[str, float, float, str]]]:
    """The body laid out: per page, its lines as (style, size, baseline in inches from the top, text)."""
    pages: list[list] = [[]]
    y = BODY_TOP
    for bold, text in _blocks(letter.body_text):
        style, size = ("B", HEADING_SIZE) if bold else ("", BODY_SIZE)
        for line in wrap(printable(text), style, size):
            if y + BODY_LINE_H > PAGE_H - BOTTOM:
                pages.append([])
                y = MARGIN
            y += BODY_LINE_H
            pages[-1].append((style, size, y - 0.05, line))
        y += 0.1
    return pages


def _cell_text(pdf, x: float, top: float, height: float, text: str, *, right: float | None = None) -> None:
    """One line where fpdf2's cell(height) at (x, top) would print it (the cell margin in, the baseline
    0.3 of the font size below the middle; `right`: aligned to end there), with text(): with embedded
    fonts a cell costs three times a text() (profiled on a 1,000-letter batch)."""
    if right is not None:
        x = right - pdf.get_string_width(text) - 2 * pdf.c_margin
    pdf.text(x + pdf.c_margin, top + 0.5 * height + 0.3 * pdf.font_size, text)


def letters_pdf(letters: Iterable) -> bytes:
    """ONE print-ready PDF: each letter starts on a new page, with its own page numbers."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="in", format="letter")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)  # _pages breaks them
    pdf.set_title("Letters")
    pdf.set_creator("Casework")
    add_fonts(pdf)
    for letter in letters:
        # Laid out first, so each page gets its "2 / 3" as it is written. (Going back to number earlier
        # pages left them without the footer's font: with core fonts it printed in Times, with the
        # embedded fonts it would print garbage, their glyph numbers differing.)
        pages = _pages(letter)
        for n, lines in enumerate(pages, start=1):
            pdf.add_page()
            if n == 1:
                pdf.set_font(SANS, size=9)
                for i, line in enumerate(letter.return_lines[:4]):
                    _cell_text(pdf, RETURN_X, RETURN_Y + i * 0.14, 0.14, printable(line))
                pdf.set_font(SANS, size=10.5)
                for i, line in enumerate(_recipient(letter)):
                    _cell_text(pdf, ADDRESS_X, ADDRESS_Y + i * ADDRESS_LINE_H, ADDRESS_LINE_H, printable(line))
            current = None
            for style, size, baseline, line in lines:
                if (style, size) != current:
                    pdf.set_font(SERIF, style=style, size=size)
                    current = (style, size)
                pdf.text(MARGIN, baseline, line)
            pdf.set_font(SANS, size=8)
            _cell_text(pdf, MARGIN, PAGE_H - 0.6, 0.2, printable(f"{letter.case.number} · {n} / {len(pages)}"),
                       right=PAGE_W - MARGIN)
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())


def letter_pdf(letter) -> bytes:
    return letters_pdf([letter])


def letter_docx(letter) -> bytes:
    """An editable Word copy: the same text and address block (for a letter a PPW wants to adjust)."""
    from docx import Document
    from docx.shared import Inches, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(PAGE_W), Inches(PAGE_H)
    section.top_margin, section.bottom_margin = Inches(RETURN_Y), Inches(MARGIN)
    section.left_margin = section.right_margin = Inches(MARGIN)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(11.5)

    def line(text: str, *, size: float = 10, indent: float = ADDRESS_X - MARGIN, before: float = 0):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Inches(indent)
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.space_before = Inches(before)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.name = "Arial"
        return p

    for text in letter.return_lines[:4]:
        line(text, size=9)
    gap = ADDRESS_Y - RETURN_Y - 0.14 * len(letter.return_lines[:4])
    for i, text in enumerate(_recipient(letter)):
        line(text, size=10.5, before=gap if i == 0 else 0)
    doc.add_paragraph().paragraph_format.space_after = Pt(18)
    for bold, text in _blocks(letter.body_text):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
    footer = section.footer.paragraphs[0]
    footer.text = letter.case.number
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
