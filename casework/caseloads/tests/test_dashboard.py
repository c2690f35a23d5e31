import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.caseloads import dashboard
from casework.caseloads.models import CaseloadWeight
from casework.caseloads.services import caseload_weights_update
from casework.cases.models import Case
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.tasks.services import task_create

D = datetime.date
TODAY = D(2025, 11, 25)


@pytest.fixture
def district(world):
    """ppw (school A): 2 attendance + 1 child welfare; ppw2 (school B): 1 homeless; ppw3: none;
    one unassigned attendance case at B; one closed case (not counted)."""
    ppw, ppw2 = world.user("ppw"), f.user(username="t-ppw2", role="ppw", schools=[world.school_b])
    ppw3 = f.user(username="t-ppw3", role="ppw", schools=[world.school_b])
    a2 = f.student(school=world.school_a)
    b2 = f.student(school=world.school_b)
    f.case(student=world.student_a, owner=ppw, opened_on=D(2025, 11, 10))  # 15 days: 0-30
    f.case(student=a2, owner=ppw, opened_on=D(2025, 8, 27))  # 90 days: 31-90
    f.case(student=a2, owner=ppw, case_type="child_welfare", opened_on=D(2025, 5, 1))  # 208 days: 180+
    f.case(student=world.student_b, owner=ppw2, case_type="homeless", opened_on=D(2025, 8, 26))  # 91: 91-180
    f.case(student=b2, opened_on=D(2025, 10, 26))  # 30 days: 0-30, unassigned
    closed = f.case(student=b2, owner=ppw2, opened_on=D(2025, 9, 1))
    Case.objects.filter(pk=closed.pk).update(status="closed", closed_on=D(2025, 10, 1))
    task_create(actor=None, case=Case.objects.filter(owner=ppw).first(), title="Late", due_on=D(2025, 11, 24))
    task_create(actor=None, case=Case.objects.filter(owner=ppw).first(), title="Not late", due_on=TODAY)
    return ppw, ppw2, ppw3


def test_age_bands():
    assert [dashboard.age_band(TODAY - datetime.timedelta(days=n), TODAY) for n in (0, 30, 31, 90, 91, 180, 181)] \
        == [0, 0, 1, 1, 2, 2, 3]


def test_shipped_weights(db):
    weights = dict(CaseloadWeight.objects.values_list("case_type", "weight"))
    assert weights["child_welfare"] == weights["crisis"] == Decimal("2.00")
    assert weights["homeless"] == Decimal("1.50") and weights["attendance"] == Decimal("1.00")


def test_counts_and_weighted_load(world, district):
    ppw, ppw2, ppw3 = district
    with CaptureQueriesContext(connection) as queries:
        d = dashboard.build(world.user("director"), today=TODAY)
    assert len(queries) <= 8  # a grouped query per table, whatever the number of PPWs
    rows = {r.key: r for r in d.ppws}
    assert [r.key for r in d.ppws] == [ppw.pk, ppw2.pk]  # heaviest first
    assert [r.key for r in d.available] == [ppw3.pk]  # no open case: listed apart, not in the average
    assert (rows[ppw.pk].open_cases, rows[ppw.pk].weighted) == (3, Decimal("4.00"))  # 1 + 1 + 2
    assert rows[ppw.pk].by_age == [1, 1, 0, 1]
    assert rows[ppw.pk].by_type == {"attendance": 2, "child_welfare": 1}
    assert rows[ppw.pk].overdue_tasks == 1
    assert (rows[ppw2.pk].open_cases, rows[ppw2.pk].weighted, rows[ppw2.pk].by_age) == (1, Decimal("1.50"),
                                                                                         [0, 0, 1, 0])
    assert (d.available[0].open_cases, d.available[0].weighted) == (0, Decimal("0"))
    assert (d.average_weighted, d.counted) == (Decimal("2.75"), 2)  # (4.00 + 1.50) / 2: ppw3 has no case
    assert (d.unassigned.open_cases, d.unassigned.weighted) == (1, Decimal("1.00"))
    assert d.total_open == 5 and [n for _label, n in d.ages] == [2, 1, 1, 1]
    schools = {r.label: (r.open_cases, r.weighted) for r in d.schools}
    assert schools == {"Alpha Elementary": (3, Decimal("4.00")), "Beta Middle": (2, Decimal("2.50"))}
    types = {v: n for v, _label, _w, n in d.types}
    assert (types["attendance"], types["child_welfare"], types["homeless"]) == (3, 1, 1)


