"""The director's dashboard: exact figures, small-cell suppression, filters, CSV, permission."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from casework.core.testing import factories as f
from casework.indicators.services import indicators_recompute
from casework.reports.models import SchoolGradeSummary
from casework.reports.services import summaries_record

from .conftest import AS_OF

D = date
pytestmark = pytest.mark.django_db


JAN_15 = D(2026, 1, 15)


def summary(school, grade, as_of=JAN_15, **n):
    fields = {"students": 0, "students_counted": 0, "chronic": 0, "habitual": 0, "truant_7_302_2": 0, "bands": {},
              "mean_attendance_rate": None} | n
    return SchoolGradeSummary.objects.create(as_of=as_of, school=school, grade=grade, source="recompute", **fields)


@pytest.fixture
def director(db):
    return f.user(role="director")


@pytest.fixture
def big_district(db):
    """Two schools with numbers large enough to show. By hand:
    Oak (elementary): grade 05: 40 students, 38 counted, 8 chronic, 5 habitual, 0 truant, mean 0.92.
                      grade 04: 30 students, 30 counted, 6 chronic, 3 habitual (small cell), mean 0.94.
    Elm (middle):     grade 07: 50 students, 50 counted, 12 chronic, 6 habitual, 5 truant, mean 0.90.
    District: 120 students, 118 counted, 26 chronic (22.0%), 14 habitual (11.9%), 5 truant (4.2%);
    mean rate (0.92*38 + 0.94*30 + 0.90*50) / 118 = 108.16 / 118 = 91.66% -> 91.7%."""
    oak = f.school(code="OAK", name="Oak Elementary")
    elm = f.school(code="ELM", name="Elm Middle", level="middle")
    summary(oak, "05", students=40, students_counted=38, chronic=8, habitual=5, mean_attendance_rate=0.92,
            bands={"satisfactory": 20, "at_risk": 10, "moderate_chronic": 6, "severe_chronic": 2})
    summary(oak, "04", students=30, students_counted=30, chronic=6, habitual=3, mean_attendance_rate=0.94,
            bands={"satisfactory": 18, "at_risk": 6, "moderate_chronic": 5, "severe_chronic": 1})
    summary(elm, "07", students=50, students_counted=50, chronic=12, habitual=6, truant_7_302_2=5,
            mean_attendance_rate=0.90, bands={"satisfactory": 25, "at_risk": 13, "moderate_chronic": 8,
                                              "severe_chronic": 4})
    # An earlier date for the trend: 100 counted, 10 chronic (10.0%), 5 habitual (5.0%).
    summary(elm, "07", as_of=D(2025, 10, 1), students=100, students_counted=100, chronic=10, habitual=5,
            mean_attendance_rate=0.95)
    return oak, elm


def page(client, **params):
    response = client.get(reverse("reports:dashboard"), params)
    return response, response.context


def test_exact_figures_by_school_grade_and_district(client, director, big_district):
    client.force_login(director)
    response, ctx = page(client)
    assert response.status_code == 200
    board = ctx["board"]
    assert board.as_of == D(2026, 1, 15)
    assert board.total.cells() == {
        "students": "120", "counted": "118", "chronic": "26", "chronic_rate": "22.0%", "habitual": "14",
        "habitual_rate": "11.9%", "truant": "5", "truant_rate": "4.2%", "mean_rate": "91.7%"}
    schools = {g.label: g.cells() for g in board.by_school}
    # Oak: 68 counted, 14 chronic = 20.6%, 8 habitual = 11.8%, no truant (0 is shown: it names nobody).
    assert schools["Oak Elementary"] == {
        "students": "70", "counted": "68", "chronic": "14", "chronic_rate": "20.6%", "habitual": "8",
        "habitual_rate": "11.8%", "truant": "0", "truant_rate": "0.0%", "mean_rate": "92.9%"}
    assert schools["Elm Middle"]["chronic_rate"] == "24.0%" and schools["Elm Middle"]["truant_rate"] == "10.0%"
    grades = {g.key: g.cells() for g in board.by_grade}
    assert [g.key for g in board.by_grade] == ["04", "05", "07"]
    # Grade 4: 3 habitual truants is a small cell: "*", rate withheld.
    assert (grades["04"]["habitual"], grades["04"]["habitual_rate"], grades["04"]["chronic_rate"]) == ("*", "—",
                                                                                                       "20.0%")
    assert [(label, n) for label, n, _ in ctx["band_rows"]] == [
        ("Satisfactory", "63"), ("At risk", "29"), ("Moderate chronic absence", "19"),
        ("Severe chronic absence", "7")]
    # The trend has both dates of the school year, and the charts are drawn in the page (no script).
    assert [(p.as_of, p.group.cells()["chronic_rate"]) for p in board.trend] == [
        (D(2025, 10, 1), "10.0%"), (D(2026, 1, 15), "22.0%")]
    body = response.content.decode()
    assert body.count('<svg class="chart"') == 4 and "<script" not in body.split("<main", 1)[1]
    assert body.count('<svg class="chart chart-narrow"') == 4  # each drawn for a phone too
    assert ">Oak Elementary</text>" in body and "Chronic absence rate by school" in body
    # The by-grade chart names grades as people say them, not by their SIS codes.
    grade_chart = body.split('id="chart-grade"', 1)[1].split("</svg>", 1)[0]
    assert all(f">{label}</text>" in grade_chart for label in ("Grade 4", "Grade 5", "Grade 7"))
    assert ">04</text>" not in grade_chart and ">07</text>" not in grade_chart


def test_filters_by_level_grade_and_date(client, director, big_district):
    client.force_login(director)
    _, ctx = page(client, level="middle")
    assert [g.label for g in ctx["board"].by_school] == ["Elm Middle"]
    _, ctx = page(client, grade="05")
    assert ctx["board"].total.cells()["counted"] == "38" and ctx["board"].total.cells()["chronic"] == "8"
    # A date between recorded dates shows the latest one before it, and says so.
    response, ctx = page(client, as_of="2025-12-01")
    assert ctx["board"].as_of == D(2025, 10, 1) and "showing 10/01/2025" in ctx["note"]
    assert ctx["board"].total.cells()["chronic_rate"] == "10.0%"


def test_bad_filter_gets_a_message_not_a_traceback(client, director, big_district):
    client.force_login(director)
    response, ctx = page(client, as_of="15/01/2026", grade="99")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the date as YYYY-MM-DD" in body and "Select a valid choice" in body
    assert ctx["board"].as_of == D(2026, 1, 15)  # the latest figures still show


def test_small_district_is_suppressed_on_the_page_and_in_the_csv(client, director, small_district):
    """conftest.py's five students: every group has fewer than 5 counted, so no figure is exact."""
    indicators_recompute(as_of=AS_OF)
    summaries_record(as_of=AS_OF)
    client.force_login(director)
    _, ctx = page(client)
    l100 = next(g for g in ctx["board"].by_school if g.key == "L100")
    assert (l100.counted, l100.chronic) == (3, 2)  # the true figures, never shown
    assert l100.cells() == {"students": "*", "counted": "*", "chronic": "*", "chronic_rate": "—",
                            "habitual": "*", "habitual_rate": "—", "truant": "*", "truant_rate": "—",
                            "mean_rate": "—"}
    response = client.get(reverse("reports:dashboard_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="district-dashboard-2025-09-26.csv"' in response["Content-Disposition"]
    # UTF-8 with a byte-order mark (the cells hold "—"), as the early-warning CSV, or Excel garbles them.
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["School code", "School", "Level", "Students", "Students counted"]
    assert rows[1][:8] == ["L100", "School L100", "Elementary", "*", "*", "*", "—", "*"]
    assert rows[-1][:5] == ["", "All selected schools", "", "5", "*"]  # 5 students, 4 counted


def test_csv_has_exact_figures_when_cells_are_large(client, director, big_district):
    client.force_login(director)
    rows = list(csv.reader(io.StringIO(client.get(reverse("reports:dashboard_export"),
                                                  {"level": "elementary"}).content.decode("utf-8-sig"))))
    assert rows[1] == ["OAK", "Oak Elementary", "Elementary", "70", "68", "14", "20.6%", "8", "11.8%", "0", "0.0%",
                       "92.9%"]
    assert len(rows) == 3  # header, Oak, total


def test_empty_dashboard_explains_what_to_do(client, director):
    client.force_login(director)
    response, _ = page(client)
    assert response.status_code == 200 and "No figures yet" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("director", 200), ("supervisor", 200), ("ppw", 404),
                                              ("school_admin", 404), ("data_steward", 404)])
def test_only_director_and_supervisors(client, big_district, role, status):
    oak, _ = big_district
    client.force_login(f.user(role=role, schools=[oak] if role in ("ppw", "school_admin") else ()))
    assert client.get(reverse("reports:dashboard")).status_code == status
    assert client.get(reverse("reports:dashboard_export")).status_code == status


def test_navigation_entry(client, director, big_district):
    client.force_login(director)
    assert 'href="/dashboard/"' in client.get("/").content.decode()
    client.force_login(f.user(role="ppw", schools=[big_district[0]]))
    assert 'href="/dashboard/"' not in client.get("/").content.decode()
