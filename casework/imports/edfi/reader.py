"""Streaming an Ed-Fi XML interchange with expat: one small element tree per record (a child of the
interchange root), handed out and then dropped, so a file of hundreds of MB is never held whole.
expat gives the line of each record and reads the encoding the XML declaration names."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element
from xml.parsers import expat

from casework.imports.csvfile import Refused

_CHUNK = 1 << 16
_REPORT_EVERY = 5000  # records between progress reports


def local(tag: str) -> str:
    """'http://ed-fi.org/5.1.0 School' or 'School' -> 'School' (namespaces vary by version)."""
    return tag.rsplit(" ", 1)[-1].rsplit("}", 1)[-1]


def _explain(path: Path, exc: Exception, at_end: bool, started: bool = True) -> Refused:
    if not isinstance(exc, expat.ExpatError):  # Python's codec lookup, before expat reads a byte
        return Refused(f"{path.name}, line 1: the XML declaration names an encoding Casework cannot read "
                       f"({exc}); export the file as UTF-8.")
    line, column = exc.lineno, exc.offset + 1
    reason = expat.ErrorString(exc.code)
    if at_end and not started:
        what = "the file holds no element (only an XML declaration, comments or blank lines); an Ed-Fi " \
               "interchange starts with its root element."
    elif at_end and exc.code in (expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
                               expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
                               expat.errors.codes[expat.errors.XML_ERROR_PARTIAL_CHAR]):
        what = "the file ends in the middle of an element; was the export cut short?"
    elif exc.code == expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
        what = (f"{reason}: a byte or character that is not allowed here, often a byte that does not decode in "
                "the encoding the XML declaration names (UTF-8 unless it says otherwise). Export the file again "
                "as UTF-8.")
    elif exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]:
        what = "the XML declaration names an encoding Casework cannot read; export the file as UTF-8."
    elif exc.code == expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]:
        what = "an element is closed that was not opened here (mismatched tag); the file is not well-formed XML."
    else:
        what = f"{reason}; the file is not well-formed XML."
    return Refused(f"{path.name}, line {line}, column {column}: {what}")


class _Builder:
    """expat callbacks building the current record only. Records whose name is not wanted are skipped
    without building anything."""

    def __init__(self, parser, wanted: set[str] | None, skipped: dict[str, int] | None = None):
        self.parser = parser
        self.wanted = wanted
        self.skipped = skipped
        self.depth = 0
        self.root: str | None = None
        self.root_namespace = ""
        self.stack: list[Element] = []
        self.skipping = False
        self.text: list[str] = []
        self.done: list[tuple[int, Element]] = []
        self.line = 0

    def start(self, tag, attrs):
        self.depth += 1
        name = local(tag)
        if self.depth == 1:
            self.root = name
            self.root_namespace = tag.rpartition(" ")[0]  # expat writes "namespace local"
            return
        if self.depth == 2:
            self.skipping = self.wanted is not None and name not in self.wanted
            self.line = self.parser.CurrentLineNumber
            if self.skipping and self.skipped is not None:
                self.skipped[name] = self.skipped.get(name, 0) + 1
        if self.skipping:
            return
        self._flush_text()
        element = Element(name)
        if self.stack:
            self.stack[-1].append(element)
        self.stack.append(element)

    def end(self, tag):
        self.depth -= 1
        if self.depth == 0 or self.skipping:
            if self.depth == 1:
                self.skipping = False
            return
        self._flush_text()
        element = self.stack.pop()
        if self.depth == 1:
            self.done.append((self.line, element))

    def chars(self, data):
        if self.stack and not self.skipping:
            self.text.append(data)

    def _flush_text(self):
        if self.text and self.stack:
            target = self.stack[-1]
            value = "".join(self.text).strip()
            if value and not len(target):  # text between child elements is only indentation in Ed-Fi
                target.text = (target.text or "") + value
        self.text = []


def _parser(path: Path, wanted: set[str] | None,
            skipped: dict[str, int] | None = None) -> tuple[expat.XMLParserType, _Builder]:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    builder = _Builder(parser, wanted, skipped)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.chars
    return parser, builder


def root_element(path: Path) -> tuple[str, str]:
    """(namespace, local name) of the root element ("" when it has no namespace), reading only as far
    as it; raises Refused."""
    if os.path.getsize(path) == 0:
        raise Refused(f"{path.name}: the file is empty; an Ed-Fi interchange starts with its root element.")
    parser, builder = _parser(path, wanted=set())
    with open(path, "rb") as raw:
        while builder.root is None:
            chunk = raw.read(4096)
            try:
                parser.Parse(chunk, not chunk)
            except (expat.ExpatError, LookupError, ValueError) as exc:
                raise _explain(path, exc, at_end=not chunk, started=builder.root is not None) from None
            if not chunk:
                break
    if builder.root is None:
        raise Refused(f"{path.name}: the file is empty; an Ed-Fi interchange starts with its root element.")
    return builder.root_namespace, builder.root


def records(path: Path, wanted: Iterable[str] | None = None,
            report: Callable[[int, int], None] | None = None,
            skipped: dict[str, int] | None = None) -> Iterator[tuple[int, str, Element]]:
    """(line, element path such as 'StudentSchoolAttendanceEvent[1234]', record) for every record of the
    file whose name is in `wanted` (all when None), in file order. Raises Refused part-way through if
    the file turns out to be malformed or cut short; the import run then keeps nothing. `skipped`, when
    given, counts the records passed over by name."""
    parser, builder = _parser(path, None if wanted is None else set(wanted), skipped)
    size = os.path.getsize(path)
    seen: dict[str, int] = {}
    handed = 0
    with open(path, "rb") as raw:
        while True:
            chunk = raw.read(_CHUNK)
            try:
                parser.Parse(chunk, not chunk)
            except (expat.ExpatError, LookupError, ValueError) as exc:
                raise _explain(path, exc, at_end=not chunk, started=builder.root is not None) from None
            batch, builder.done = builder.done, []
            for line, element in batch:
                seen[element.tag] = seen.get(element.tag, 0) + 1
                handed += 1
                if report is not None and handed % _REPORT_EVERY == 0:
                    report(raw.tell(), size)
                yield line, f"{element.tag}[{seen[element.tag]}]", element
            if not chunk:
                break
    if report is not None:
        report(size, size)
