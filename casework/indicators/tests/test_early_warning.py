"""The school early-warning list: filters, sort, pagination, scope, access logging and the exports, on a
hand-built school whose stored indicators are written directly (the engine is tested elsewhere)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.audit.models import AccessLog
from casework.cases.services import case_close
from casework.core.testing import factories as f
from casework.indicators.models import YEAR_TO_DATE, FlagCrossing, StudentIndicator
from casework.rules.models import RuleSet

D = datetime.date
AS_OF = D(2025, 10, 15)
pytestmark = pytest.mark.django_db


def indicator(student, school, *, rate, band, enrolled=40, absent=0.0, unlawful=0.0, suspensions=0,
              as_of=AS_OF, **flags) -> StudentIndicator:
    """A stored year-to-date row as the recompute would write it (only the columns the list reads matter)."""
    return StudentIndicator.objects.create(
        student=student, school=school, as_of=as_of, period_key=YEAR_TO_DATE, period_kind="year",
        rule_set=RuleSet.objects.defaults().first(), calendar_method="dates_listed", days_enrolled=enrolled,
        days_absent=absent, days_unlawful=unlawful, attendance_rate=rate, band=band, suspensions=suspensions,
        values={}, **flags)


def crossing(student, school, flag, crossed_on, **fields) -> FlagCrossing:
    return FlagCrossing.objects.create(student=student, school=school, flag=flag, crossed_on=crossed_on,
                                       rule_set=RuleSet.objects.defaults().first(),
                                       explanation=fields.pop("explanation", f"{flag} raised"), **fields)


@dataclass
class School:
    a: object
    b: object
    adams: object
    baker: object
    cruz: object
    diaz: object
    evans: object
    zed: object
    users: dict

    def client(self, role: str) -> Client:
        c = Client()
        c.force_login(self.users[role])
        return c


@pytest.fixture
def ew() -> School:
    """School A100, five students (rates worked out by hand from enrolled/absent days); Zed is at B200."""
    a = f.school(code="A100", name="Alpha Elementary")
    b = f.school(code="B200", name="Beta Middle", level="middle")
    adams = f.student(school=a, first_name="Ann", last_name="Adams", district_id="500001", grade="05")
    baker = f.student(school=a, first_name="Ben", last_name="Baker", district_id="500002", grade="KG")
    cruz = f.student(school=a, first_name="Cara", last_name="Cruz", district_id="500003", grade="01")
    diaz = f.student(school=a, first_name="Dan", last_name="Diaz", district_id="500004", grade="05")
    evans = f.student(school=a, first_name="Eve", last_name="Evans", district_id="500005", grade="12")
    zed = f.student(school=b, first_name="Zoe", last_name="Zed", district_id="600001", grade="07")
    # 10/40 absent = 25% -> severe; 8 unlawful days > 20% of 40 -> habitual truant.
    indicator(adams, a, rate=0.75, band="severe_chronic", absent=10, unlawful=8, chronic_absent=True,
              habitual_truant=True, abc_attendance=True)
    indicator(baker, a, rate=0.925, band="at_risk", absent=3, unlawful=1, suspensions=1, abc_behavior=True)
    indicator(cruz, a, rate=1.0, band="satisfactory")
    indicator(diaz, a, rate=0.875, band="moderate_chronic", absent=5, unlawful=5, chronic_absent=True,
              abc_attendance=True)
    indicator(evans, a, rate=0.2, band="", enrolled=5, absent=4)  # under the 10-day minimum: not rated
    indicator(zed, b, rate=0.5, band="severe_chronic", absent=20, chronic_absent=True)
    crossing(adams, a, "chronic_absent", D(2025, 10, 1))
    crossing(diaz, a, "chronic_absent", D(2025, 9, 20),
             acknowledged_at=datetime.datetime(2025, 9, 21, tzinfo=datetime.UTC))
    crossing(baker, a, "abc_behavior", D(2025, 10, 10), cleared_on=D(2025, 10, 14))  # lowered since: not new
    f.case(student=diaz)
    case_close(actor=None, case=f.case(student=cruz), closure_reason="Attendance improved",
               closed_on=D(2025, 10, 1))  # a closed case is not an open one
    users = {
        "director": f.user(username="ew-director", role="director"),
        "ppw": f.user(username="ew-ppw", role="ppw", schools=[a]),
        "principal": f.user(username="ew-principal", role="school_admin", schools=[a]),
        "teacher": f.user(username="ew-teacher", role="school_staff", schools=[a]),
        "steward": f.user(username="ew-steward", role="data_steward"),
    }
    return School(a, b, adams, baker, cruz, diaz, evans, zed, users)


def names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [row.student.last_name for row in response.context["page"]]


def get_list(ew, role="director", code="A100", **params):
    return ew.client(role).get(reverse("indicators:early_warning", kwargs={"code": code}), params)


# --- sort ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sort", "expected"), [
    (None, ["Adams", "Diaz", "Baker", "Cruz", "Evans"]),  # worst rate first; the unrated student last
    ("rate", ["Adams", "Diaz", "Baker", "Cruz", "Evans"]),
    ("-rate", ["Cruz", "Baker", "Diaz", "Adams", "Evans"]),
    ("name", ["Adams", "Baker", "Cruz", "Diaz", "Evans"]),
    ("-name", ["Evans", "Diaz", "Cruz", "Baker", "Adams"]),
    ("grade", ["Baker", "Cruz", "Adams", "Diaz", "Evans"]),  # KG, 1, 5, 5, 12: school order, not "01" < "KG"
    ("-grade", ["Evans", "Adams", "Diaz", "Cruz", "Baker"]),  # ties stay A to Z
    ("unlawful", ["Adams", "Diaz", "Baker", "Cruz", "Evans"]),  # 8, 5, 1, 0, 0 (ties by name)
    ("absent", ["Adams", "Diaz", "Evans", "Baker", "Cruz"]),  # 10, 5, 4, 3, 0
    ("suspensions", ["Baker", "Adams", "Cruz", "Diaz", "Evans"]),
])
def test_sort(ew, sort, expected):
    assert names(get_list(ew, **({"sort": sort} if sort else {}))) == expected


# --- filters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "expected"), [
    ({"grade": "05"}, {"Adams", "Diaz"}),
    ({"grade": "KG"}, {"Baker"}),
    ({"band": "at_risk"}, {"Baker"}),
    ({"band": "severe_chronic"}, {"Adams"}),  # Zed is severe too, at the other school
    ({"band": "none"}, {"Evans"}),
    ({"flag": "chronic_absent"}, {"Adams", "Diaz"}),
    ({"flag": "habitual_truant"}, {"Adams"}),
    ({"flag": "truant_7_302_2"}, set()),
    ({"flag": "abc"}, {"Adams", "Baker", "Diaz"}),
    ({"flag": "abc_behavior"}, {"Baker"}),
    ({"crossed_since": "2025-09-25"}, {"Adams"}),  # Diaz crossed 09/20; Baker's crossing was lowered
    ({"crossed_since": "2025-09-01"}, {"Adams", "Diaz"}),  # acknowledged or not, still newly crossed
    ({"crossed_since": "2025-10-02"}, set()),
    ({"open_case": "yes"}, {"Diaz"}),
    ({"open_case": "no"}, {"Adams", "Baker", "Cruz", "Evans"}),  # Cruz's case is closed
    ({"grade": "05", "open_case": "no"}, {"Adams"}),
    ({"flag": "chronic_absent", "crossed_since": "2025-09-01", "band": "moderate_chronic"}, {"Diaz"}),
])
def test_each_filter_narrows(ew, params, expected):
    response = get_list(ew, **params)
    assert set(names(response)) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_bad_filter_gives_a_message_and_the_other_filters_still_apply(ew):
    response = get_list(ew, grade="05", crossed_since="10/99/2025", band="purple")
    assert set(names(response)) == {"Adams", "Diaz"}
    page = response.content.decode()
    assert "Enter the date as YYYY-MM-DD" in page
    assert "Select a valid choice" in page and 'role="alert"' in page


def test_page_shows_band_text_flags_case_and_new_marker(ew):
    response = get_list(ew)
    page = response.content.decode()
    rows = {r.student.last_name: r for r in response.context["page"]}
    assert (rows["Adams"].band_label, rows["Adams"].band_level) == ("Severe chronic absence", 3)
    assert rows["Adams"].flag_labels == ["Chronic", "Habitual truant", "ABC attendance"]
    assert rows["Adams"].rate_percent == "75.0%" and rows["Evans"].rate_percent == "20.0%"  # a rate, not rated
    assert rows["Adams"].new_since == D(2025, 10, 1) and rows["Diaz"].new_since is None  # Diaz's was acknowledged
    assert rows["Baker"].new_since is None  # lowered
    assert [rows[n].has_open_case for n in ("Adams", "Diaz", "Cruz")] == [False, True, False]
    assert '<span class="new-mark">New since 10/01/2025</span></td>' in page  # under the flags it is about
    assert page.count('<span class="case-mark">Open case</span>') == 1  # Diaz's, under the name
    assert '<abbr title="Kindergarten">K</abbr>' in page and '<abbr title="Grade 12">12</abbr>' in page
    assert '<span class="band band-3">Severe chronic absence</span>' in page
    assert "as of 10/15/2025" in page
    assert f'href="{reverse("students:detail", args=[ew.adams.pk])}"' in page
    assert "Zed" not in page


# --- pagination and query count -------------------------------------------------------------------------


def test_pagination_fifty_a_page(ew):
    c = f.school(code="C300")
    for i in range(55):
        s = f.student(school=c, last_name=f"Page{i:02d}", district_id=f"7{i:05d}")
        indicator(s, c, rate=round(0.5 + i / 200, 3), band="severe_chronic")
    first = get_list(ew, code="C300")
    assert names(first) == [f"Page{i:02d}" for i in range(50)]
    second = get_list(ew, code="C300", page=2)
    assert names(second) == [f"Page{i:02d}" for i in range(50, 55)]
    past = get_list(ew, code="C300", page=99)
    assert names(past) == names(second)  # past the end: the last page, and the page says so
    assert "There is no page 99; showing page 2 of 2." in past.content.decode()
    assert names(get_list(ew, code="C300", page="x")) == names(first)
    assert "Page 2 of 2" in second.content.decode() and "There is no page" not in second.content.decode()


def test_query_count_is_fixed(ew):
    client = ew.client("ppw")
    url = reverse("indicators:early_warning", kwargs={"code": "A100"})
    client.get(url)  # session and grants warm
    with CaptureQueriesContext(connection) as five:
        client.get(url, {"sort": "name"})
    for i in range(45):
        s = f.student(school=ew.a, last_name=f"More{i:02d}", district_id=f"8{i:05d}")
        indicator(s, ew.a, rate=0.9, band="at_risk")
        if i % 3 == 0:
            crossing(s, ew.a, "abc_attendance", D(2025, 10, 5))
            f.case(student=s)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url, {"sort": "name"})
    assert len(response.context["page"]) == 50
    # session, user, role grants, school, latest and first snapshot date, rule set, count, rows, access log,
    # the calendar check's sessions (no days read: none declares a count here)
    assert len(fifty.captured_queries) == len(five.captured_queries) == 11, [q["sql"] for q in fifty.captured_queries]


# --- scope and access log ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "code", "status"), [
    ("ppw", "A100", 200), ("ppw", "B200", 404), ("principal", "A100", 200), ("principal", "B200", 404),
    ("teacher", "A100", 404), ("director", "B200", 200), ("steward", "B200", 200), ("director", "NOPE", 404),
])
def test_scope(ew, role, code, status):
    response = get_list(ew, role=role, code=code)
    assert response.status_code == status
    if status == 404:
        assert "Zed" not in response.content.decode() and "Adams" not in response.content.decode()


def test_each_page_view_logs_access_to_the_students_shown(ew):
    get_list(ew, role="ppw", grade="05")
    logged = AccessLog.objects.filter(purpose="early warning list")
    assert sorted(logged.values_list("student__last_name", flat=True)) == ["Adams", "Diaz"]
    assert set(logged.values_list("actor__username", "action")) == {("ew-ppw", "view")}


def test_a_student_who_left_the_school_is_marked_with_the_date(ew):
    """A PPW keeps a child who left on the list for a while: the row says when they left, so a transfer
    is not read as a current student. Re-entry (an open enrollment again) clears the mark."""
    from casework.students.models import Enrollment

    Enrollment.objects.filter(student=ew.cruz, school=ew.a).update(exit_date=D(2025, 10, 10))
    page = get_list(ew).content.decode()
    assert page.count('<span class="case-mark">Left 10/10/2025</span>') == 1
    rows = {r.student.last_name: r for r in get_list(ew).context["page"]}
    assert rows["Cruz"].left_on == D(2025, 10, 10) and rows["Adams"].left_on is None
    f.enrollment(student=ew.cruz, school=ew.a, entry_date=D(2025, 10, 14))
    assert "Left 10/10/2025" not in get_list(ew).content.decode()
    # An exit date still ahead (OneRoster sends the term's end as the enrollment's end) is not a leaver.
    ahead = timezone.localdate() + datetime.timedelta(days=30)
    Enrollment.objects.filter(student=ew.cruz, school=ew.a, exit_date__isnull=True).update(exit_date=ahead)
    assert "Left " not in get_list(ew).content.decode()


def test_school_picker_lists_only_my_schools(ew):
    response = ew.client("ppw").get(reverse("indicators:early_warning_schools"))
    assert [s.code for s in response.context["schools"]] == ["A100"]
    response = ew.client("director").get(reverse("indicators:early_warning_schools"))
    assert [s.code for s in response.context["schools"]] == ["A100", "B200"]
    assert 'href="/schools/A100/early-warning/"' in response.content.decode()


def test_school_picker_counts_each_schools_flags_and_worklist(ew, django_assert_max_num_queries):
    """A100 by hand: 5 students on the list, 4 rated (Evans is under the minimum days), Adams and Diaz
    chronic (2 of 4 rated = 50.0%), Adams a habitual truant, no §7-302.2 truant; one student on the
    worklist (Adams: Diaz's alert was acknowledged, Baker's lowered). B200: Zed, chronic, 1 of 1."""
    from casework.indicators.selectors import SchoolOverview

    f.school(code="C300", name="Gamma High", level="high")  # no indicators yet
    client = ew.client("director")
    client.get(reverse("indicators:early_warning_schools"))  # warm the session and the policy caches
    with django_assert_max_num_queries(6):
        response = client.get(reverse("indicators:early_warning_schools"))
    got = {s.code: s.overview for s in response.context["schools"]}
    assert got["A100"] == SchoolOverview(students=5, rated=4, chronic=2, habitual=1, truant=0, alerted=1)
    assert got["A100"].chronic_rate == "50.0%"
    assert got["B200"] == SchoolOverview(students=1, rated=1, chronic=1, habitual=0, truant=0, alerted=0)
    assert got["C300"] == SchoolOverview(alerted=0)
    page = response.content.decode()
    assert '<a href="/worklist/?school=A100">1 student</a>' in page
    assert "2 <span class=\"muted\">(50.0%)</span>" in page and "Not computed yet" in page
    # A principal has no worklist: no column, no count.
    response = ew.client("principal").get(reverse("indicators:early_warning_schools"))
    assert [s.overview.alerted for s in response.context["schools"]] == [None]
    assert "On the worklist" not in response.content.decode()


def test_school_picker_leaves_a_whole_districts_counts_to_the_dashboard(ew, monkeypatch):
    """Counting every school of a district reads every stored row (a third of a second at 160,000
    students): above OVERVIEW_MAX_SCHOOLS the picker lists the schools and points to the dashboard."""
    from casework.indicators import views

    monkeypatch.setattr(views, "OVERVIEW_MAX_SCHOOLS", 1)
    response = ew.client("director").get(reverse("indicators:early_warning_schools"))
    page = response.content.decode()
    assert [s.code for s in response.context["schools"]] == ["A100", "B200"]
    assert "Chronically absent" not in page and "On the worklist" not in page
    assert f'href="{reverse("reports:dashboard")}">district dashboard</a>' in page
    response = ew.client("ppw").get(reverse("indicators:early_warning_schools"))  # one school: counted
    assert "Chronically absent" in response.content.decode()


# --- exports ----------------------------------------------------------------------------------------------


def export(ew, fmt, role="director", code="A100", **params):
    return ew.client(role).get(reverse("indicators:early_warning_export", kwargs={"code": code, "fmt": fmt}), params)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_of_the_filtered_list(ew):
    response = export(ew, "csv", flag="chronic_absent")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="early-warning-A100-2025-10-15.csv"'
    rows = csv_rows(response)
    assert rows[0][:5] == ["student_id", "last_name", "first_name", "preferred_name", "grade"]
    assert rows[1:] == [
        ["500001", "Adams", "Ann", "", "Grade 5", "40", "10.0", "8.0", "75.0", "Severe chronic absence",
         "yes", "yes", "no", "yes", "no", "no", "0", "0", "no", "2025-10-01", "2025-10-15"],
        ["500004", "Diaz", "Dan", "", "Grade 5", "40", "5.0", "5.0", "87.5", "Moderate chronic absence",
         "yes", "no", "no", "yes", "no", "no", "0", "0", "yes", "", "2025-10-15"],
    ]
    logged = AccessLog.objects.filter(action="export")
    assert sorted(logged.values_list("student_id", flat=True)) == sorted([ew.adams.pk, ew.diaz.pk])
    assert set(logged.values_list("purpose", flat=True)) == {"export"}


NO_BAND = "Band: Select a valid choice. nonexistent is not one of the available choices."


@pytest.mark.parametrize(("bad", "said"), [
    ({"band": "nonexistent"}, NO_BAND),
    ({"crossed_since": "2026-13-01"}, "Newly crossed since: Enter the date as YYYY-MM-DD, for example 2025-10-01."),
    ({"flag": "chronic_absent", "band": "nonexistent"}, NO_BAND)])
def test_an_export_with_a_filter_it_cannot_read_goes_back_to_the_list_and_exports_nothing(ew, bad, said):
    # The list shows the error and applies the other filters; a file without the filter would hold students
    # the user filtered out. So no file and no access logged: back to the list with the same filters, the
    # filter's error beside it and a message saying why nothing was exported (not a bare error page).
    list_url = reverse("indicators:early_warning", kwargs={"code": "A100"})
    client = ew.client("director")
    for fmt in ("csv", "xlsx"):
        url = reverse("indicators:early_warning_export", kwargs={"code": "A100", "fmt": fmt})
        response = client.get(url, bad)
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == list_url and parse_qs(location.query) == {k: [v] for k, v in bad.items()}
        assert not AccessLog.objects.filter(action="export").exists()
        page = client.get(response["Location"])
        body = html.unescape(page.content.decode())
        assert f"Nothing was exported. {said} Correct the filter and export again." in body
        assert "That filter was left out" in body  # the list itself says which filter, beside the form
        # ...and offers no export link that would only come back here.
        assert "Correct the filter above to export this list." in body and "Export CSV" not in body
    assert not AccessLog.objects.filter(action="export").exists()
    # Once the filter reads, the export happens and is logged.
    good = {k: v for k, v in bad.items() if k == "flag"}
    assert export(ew, "csv", **good).status_code == 200
    assert AccessLog.objects.filter(action="export").exists()


def test_a_student_not_rated_says_so_in_the_export(ew):
    expected = [(ew.evans.district_id, "Not rated (too few days enrolled)")]
    assert [(r[0], r[9]) for r in csv_rows(export(ew, "csv", band="none"))[1:]] == expected
    assert [(r[0], r[9]) for r in xlsx_rows(export(ew, "xlsx", band="none").content)[1:]] == expected


def test_export_exports_every_page_not_just_one(ew):
    for i in range(55):
        s = f.student(school=ew.a, last_name=f"Bulk{i:02d}", district_id=f"9{i:05d}")
        indicator(s, ew.a, rate=0.99, band="satisfactory")
    rows = csv_rows(export(ew, "csv"))
    assert len(rows) == 1 + 60
    assert AccessLog.objects.filter(action="export").count() == 60


def test_csv_cells_that_start_a_formula_are_neutralised(ew):
    evil = f.student(school=ew.a, first_name="+1+cmd", last_name="=HYPERLINK(\"http://x\")", district_id="500099",
                     preferred_name="@SUM(A1)")
    indicator(evil, ew.a, rate=0.1, band="severe_chronic")
    row = csv_rows(export(ew, "csv"))[1]
    assert row[1:4] == ["'=HYPERLINK(\"http://x\")", "'+1+cmd", "'@SUM(A1)"]
    assert row[0] == "500099"


def xlsx_rows(body: bytes) -> list[list[str]]:
    """A minimal reader (shared strings and inline numbers): enough to check what the writer wrote."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        shared = [si.findtext("m:t", "", ns) for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml"))]  # noqa: S314 - ours
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))  # noqa: S314 - written by the test
    rows = []
    for r in sheet.iter(f"{{{ns['m']}}}row"):
        cells = {}
        for c in r.findall("m:c", ns):
            assert c.find("m:f", ns) is None, "no cell may hold a formula"
            col = re.match(r"[A-Z]+", c.get("r")).group()
            v = c.findtext("m:v", "", ns)
            cells[col] = shared[int(v)] if c.get("t") == "s" else v
        width = max((ord(k) - 64 for k in cells), default=0)
        rows.append([cells.get(chr(65 + i), "") for i in range(width)])
    return rows


