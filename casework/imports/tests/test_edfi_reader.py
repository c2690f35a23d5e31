"""The streaming reader: records come one at a time with their line and element path, and no tree of
the whole file is kept (50,000 events parse with a memory peak far under the file's size)."""

import tracemalloc

import pytest

from casework.imports.csvfile import Refused
from casework.imports.edfi.reader import records, root_element

from . import test_edfi_fixtures as sample


def big_attendance(path, n):
    with open(path, "w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<InterchangeStudentAttendance xmlns="{sample.NS}">\n')
        for i in range(n):
            out.write(sample.attendance_event(f"{100000 + i % 500}", "100", "2025-09-02", "Tardy",
                                              "<SchoolAttendanceDuration>300</SchoolAttendanceDuration>"))
        out.write("</InterchangeStudentAttendance>\n")
    return path


def test_records_carry_line_and_element_path(tmp_path):
    path = tmp_path / "a.xml"
    path.write_text(sample.attendance())
    got = [(line, where, e.find("AttendanceEvent/EventDate").text) for line, where, e in records(path)]
    assert got == [(3, "StudentSchoolAttendanceEvent[1]", "2025-09-02"),
                   (4, "StudentSchoolAttendanceEvent[2]", "2025-09-03"),
                   (5, "StudentSchoolAttendanceEvent[3]", "2025-09-04"),
                   (6, "StudentSchoolAttendanceEvent[4]", "2025-09-22")]
    assert root_element(path)[1] == "InterchangeStudentAttendance"


def test_unwanted_records_are_skipped(tmp_path):
    path = tmp_path / "cal.xml"
    path.write_text(sample.calendar())
    assert [w for _l, w, _e in records(path, ("Session",))] == ["Session[1]", "Session[2]"]


def test_fifty_thousand_events_stream_without_holding_the_file(tmp_path):
    path = big_attendance(tmp_path / "big.xml", 50_000)
    size = path.stat().st_size
    reports = []
    tracemalloc.start()
    count = 0
    for _line, _where, element in records(path, report=lambda done, total: reports.append((done, total))):
        count += 1
        assert len(element.find("StudentReference")) == 1
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 50_000
    assert size > 20_000_000 and peak < size / 20  # a whole tree would take several times the file size
    assert len(reports) == 11 and reports[-1] == (size, size)  # every 5,000 records, then done
    assert all(done <= total == size for done, total in reports)


@pytest.mark.parametrize("head, words", [
    ('<?xml version="1.0" encoding="x-unknown-enc"?>\n', "names an encoding Casework cannot read (unknown encoding"),
    ('<?xml version="1.0" encoding="Shift_JIS"?>\n', "names an encoding Casework cannot read (multi-byte"),
])
def test_an_encoding_python_cannot_read_is_refused_not_a_traceback(tmp_path, head, words):
    path = tmp_path / "Students.xml"
    path.write_text(head + '<InterchangeStudent xmlns="http://ed-fi.org/5.0.0"></InterchangeStudent>\n')
    with pytest.raises(Refused) as refused:
        root_element(path)
    assert str(refused.value).startswith("Students.xml, line 1: the XML declaration") and words in str(refused.value)
    with pytest.raises(Refused):
        list(records(path))


def test_a_declaration_without_an_element_says_so(tmp_path):
    path = tmp_path / "Students.xml"
    path.write_text('<?xml version="1.0"?>\n<!-- nothing -->\n\n')
    with pytest.raises(Refused, match="the file holds no element"):
        root_element(path)
    cut = tmp_path / "Cut.xml"
    cut.write_text('<?xml version="1.0"?>\n<InterchangeStudent xmlns="http://ed-fi.org/5.0.0"><Student>')
    with pytest.raises(Refused, match="was the export cut short"):
        list(records(cut))
