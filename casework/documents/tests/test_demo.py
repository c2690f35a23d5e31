import datetime
import random

from casework.core.testing import factories as f
from casework.documents import demo
from casework.documents.models import Document


def test_one_page_pdf_is_well_formed():
    pdf = demo.one_page_pdf(["Hello (world)", "Case C-000001"])
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[startxref:].startswith(b"xref\n0 6\n")
    # Each xref entry points at the start of its object.
    entries = pdf[startxref:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())
    assert b"(Hello \\(world\\))" in pdf


def test_demo_seed_adds_documents_to_some_open_cases(world, settings, tmp_path):
    settings.CASEWORK_DOCUMENTS_DIR = tmp_path
    for n in range(8):
        f.case(student=world.student_a, owner=world.user("ppw"), opened_on=datetime.date(2025, 9, 1 + n))
    demo.demo_seed(rng=random.Random(3), today=datetime.date(2025, 11, 24))
    docs = list(Document.objects.select_related("case"))
    assert docs, "some case should get a document"
    assert all(d.uploaded_by == world.user("ppw") for d in docs)
    assert {d.content_type for d in docs} <= {"application/pdf", "text/plain"}
    assert all((tmp_path / d.stored_name).is_file() for d in docs)