def test_xlsx_export(ew):
    evil = f.student(school=ew.a, first_name="Eli", last_name="=1+1", district_id="500098")
    indicator(evil, ew.a, rate=0.2, band="severe_chronic")
    response = export(ew, "xlsx", role="ppw", grade="05")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="early-warning-A100-2025-10-15.xlsx"'
    rows = xlsx_rows(response.content)
    assert rows[0][:3] == ["student_id", "last_name", "first_name"]
    assert rows[1] == ["500098", "=1+1", "Eli", "", "Grade 5", "40", "0", "0", "20", "Severe chronic absence",
                       "no", "no", "no", "no", "no", "no", "0", "0", "no", "", "2025-10-15"]
    assert rows[2][:10] == ["500001", "Adams", "Ann", "", "Grade 5", "40", "10", "8", "75", "Severe chronic absence"]
    assert [r[1] for r in rows[1:]] == ["=1+1", "Adams", "Diaz"]
    assert AccessLog.objects.filter(action="export", actor__username="ew-ppw").count() == 3


@pytest.mark.parametrize(("role", "code", "status"), [
    ("ppw", "A100", 200), ("ppw", "B200", 404), ("principal", "A100", 200), ("steward", "A100", 404),
    ("teacher", "A100", 404), ("director", "B200", 200),
])
def test_export_needs_student_export_for_that_school(ew, role, code, status):
    assert export(ew, "csv", role=role, code=code).status_code == status
    if status == 404:
        assert not AccessLog.objects.filter(action="export").exists()


