"""The packet as one PDF (fpdf2, US Letter). Layout only: packet.build gathers the facts.

Set in the fonts the letters embed (casework.letters.pdffonts), so a Vietnamese name prints as the record has
it; what those fonts lack (Chinese, Korean...) prints as a visible U+FFFD, and render() says which characters.
DejaVu Serif Condensed throughout, at the sizes Helvetica had: it sets about 4% more width a line, so a packet
keeps its pages and columns (the longest bold fact label, "Accepted, then stopped", takes 42 of its 45 mm; the
footer at 8pt takes about 170 of 186 mm where DejaVu Sans would take 181)."""

from __future__ import annotations

import io
import logging

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from casework.attendance import calendar_view
from casework.letters.pdffonts import SERIF, add_fonts, printable, unprintable
from casework.plans.models import fmt_value

from .packet import Packet, statute

log = logging.getLogger(__name__)
# The plan charts carry <title>/<desc> for screen readers; fpdf2 skips them, which is fine on paper.
logging.getLogger("fpdf.svg").setLevel(logging.ERROR)

LINE = 5.5
CELL_W, CELL_H = 11.5, 6.0


class _Doc(FPDF):
    def __init__(self, packet: Packet):
        super().__init__(orientation="P", unit="mm", format="Letter")
        self.packet = packet
        self.missing: dict[str, None] = {}  # what the fonts could not print, in order of appearance
        add_fonts(self)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{packet.title} {packet.case.number}")  # metadata: any text, no font needed
        self.set_creator("Casework")

    def t(self, text) -> str:
        """Every string the packet prints passes here: as the fonts print it, noting what they cannot."""
        text = str(text)
        if chars := unprintable(text):
            self.missing.update(dict.fromkeys(chars))
        return printable(text)

    def footer(self):
        self.set_y(-13)
        self.set_font(SERIF, "", 8)
        self.cell(0, 5, self.t(f"{self.packet.title} - case {self.packet.case.number} - generated "
                               f"{self.packet.today:%m/%d/%Y} - CONFIDENTIAL student record (FERPA) - page "
                               f"{self.page_no()}/{{nb}}"), align="C")

    # --- helpers -------------------------------------------------------------------------------------
    def h1(self, text):
        self.set_font(SERIF, "B", 15)
        self.multi_cell(0, 8, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def h2(self, text):
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_font(SERIF, "B", 12)
        self.cell(0, 7, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(SERIF, "", 10)

    def para(self, text, size=10, style=""):
        self.set_font(SERIF, style, size)
        self.multi_cell(0, LINE, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fact(self, label, value):
        self.set_font(SERIF, "B", 10)
        self.cell(45, LINE, self.t(label))
        self.set_font(SERIF, "", 10)
        self.multi_cell(0, LINE, self.t(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, headings, rows, widths):
        self.set_font(SERIF, "", 9)
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.8, padding=1) as table:
            head = table.row()
            for h in headings:
                head.cell(self.t(h))
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(self.t(value))


def _summary(pdf: _Doc, p: Packet) -> None:
    s = p.student
    pdf.h1(f"{p.title}: case {p.case.number}")
    pdf.para(f"Generated from the Casework record on {p.today:%m/%d/%Y}; attendance counted through "
             f"{p.as_of:%m/%d/%Y}.", size=9)
    pdf.h2("Student")
    pdf.fact("Name", s.legal_name)
    pdf.fact("Date of birth", f"{s.date_of_birth:%m/%d/%Y} (age {p.age} as of {p.today:%m/%d/%Y})" if s.date_of_birth
             else "Not recorded (age unknown): the SIS sent no birth date")
    pdf.fact("Grade", s.get_grade_display())
    pdf.fact("Student ID", s.district_id + (f" (state ID {s.state_id})" if s.state_id else ""))
    pdf.fact("School(s)", ", ".join(r.school_name for r in p.schools) or "No enrollment this school year")
    pdf.fact("Case", f"{p.case.number}, {p.case.get_case_type_display()}, opened {p.case.opened_on:%m/%d/%Y}, "
                     f"PPW {p.case.owner.get_full_name() or p.case.owner.username if p.case.owner else 'unassigned'}")
    pdf.h2("Parents and guardians")
    if p.guardians:
        pdf.grid(("Name", "Relationship", "Address", "Phone", "Language"),
                 [(g["name"] + (" (NO-CONTACT ORDER)" if g["no_contact"] else ""),
                   g["relationship"] + (", legal custody" if g["custody"] else ""), g["address"] or "-",
                   g["phone"] or "-", g["language"]) for g in p.guardians], (38, 34, 60, 26, 27))
    else:
        pdf.para("No guardian on record.")
    pdf.h2("The law")
    for line in statute(p.kind, p.age):
        pdf.para(line)
        pdf.ln(1)
    pdf.h2("Attendance this school year")
    c = p.counts
    pdf.fact("Days enrolled", f"{c.get('days_enrolled', 0):g}")
    pdf.fact("Days absent", f"{c.get('days_absent', 0):g}")
    pdf.fact("Days unlawfully absent", f"{c.get('days_unlawful', 0):g}")
    pdf.para(f"Days {c.get('source', '')}; half days count 0.5.", size=8)
    _services_summary(pdf, p)


def _services_summary(pdf: _Doc, p: Packet) -> None:
    """The counts the board and the court ask first: services offered and refused, meetings refused."""
    n = p.services
    if not n:
        return
    pdf.h2("Services offered and the family's answers")
    pdf.fact("Services offered", f"{n['offered']}")
    pdf.fact("Refused by the family", f"{n['refused']}")
    pdf.fact("Accepted, then stopped", f"{n['stopped']}")
    pdf.fact("Accepted", f"{n['accepted']}")
    pdf.fact("No answer recorded", f"{n['unanswered']}")
    pdf.fact("Hearings refused", f"{n['hearings_refused']} (of {n['hearings_held']} held)")
    pdf.para("Each offer and each answer, with the family's reason, is in the intervention history by date.", size=8)


def _month(pdf: _Doc, grid: calendar_view.MonthGrid, x: float, y: float) -> None:
    pdf.set_xy(x, y)
    pdf.set_font(SERIF, "B", 10)
    pdf.cell(CELL_W * 7, 6, pdf.t(grid.title), align="C")
    pdf.set_font(SERIF, "", 7)
    for i, (short, _) in enumerate(calendar_view.WEEKDAY_HEADERS):
        pdf.set_xy(x + i * CELL_W, y + 6)
        pdf.cell(CELL_W, 4.5, pdf.t(short), border=1, align="C")
    for w, week in enumerate(grid.weeks):
        for i, cell in enumerate(week):
            pdf.set_xy(x + i * CELL_W, y + 10.5 + w * CELL_H)
            if cell is None:
                pdf.cell(CELL_W, CELL_H, "", border=1)
                continue
            letter = cell.status.letter
            shade = letter in ("U", "H") and "unlawful" in cell.label or letter == "U"
            pdf.set_fill_color(200, 200, 200)
            pdf.set_font(SERIF, "B" if shade else "", 7)
            pdf.cell(CELL_W, CELL_H, f"{cell.day.day} {letter}".strip(), border=1, align="C", fill=shade)


def _attendance(pdf: _Doc, p: Packet) -> None:
    pdf.add_page()
    pdf.h1("Attendance record")
    legend = ", ".join(f"{st.letter} = {st.label}" for st in calendar_view.LEGEND if st.letter)
    pdf.para(f"Each school day: {legend}. Shaded days are unlawful absences. Blank: no school.", size=8)
    for record in p.schools:
        pdf.h2(record.school_name)
        if record.error:
            pdf.para(record.error)
            continue
        months = list(record.months)
        for i in range(0, len(months), 2):
            height = 10.5 + CELL_H * max(len(m.weeks) for m in months[i:i + 2]) + 4
            if pdf.get_y() + height > pdf.h - 20:
                pdf.add_page()
            y = pdf.get_y()
            for j, grid in enumerate(months[i:i + 2]):
                _month(pdf, grid, pdf.l_margin + j * (CELL_W * 7 + 8), y)
            pdf.set_xy(pdf.l_margin, y + height)
        pdf.h2(f"Unlawful absences at {record.school_name} ({len(record.unlawful)})")
        if record.unlawful:
            pdf.grid(("Date", "Day", "Portion", "Recorded as"),
                     [(f"{d:%m/%d/%Y}", f"{d:%A}", portion, code) for d, portion, code in record.unlawful],
                     (30, 30, 30, 95))
        else:
            pdf.para("None.")


def _history(pdf: _Doc, p: Packet) -> None:
    pdf.add_page()
    pdf.h1("Intervention history (date order)")
    pdf.para("Every letter, contact and contact attempt, hearing or conference (and whether the family refused "
             "it), service offered and the family's answer to it on this case, oldest first.", size=9)
    if not p.history:
        pdf.para("Nothing recorded.")
        return
    pdf.grid(("Date", "What", "Details"),
             [(f"{e.day:%m/%d/%Y}", e.what, e.text) for e in p.history], (24, 28, 133))


def _plans(pdf: _Doc, p: Packet) -> None:
    pdf.h2("Plans and progress")
    if not p.plans:
        pdf.para("No plan on this case.")
    for plan in p.plans:
        pdf.para(f"{plan['title']} ({plan['status']}; started {plan['start_on']:%m/%d/%Y}, review "
                 f"{plan['review_on']:%m/%d/%Y})", style="B")
        for goal in plan["goals"]:
            pdf.para(f"Goal: {goal['text']}" + (" (dropped)" if goal["dropped"] else ""))
            progress = goal["progress"]
            pdf.para(progress.summary, size=9)
            if progress.weeks:
                _chart(pdf, goal["chart"])
                pdf.grid(("Week of", "Value", "Goal met that week"),
                         [(f"{w.week_of:%m/%d/%Y}", f"{fmt_value(w.value)}{goal['unit']}", "yes" if w.met else "no")
                          for w in progress.weeks], (35, 35, 40))


def _chart(pdf: _Doc, svg: str) -> None:
    """The progress chart as drawn on the plan page. fpdf2 draws a subset of SVG: when it cannot, the
    table below the chart carries the same figures, so the packet still goes out."""
    if not svg:
        return
    if pdf.get_y() > pdf.h - 90:
        pdf.add_page()
    try:
        pdf.image(io.BytesIO(svg.encode()), x=pdf.l_margin, w=150)
    except Exception:  # noqa: BLE001 - a chart fpdf2 cannot draw must not stop a court packet
        log.warning("packet: progress chart not drawn", exc_info=True)
    pdf.ln(2)


def _signatures(pdf: _Doc, p: Packet) -> None:
    if pdf.get_y() > pdf.h - 100:  # the block (about 75 mm) stays on one page
        pdf.add_page()
    pdf.h2("Signatures")
    pdf.para("I certify that this packet was generated from the case record and that the interventions listed "
             "were offered as recorded.", size=9)
    for role, name, title in (("Prepared by", p.preparer, p.preparer_title), ("Supervisor", "", "PPW Supervisor")):
        pdf.ln(8)
        pdf.set_font(SERIF, "", 10)
        # The lines to sign and date on, drawn where Helvetica's "_" * 45 and "_" * 22 printed them: the
        # length of a row of underscores depends on the font.
        rule = pdf.get_y() + 4.2
        pdf.line(pdf.l_margin + 1, rule, pdf.l_margin + 89, rule)
        pdf.line(pdf.l_margin + 96, rule, pdf.l_margin + 139, rule)
        pdf.ln(LINE)
        pdf.cell(95, LINE, pdf.t(f"{role}: {name}" if name else f"{role}: name"))
        pdf.cell(0, LINE, "Date", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(0, LINE, pdf.t(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(packet: Packet) -> tuple[bytes, str]:
    """(the PDF, the characters of the record it printed as U+FFFD, each once: empty when it prints whole)."""
    pdf = _Doc(packet)
    pdf.add_page()
    _summary(pdf, packet)
    _attendance(pdf, packet)
    _history(pdf, packet)
    _plans(pdf, packet)
    _signatures(pdf, packet)
    return bytes(pdf.output()), "".join(pdf.missing)
