"""Reading a plain CSV file robustly and in a stream: encoding detection (UTF-8, UTF-8 with a BOM,
Windows-1252 fallback), a wrong delimiter refused by name, required columns checked, unknown columns
warned about, and the line number of every row kept for the rejects report."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .parsing import RowError

_CHUNK = 1 << 20
_OTHER_DELIMITERS = {";": "semicolon (;)", "\t": "tab", "|": "vertical bar (|)"}


class Refused(Exception):
    """The file cannot be imported at all; the message says why, for a person to act on."""


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' when the file starts with a BOM, 'utf-8' when every byte decodes as UTF-8,
    otherwise 'cp1252' (what Excel on Windows writes). Decodes in chunks: never the whole file at once."""
    with open(path, "rb") as raw:
        head = raw.read(3)
        raw.seek(0)
        if head == codecs.BOM_UTF8:
            _refuse_nul(path, raw)
            return "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-8")()
        lines = 0
        try:
            while chunk := raw.read(_CHUNK):
                _check_nul(path, chunk, lines)
                lines += chunk.count(b"\n")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            _refuse_nul(path, raw)
        else:
            return "utf-8"
        raw.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := raw.read(_CHUNK):
                decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise Refused(f"{path.name}: the file is neither UTF-8 nor Windows-1252 text (byte "
                          f"0x{exc.object[exc.start]:02X}); save it as CSV UTF-8 and import it again.") from None
    return "cp1252"


def _check_nul(path: Path, chunk: bytes, lines_before: int) -> None:
    """A NUL byte is in no CSV a person saves (PostgreSQL cannot store one in text): refuse the file,
    naming the line, instead of failing in the database."""
    at = chunk.find(b"\x00")
    if at >= 0:
        line = lines_before + chunk.count(b"\n", 0, at) + 1
        raise Refused(f"{path.name}, line {line}: the file contains a NUL byte (0x00), which no text value may "
                      "hold. Was it saved as UTF-16 or from another program's binary format? Save it as CSV "
                      "UTF-8 and import it again.")


def _refuse_nul(path: Path, raw) -> None:
    raw.seek(0)
    lines = 0
    while chunk := raw.read(_CHUNK):
        _check_nul(path, chunk, lines)
        lines += chunk.count(b"\n")
    raw.seek(0)


ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252"}


@dataclass
class CsvFile:
    path: Path
    required: tuple[str, ...]
    known: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    encoding: str = ""
    columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def open(self) -> None:
        """Check the file before any row is read; raises Refused."""
        if not self.path.is_file():
            raise Refused(f"{self.path}: no such file.")
        self.encoding = detect_encoding(self.path)
        with open(self.path, encoding=self.encoding, newline="") as text:
            header_line = text.readline().rstrip("\r\n")
        if not header_line.strip():
            raise Refused(f"{self.name}: the file is empty; the first line must be the column names.")
        if "," not in header_line:
            for delimiter, label in _OTHER_DELIMITERS.items():
                if delimiter in header_line:
                    raise Refused(f"{self.name}: columns are separated by {label}, not commas. "
                                  "Save the file as comma-separated values (CSV) and import it again.")
        try:
            header = [c.strip() for c in next(csv.reader([header_line]))]
        except csv.Error as exc:
            raise Refused(f"{self.name}, line 1: the file cannot be read as CSV ({exc}).") from None
        while header and not header[-1]:  # Excel keeps empty columns after the last one
            header.pop()
        self.columns = [c.lower() for c in header]
        if "" in self.columns:
            raise Refused(f"{self.name}: column {self.columns.index('') + 1} of the first line has no name; "
                          "every column needs its name in the first line.")
        # Names are matched case-insensitively and said as the caller spells them (OneRoster's familyName).
        missing = [c for c in self.required if c.lower() not in self.columns]
        for group in self.one_of:
            if not any(c.lower() in self.columns for c in group):
                missing.append(" or ".join(group))
        if missing:
            raise Refused(f"{self.name}: required column(s) missing: {', '.join(missing)}. "
                          f"Found: {', '.join(header)}.")
        duplicated = sorted({c for c in self.columns if self.columns.count(c) > 1})
        if duplicated:
            raise Refused(f"{self.name}: column(s) given twice: {', '.join(duplicated)}.")
        known = {c.lower() for c in self.known}
        unknown = [h for h, c in zip(header, self.columns, strict=True) if c not in known]
        if unknown:
            self.warnings.append(f"{self.name}: unknown column(s) ignored: {', '.join(unknown)}.")

    def rows(self, progress: Callable[[int, int], None] | None = None
             ) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        """(line number, {column: stripped value}) for every non-blank row; the header is line 1. A row
        with fewer or more values than the header comes as a RowError in place of the row: padding a
        short row with empty values would import a file cut short as if it were whole."""
        size = os.path.getsize(self.path)
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            # strict: a file that ends inside a quoted value is an error, not a last value swallowing the rest
            reader = csv.reader(text, strict=True)
            start = 1  # the line the row being read starts on
            try:
                next(reader)
                start = reader.line_num + 1
                for count, values in enumerate(reader, 1):
                    if progress is not None and count % 5000 == 0:
                        progress(raw.tell(), size)
                    start = reader.line_num + 1
                    if any(v.strip() for v in values):
                        yield reader.line_num, self._row(reader.line_num, values)
            except csv.Error as exc:
                if "end of data" in str(exc):
                    raise Refused(f"{self.name}, line {start}: a quoted value that starts on this line is never "
                                  "closed (the file ends inside it); the file may be cut short. Export it again, or "
                                  "close the quote, and import it again.") from None
                raise Refused(f"{self.name}, line {reader.line_num}: the file cannot be read as CSV ({exc}).") \
                    from None
        if progress is not None:
            progress(size, size)

    def _row(self, line: int, values: list[str]) -> dict[str, str] | RowError:
        have, want = len(values), len(self.columns)
        if have > want and any(v.strip() for v in values[want:]):  # Excel's empty columns after the last are fine
            return RowError("", ",".join(values[want:]), f"The row has more values than the header has columns (an "
                                                         f"unquoted comma?): line {line} has {have} values; the "
                                                         f"header has {want}.")
        if have < want:
            return RowError("", "", f"Line {line} has {have} value{'s' if have != 1 else ''}; the header has {want}: "
                                    "the file may be cut short, or a value (or its comma) is missing.")
        return {c: values[i].strip() for i, c in enumerate(self.columns)}
