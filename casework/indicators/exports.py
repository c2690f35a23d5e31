"""The early-warning list as a file (CSV or XLSX). Every exported row is a logged access; file names
carry the school code and date only, never a student's name or id."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import xlsxwriter

from .models import Flags, StudentIndicator

HEADERS = ["student_id", "last_name", "first_name", "preferred_name", "grade", "days_enrolled", "days_absent",
           "days_unlawful", "attendance_rate", "band", *Flags.values, "suspensions", "course_failures", "open_case",
           "newly_crossed_since", "as_of"]
# The band cell of a student under the rule set's minimum days enrolled: said, not left blank (a blank
# cell reads as missing data, and sorts and filters with the empty rows).
NOT_RATED = "Not rated (too few days enrolled)"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def row_values(row: StudentIndicator, band_labels: dict[str, str]) -> list:
    s = row.student
    rate = None if row.attendance_rate is None else round(row.attendance_rate * 100, 1)
    case = "" if row.has_open_case is None else ("yes" if row.has_open_case else "no")
    return [s.district_id, s.last_name, s.first_name, s.preferred_name, s.get_grade_display(), row.days_enrolled,
            row.days_absent, row.days_unlawful, rate, band_labels.get(row.band, row.band) or NOT_RATED,
            *("yes" if getattr(row, flag) else "no" for flag in Flags.values), row.suspensions, row.course_failures,
            case,
            row.new_since.isoformat() if row.new_since else "", row.as_of.isoformat()]


def to_csv(rows: Iterable[StudentIndicator], band_labels: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([neutralise(v) for v in row_values(row, band_labels)])
    # UTF-8 with BOM: Excel otherwise reads García as GarcÃ­a.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[StudentIndicator], band_labels: dict[str, str], *, title: str) -> bytes:
    out = io.BytesIO()
    # Strings are written as strings, never as formulas, links or numbers (a student id stays "007").
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    sheet = book.add_worksheet("Early warning")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADERS, bold)
    sheet.freeze_panes(1, 0)
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row_values(row, band_labels)):
            if value is None:
                continue
            if isinstance(value, str):  # a string cell is never evaluated: no need to alter the text
                sheet.write_string(n, col, value)
            else:
                sheet.write_number(n, col, value)
    sheet.autofilter(0, 0, max(n, 1), len(HEADERS) - 1)
    book.set_properties({"title": title})
    book.close()
    return out.getvalue()