def test_new_weights_change_the_load(world, district):
    ppw, ppw2, ppw3 = district
    row = CaseloadWeight.objects.get(case_type="child_welfare")
    caseload_weights_update(actor=world.user("director"), weights={"child_welfare": Decimal("3.00")},
                            expected_versions={"child_welfare": row.version})
    d = dashboard.build(world.user("director"), today=TODAY)
    assert {r.key: r.weighted for r in d.ppws}[ppw.pk] == Decimal("5.00")
    assert d.average_weighted == Decimal("3.25")  # (5.00 + 1.50) / 2
    with pytest.raises(ConflictError):
        caseload_weights_update(actor=None, weights={"child_welfare": Decimal("1")},
                                expected_versions={"child_welfare": row.version})


def test_page_links_each_ppw_to_their_cases(client, world, district):
    ppw = district[0]
    client.force_login(world.user("director"))
    page = client.get(reverse("caseloads:dashboard")).content.decode()
    assert f"/cases/?scope=all&amp;status=open_any&amp;owner={ppw.pk}" in page
    assert "t-ppw2" in page and "Unassigned" in page
    assert "García" not in page  # aggregates only


def test_weights_page_conflict_keeps_input(client, world):
    client.force_login(world.user("director"))
    url = reverse("caseloads:weights")
    form = client.get(url).context["form"]
    data = {name: (field.initial if field.initial is not None else "") for name, field in form.fields.items()}
    caseload_weights_update(actor=None, weights={"crisis": Decimal("2.50")})  # someone else saves
    data["w_crisis"] = "3.25"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 409 and "changed by someone else since you opened" in page
    assert 'value="3.25"' in page and "2.50" in page
    assert CaseloadWeight.objects.get(case_type="crisis").weight == Decimal("2.50")
    bad = client.post(url, {**data, "w_crisis": "-1"})
    assert bad.status_code == 400
    again = client.post(url, {**data, "v_crisis": CaseloadWeight.objects.get(case_type="crisis").version})
    assert again.status_code == 302
    assert CaseloadWeight.objects.get(case_type="crisis").weight == Decimal("3.25")


def test_the_ppw_link_lists_their_open_cases(client, world, district):
    from casework.caseloads.views import cases_of_owner_url

    ppw = district[0]
    client.force_login(world.user("director"))
    response = client.get(cases_of_owner_url(ppw.pk))
    assert response.status_code == 200
    assert sorted(c.owner_id for c in response.context["page"]) == [ppw.pk] * 3


def test_page_states_the_average_and_lists_available_ppws(client, world, district):
    client.force_login(world.user("director"))
    page = client.get(reverse("caseloads:dashboard")).content.decode()
    assert ("The district average, <strong>2.75</strong>, is over the 2 PPWs with at least one open case; "
            "1 PPW with no open case is listed below as available.") in page
    assert "Available: PPWs with no open case" in page and "t-ppw3" in page
    # ppw: 4.00 against 2.75, ppw2: 1.50 against 2.75
    assert '<span class="diff">+1.25</span>' in page and '<span class="diff">-1.25</span>' in page


def test_by_ppw_table_keeps_types_in_a_details(client, world, district):
    """The main table has PPW, open, weighted, bar, overdue and the four age bands (9 columns); the
    per-type counts (one column per type in use) sit in a collapsed <details> below it."""
    client.force_login(world.user("director"))
    page = client.get(reverse("caseloads:dashboard")).content.decode()
    main = page[page.index('<table class="caseloads">'):page.index("</table>")]
    assert "Homeless" not in main and "Child welfare" not in main
    assert main.count('scope="col"') == 9 and 'colspan="4">Cases by age' in main
    details = page[page.index('<details class="by-type">'):page.index("</details>")]
    assert details.count('scope="col"') == 4  # PPW + attendance, child welfare, homeless
    assert "Homeless / McKinney-Vento" in details


def test_no_ppw_with_cases_no_average(client, world):
    client.force_login(world.user("director"))
    page = client.get(reverse("caseloads:dashboard")).content.decode()
    assert "No PPW has an open case yet, so there is no average." in page
