"""Demo documents: a signed attendance contract (a one-page PDF made here), a medical note or a
correspondence log (plain text) on some open cases. Tiny, synthetic, written through the service so
each has its timeline entry and change record."""

from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from casework.cases.models import Case

from .choices import DocumentType
from .services import document_upload

SHARE = 4  # one open case in SHARE gets documents
LIMIT = 40


def one_page_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing `lines` in Helvetica (no dependency; offsets computed, not guessed)."""
    def escape(text: str) -> str:
        return text.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\").replace("(", "\\(") \
            .replace(")", "\\)")

    stream = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _contract(case: Case, day: datetime.date) -> tuple[str, bytes, str, str]:
    pdf = one_page_pdf([
        "Attendance contract (synthetic demo document)",
        f"Case {case.number}",
        f"Signed {day:%m/%d/%Y}",
        "The family agrees to a morning routine and a weekly check-in with the PPW.",
        "The school agrees to call home by 10 AM on any day of absence.",
    ])
    return "attendance-contract.pdf", pdf, DocumentType.SIGNED_FORM, "Signed attendance contract"


def _note(case: Case, day: datetime.date) -> tuple[str, bytes, str, str]:
    text = (f"Medical note (synthetic demo document)\nCase {case.number}\nDated {day:%m/%d/%Y}\n\n"
            "The student was seen in clinic and may return to school. Excused for two days.\n")
    return "clinic-note.txt", text.encode(), DocumentType.MEDICAL_NOTE, "Clinic note: excused absence"


def _letter_log(case: Case, day: datetime.date) -> tuple[str, bytes, str, str]:
    text = (f"Correspondence log (synthetic demo document)\nCase {case.number}\n\n"
            f"{day:%m/%d/%Y}  Attendance letter mailed to the address on file.\n"
            f"{day + datetime.timedelta(days=7):%m/%d/%Y}  No reply; follow-up call scheduled.\n")
    return "correspondence.txt", text.encode(), DocumentType.CORRESPONDENCE, "Attendance letter log"


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    cases = [c for c in Case.objects.open().filter(owner__isnull=False).select_related("owner").order_by("pk")
             if rng.randrange(SHARE) == 0][:LIMIT]
    for case in cases:
        makers = rng.sample([_contract, _note, _letter_log], k=rng.randint(1, 2))
        for make in makers:
            day = max(case.opened_on, today - datetime.timedelta(days=rng.randint(1, 30)))
            name, data, doc_type, title = make(case, day)
            document_upload(actor=case.owner, case=case, upload=SimpleUploadedFile(name, data), doc_type=doc_type,
                            title=title)
