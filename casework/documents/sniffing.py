"""What kind of file an upload really is. The first bytes decide, and they must agree with the
name's extension: a program renamed to "court order.pdf" is refused, not stored."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"

EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".docx": DOCX, ".txt": TEXT}
# The extension a download is saved with, from the type sniffed at upload (never the uploaded name's).
SUFFIXES = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", TEXT: "txt"}
LABELS = {PDF: "PDF", PNG: "PNG image", JPEG: "JPEG photo", DOCX: "Word document", TEXT: "Text file"}
ACCEPTED = "PDF, PNG, JPEG, Word (.docx) or plain-text (.txt) files"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Executables and scripts get a plainer refusal than "not a PDF".
_PROGRAM_SIGNATURES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    original_name: str


def max_bytes() -> int:
    return int(float(getattr(settings, "CASEWORK_DOCUMENT_MAX_MB", 10)) * 1024 * 1024)


def limit_label() -> str:
    return f"{float(getattr(settings, 'CASEWORK_DOCUMENT_MAX_MB', 10)):g} MB"


def clean_filename(name: str) -> str:
    """The last path part of the browser's file name, without control characters or path tricks,
    at most 150 characters with the extension kept."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name  # "C:\\fakepath\\x.pdf" and "../x.pdf"
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"/\\|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10:
        name = stem[: 150 - len(ext) - 1].rstrip() + "." + ext
    return name[:150] or "document"


def sniff(head: bytes, file) -> str | None:
    """The content type the bytes show, or None. `file` is re-read for the two checks that need it."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(file) else None
    if _is_text(file):
        return TEXT
    return None


def _is_docx(file) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    finally:
        file.seek(0)


def _is_text(file) -> bool:
    """UTF-8 (a BOM allowed) with no NUL byte anywhere, read in chunks so a big file does not sit in memory."""
    import codecs

    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: file.read(64 * 1024), b""):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def check_upload(upload) -> CheckedFile:
    """Accept the upload or raise ValidationError with a message the uploader can act on."""
    name = clean_filename(getattr(upload, "name", "") or "")
    ext = ("." + name.rpartition(".")[2].lower()) if "." in name else ""
    size = upload.size or 0
    limit = max_bytes()
    if size == 0:
        raise ValidationError("This file is empty. Choose the file again; it may not have finished saving.")
    if size > limit:
        raise ValidationError(f"This file is {size / 1024 / 1024:.1f} MB; the limit is {limit_label()}. "
                              "Scan at a lower resolution or split it into parts.")
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise ValidationError(f"Casework accepts {ACCEPTED}; “{ext or 'no extension'}” files are not accepted.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(_PROGRAM_SIGNATURES):
        raise ValidationError(f"This file is a program, not a {LABELS[expected]}, although its name ends in "
                              f"{ext}. It was not stored.")
    actual = sniff(head, upload)
    if actual != expected:
        what = f"a {LABELS[actual]}" if actual else "none of the accepted kinds"
        raise ValidationError(f"The file's name ends in {ext} but its contents are {what}. Save it again as a "
                              f"real {LABELS[expected]} (or rename it to match) and upload that.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=actual, size=size, sha256=digest.hexdigest(), original_name=name)