def test_export_links_only_for_those_who_may_export(ew):
    assert "Export CSV" in get_list(ew, role="ppw").content.decode()
    assert "Export CSV" not in get_list(ew, role="steward").content.decode()
    page = get_list(ew, role="director", grade="05", page=1).content.decode()
    assert 'href="/schools/A100/early-warning/export.csv?grade=05"' in page


def test_unknown_export_format_is_not_found(ew):
    assert ew.client("director").get("/schools/A100/early-warning/export.pdf").status_code == 404


def test_school_staff_see_current_students_only(ew):
    """A student who left A100 last month keeps a stored row there until year end: the PPW (grace period)
    still sees them on the list and the worklist; the principal sees current students only."""
    from django.utils import timezone

    left = f.student(school=ew.a, first_name="Lee", last_name="Leaver", district_id="500009",
                     entry_date=D(2025, 8, 25), exit_date=timezone.localdate() - datetime.timedelta(days=30))
    indicator(left, ew.a, rate=0.6, band="severe_chronic", absent=16, chronic_absent=True)
    crossing(left, ew.a, "chronic_absent", D(2025, 10, 2))
    assert "Leaver" in names(get_list(ew, "ppw"))
    assert "Leaver" not in names(get_list(ew, "principal"))
    assert "Leaver" in names(get_list(ew, "director"))
    principal_crossings = FlagCrossing.objects.for_user(ew.users["principal"], "indicators.view")
    assert not principal_crossings.filter(student=left).exists()
    assert FlagCrossing.objects.for_user(ew.users["ppw"], "indicators.view").filter(student=left).exists()


