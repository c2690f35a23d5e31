import io
import zipfile

import pytest


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    """Every documents test stores its files in its own temporary directory."""
    path = tmp_path / "documents"
    settings.CASEWORK_DOCUMENTS_DIR = path
    return path


def docx_bytes(*, with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


SAMPLES = {
    "form.pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
    "photo.png": (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20, "image/png"),
    "scan.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 30, "image/jpeg"),
    "scan.JPEG": (b"\xff\xd8\xff\xe1" + b"\x02" * 30, "image/jpeg"),
    "letter.docx": (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "note.txt": ("Résumé of the call, 11/24.\n".encode(), "text/plain"),
}
