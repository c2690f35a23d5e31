"""The fonts Casework embeds in its PDFs (letters, and the hearings' review-board and court packets), and
what of a text they can print.

The fonts ship with Casework (fonts/README.md): DejaVu, subset to Latin (Vietnamese included), Greek,
Cyrillic and the punctuation and symbols the documents use. The PDF core fonts are Latin-1 only and printed
"Nguyễn Đức" as "Nguyen ?uc". One implementation for every PDF, so a name prints the same on a letter
and in the packet that quotes it."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
# fpdf2 family names; the PDF names each font from its file (DejaVuSerifCondensed, DejaVuSans...).
SERIF, SANS = "CaseworkSerif", "CaseworkSans"
FONT_FILES = {(SERIF, ""): "DejaVuSerifCondensed.ttf", (SERIF, "B"): "DejaVuSerifCondensed-Bold.ttf",
              (SANS, ""): "DejaVuSans.ttf"}
# What the PDF prints for a character none of the fonts has (Chinese, Korean, Amharic, Arabic...):
# visible, where a missing glyph would be a blank box or nothing at all.
MISSING = "\ufffd"
_INVISIBLE = ("Cc", "Cf")  # control and format characters (zero-width joiners...) print nothing anyway

# fpdf2 subsets the fonts into each PDF with fontTools, whose subsetter logs some thirty INFO lines a
# document: settings.LOGGING holds the "fontTools" logger at WARNING.


def add_fonts(pdf) -> None:
    """Register the shipped fonts on an fpdf2 document (as SERIF regular and bold, SANS regular)."""
    for (family, style), name in FONT_FILES.items():
        pdf.add_font(family, style, FONTS_DIR / name)


@functools.cache
def _fonts() -> tuple[frozenset[str], dict[tuple[str, str], dict[str, float]]]:
    """(the characters every shipped font has, {(family, style): widths in 1/1000 of the font size}),
    read from the fonts' own cmap and metrics, as fpdf2 measures them (TTFFont.cw)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    add_fonts(pdf)
    widths, common = {}, None
    for family, style in FONT_FILES:
        pdf.set_font(family, style=style, size=10)
        font = pdf.current_font
        table = {chr(cp): float(font.cw[cp]) for cp in font.cmap}
        common = set(table) if common is None else common & set(table)
        widths[(family, style)] = table
    return frozenset(common), widths


def widths(family: str, style: str = "") -> dict[str, float]:
    """Character widths of one shipped font, in 1/1000 of the font size (for a word wrap of one's own)."""
    return _fonts()[1][(family, style)]


def _unprintable_set(text: str) -> set[str]:
    return set(text) - _fonts()[0] - {"\n"}


def printable(text: str) -> str:
    """The text as the shipped fonts can print it: composed (NFC, so a decomposed "ễ" prints as one letter),
    tabs as spaces, a character the fonts lack as MISSING (see unprintable)."""
    text = unicodedata.normalize("NFC", text)
    bad = _unprintable_set(text)
    if not bad:
        return text
    table = {ord(c): "" if unicodedata.category(c) in _INVISIBLE else MISSING for c in bad}
    table[ord("\t")] = " "
    return text.translate(table)


def unprintable(text: str) -> str:
    """The characters of `text` the PDF cannot print (each once, in order): empty when it prints whole."""
    text = unicodedata.normalize("NFC", text)
    bad = {c for c in _unprintable_set(text) if unicodedata.category(c) not in _INVISIBLE}
    return "".join(dict.fromkeys(c for c in text if c in bad))