def test_a_leaver_now_at_another_of_the_principals_schools_is_not_on_the_old_list(ew):
    """A principal of A100 and B200: a child who left A100 for B200 shows on B200's list, not on A100's."""
    from django.utils import timezone

    moved = f.student(school=ew.a, first_name="Mo", last_name="Mover", district_id="500010",
                      entry_date=D(2025, 8, 25), exit_date=timezone.localdate() - datetime.timedelta(days=20))
    f.enrollment(student=moved, school=ew.b, entry_date=timezone.localdate() - datetime.timedelta(days=19))
    indicator(moved, ew.a, rate=0.6, band="severe_chronic", absent=16, chronic_absent=True)
    indicator(moved, ew.b, rate=1.0, band="satisfactory")
    both = f.user(username="ew-principal-ab", role="school_admin", schools=[ew.a, ew.b])
    c = Client()
    c.force_login(both)
    on_a = names(c.get(reverse("indicators:early_warning", kwargs={"code": "A100"})))
    on_b = names(c.get(reverse("indicators:early_warning", kwargs={"code": "B200"})))
    assert "Mover" not in on_a and "Mover" in on_b


def test_a_calendar_that_disagrees_with_its_declared_days_is_flagged_on_the_list(ew):
    # The SIS declared 8 school days for 9/1-9/12/2025 but sent no days off: Casework counts the 10 weekdays,
    # so every rate at A100 reads low. The list says so; B200 (no such session) does not.
    f.session(school=ew.a, begin=D(2025, 9, 1), end=D(2025, 9, 12), calendar_source="periods_with_counts",
              name="Fall", total_instructional_days=8)
    page = ew.client("ppw").get(reverse("indicators:early_warning", kwargs={"code": "A100"})).content.decode()
    assert "Calendar check: rates at this school may be off." in page
    assert ("School A100, session Fall (2025-09-01 to 2025-09-12) declares 8 instructional days; its weekdays minus "
            "the days off listed so far give 10.") in page
    other = ew.client("director").get(reverse("indicators:early_warning", kwargs={"code": "B200"})).content.decode()
    assert "Calendar check" not in other
