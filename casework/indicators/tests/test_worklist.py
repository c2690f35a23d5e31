"""The PPW's worklist of newly crossed thresholds: scope, filters, sort, counts, pagination, the query count,
and acknowledging."""

from __future__ import annotations

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessLog, ChangeRecord
from casework.core.testing import factories as f
from casework.indicators.models import FlagCrossing
from casework.indicators.worklist import Acknowledged, crossings_acknowledge

from .test_early_warning import crossing

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def wl():
    a = f.school(code="A100", name="Alpha Elementary")
    b = f.school(code="B200", name="Beta Middle")
    ann = f.student(school=a, first_name="Ann", last_name="Adams")
    ben = f.student(school=a, first_name="Ben", last_name="Baker")
    zed = f.student(school=b, first_name="Zoe", last_name="Zed")
    rows = {
        "ann_chronic": crossing(ann, a, "chronic_absent", D(2025, 10, 1), explanation="Absent 5 of 40 days (12.5%)"),
        "ben_truant": crossing(ben, a, "truant_7_302_2", D(2025, 10, 8)),
        "zed_chronic": crossing(zed, b, "chronic_absent", D(2025, 10, 3)),
        "ann_cleared": crossing(ann, a, "abc_attendance", D(2025, 9, 1), cleared_on=D(2025, 9, 20)),
    }
    users = {
        "ppw": f.user(username="wl-ppw", role="ppw", schools=[a]),
        "ppw_b": f.user(username="wl-ppw-b", role="ppw", schools=[b]),
        "director": f.user(username="wl-director", role="director"),
        "supervisor": f.user(username="wl-supervisor", role="supervisor"),
        "principal": f.user(username="wl-principal", role="school_admin", schools=[a]),
    }
    return {"a": a, "b": b, "users": users, **rows}


def client(wl, role) -> Client:
    c = Client()
    c.force_login(wl["users"][role])
    return c


def listed(response) -> list[int]:
    """The alerts shown, row by row (one row per student x school, its alerts in order)."""
    assert response.status_code == 200
    return [c.pk for row in response.context["page"] for c in row.crossings]


def test_ppw_sees_their_schools_open_unacknowledged_crossings_newest_first(wl):
    response = client(wl, "ppw").get(reverse("indicators:worklist"))
    assert listed(response) == [wl["ben_truant"].pk, wl["ann_chronic"].pk]
    page = response.content.decode()
    assert "Absent 5 of 40 days (12.5%)" in page and "Zed" not in page
    assert f'href="{reverse("students:detail", args=[wl["ann_chronic"].student_id])}"' in page
    logged = AccessLog.objects.filter(purpose="worklist")
    assert sorted(logged.values_list("student_id", flat=True)) == sorted(
        [wl["ann_chronic"].student_id, wl["ben_truant"].student_id])


def test_director_sees_every_school_and_can_filter_by_school(wl):
    c = client(wl, "director")
    assert listed(c.get(reverse("indicators:worklist"))) == [
        wl["ben_truant"].pk, wl["zed_chronic"].pk, wl["ann_chronic"].pk]
    assert listed(c.get(reverse("indicators:worklist"), {"school": "B200"})) == [wl["zed_chronic"].pk]
    bad = c.get(reverse("indicators:worklist"), {"school": "NOPE"})
    assert len(listed(bad)) == 3 and "NOPE is not one of your schools." in bad.content.decode()


def test_a_district_wide_user_picks_a_school_first(wl, monkeypatch, django_assert_max_num_queries):
    """Above OVERVIEW_MAX_SCHOOLS schools the whole district's alerts are not grouped (0.3-0.6 s a page on
    the seeded district): the page asks for a school and reads no alert; with one chosen it lists as usual."""
    from casework.indicators import views

    monkeypatch.setattr(views, "OVERVIEW_MAX_SCHOOLS", 1)
    c = client(wl, "director")
    c.get(reverse("indicators:worklist"))  # warm the session
    with django_assert_max_num_queries(4):  # session, user, roles, schools: no alert read
        response = c.get(reverse("indicators:worklist"))
    assert response.context["page"] is None
    assert "Your worklist covers 2 schools: pick one above" in response.content.decode()
    assert not AccessLog.objects.filter(purpose="worklist").exists()
    assert listed(c.get(reverse("indicators:worklist"), {"school": "A100"})) == [
        wl["ben_truant"].pk, wl["ann_chronic"].pk]
    assert listed(client(wl, "ppw").get(reverse("indicators:worklist"))) == [  # one school: listed at once
        wl["ben_truant"].pk, wl["ann_chronic"].pk]


def test_a_page_past_the_end_shows_the_last_page_and_says_so(wl):
    c = client(wl, "ppw")
    response = c.get(reverse("indicators:worklist"), {"page": 999})
    assert listed(response) == [wl["ben_truant"].pk, wl["ann_chronic"].pk]
    assert "There is no page 999; showing page 1 of 1." in response.content.decode()
    assert "There is no page" not in c.get(reverse("indicators:worklist"), {"page": 1}).content.decode()


def test_ppw_cannot_filter_to_another_school(wl):
    response = client(wl, "ppw").get(reverse("indicators:worklist"), {"school": "B200"})
    assert listed(response) == [wl["ben_truant"].pk, wl["ann_chronic"].pk]  # not a choice: ignored, with a message


def test_principal_has_no_worklist(wl):
    assert client(wl, "principal").get(reverse("indicators:worklist")).status_code == 404


def acknowledge(c, *crossings, **extra):
    return c.post(reverse("indicators:crossings_acknowledge"), {"crossing": [x.pk for x in crossings], **extra})


def test_acknowledge_removes_from_the_list_but_keeps_the_crossing(wl):
    c = client(wl, "ppw")
    target = wl["ann_chronic"]
    response = acknowledge(c, target)
    assert response.status_code == 302 and response["Location"] == reverse("indicators:worklist")
    target.refresh_from_db()
    assert target.acknowledged_by == wl["users"]["ppw"] and target.acknowledged_at is not None
    assert target.cleared_on is None  # still an open crossing: the early-warning list still counts it
    assert listed(c.get(reverse("indicators:worklist"))) == [wl["ben_truant"].pk]
    change = ChangeRecord.objects.get(content_type=ContentType.objects.get_for_model(FlagCrossing),
                                      object_id=str(target.pk))
    assert change.action == "update" and change.actor == wl["users"]["ppw"]
    assert change.before["acknowledged_by_id"] is None
    assert change.after["acknowledged_by_id"] == target.acknowledged_by_id


def test_acknowledge_from_a_stale_page_says_who_did_it_first(wl):
    target = wl["ann_chronic"]
    acknowledge(client(wl, "supervisor"), target)
    c = client(wl, "ppw")
    response = c.post(reverse("indicators:crossings_acknowledge"), {"crossing": [target.pk], "school": "A100"},
                      follow=True)
    assert ("No alert was acknowledged. Left as they were: 1 had already been acknowledged by wl-supervisor."
            in response.content.decode())
    target.refresh_from_db()
    assert target.acknowledged_by == wl["users"]["supervisor"]  # not overwritten
    assert response.redirect_chain[-1][0] == reverse("indicators:worklist") + "?school=A100"


def test_acknowledging_a_lowered_flag_changes_nothing(wl):
    done = crossings_acknowledge(actor=wl["users"]["ppw"], crossings=[wl["ann_cleared"]])
    assert done == Acknowledged(done=0, already=0, lowered=1)
    assert FlagCrossing.objects.get(pk=wl["ann_cleared"].pk).acknowledged_at is None


def test_acknowledge_out_of_scope_is_not_found(wl):
    for role in ("ppw", "principal"):
        assert acknowledge(client(wl, role), wl["zed_chronic"]).status_code == 404
    assert FlagCrossing.objects.get(pk=wl["zed_chronic"].pk).acknowledged_at is None
    assert acknowledge(client(wl, "ppw_b"), wl["zed_chronic"]).status_code == 302


def test_acknowledge_is_post_only(wl):
    url = reverse("indicators:crossings_acknowledge")
    assert client(wl, "ppw").get(url, {"crossing": wl["ann_chronic"].pk}).status_code == 405
    assert FlagCrossing.objects.get(pk=wl["ann_chronic"].pk).acknowledged_at is None


def test_navigation_shows_worklist_and_early_warning_to_the_right_roles(wl):
    def labels(role):
        return [i["label"] for i in client(wl, role).get(reverse("home")).context["nav_items"]]

    assert {"Worklist", "Early warning"} <= set(labels("ppw"))
    assert "Worklist" not in labels("principal") and "Early warning" in labels("principal")


# --- filters, sort and counts -------------------------------------------------------------------------------


@pytest.fixture
def alerts():
    """A PPW of Alpha (A100) and Gamma (C300); Beta (B200) is another PPW's. Dates are worked out by hand."""
    a = f.school(code="A100", name="Alpha Elementary")
    b = f.school(code="B200", name="Beta Middle")
    c = f.school(code="C300", name="Gamma High")
    ann = f.student(school=a, first_name="Ann", last_name="Adams", grade="05")
    ben = f.student(school=a, first_name="Ben", last_name="Baker", grade="KG")
    cal = f.student(school=c, first_name="Cal", last_name="Cole", grade="09")
    zoe = f.student(school=b, first_name="Zoe", last_name="Zed", grade="05")
    rows = {
        "ann_habitual": crossing(ann, a, "habitual_truant", D(2025, 10, 8)),
        "cal_chronic": crossing(cal, c, "chronic_absent", D(2025, 10, 5)),
        "ann_chronic": crossing(ann, a, "chronic_absent", D(2025, 10, 1)),
        "cal_truant": crossing(cal, c, "truant_7_302_2", D(2025, 9, 22)),
        "ben_abc": crossing(ben, a, "abc_attendance", D(2025, 9, 15)),
        "zoe_chronic": crossing(zoe, b, "chronic_absent", D(2025, 10, 6)),
        # not alerts: acknowledged, and lowered by a later recompute
        "ann_acked": crossing(ann, a, "abc_attendance", D(2025, 10, 10),
                              acknowledged_at=datetime.datetime(2025, 10, 11, tzinfo=datetime.UTC)),
        "ben_cleared": crossing(ben, a, "habitual_truant", D(2025, 10, 9), cleared_on=D(2025, 10, 12)),
    }
    ppw = f.user(username="al-ppw", role="ppw", schools=[a, c])
    director = f.user(username="al-director", role="director")
    return {"a": a, "b": b, "c": c, "ppw": ppw, "director": director, **rows}


def get(alerts, role="ppw", **params):
    c = Client()
    c.force_login(alerts[role])
    return c.get(reverse("indicators:worklist"), params)


def keys(alerts, response) -> list[str]:
    by_pk = {v.pk: k for k, v in alerts.items() if isinstance(v, FlagCrossing)}
    return [by_pk[pk] for pk in listed(response)]


@pytest.mark.parametrize(("sort", "expected"), [
    # One row per student, their alerts together. Newest first: by each student's newest alert (Ann 10/8,
    # Cal 10/5, Ben 9/15), a student's alerts newest first.
    (None, ["ann_habitual", "ann_chronic", "cal_chronic", "cal_truant", "ben_abc"]),
    ("newest", ["ann_habitual", "ann_chronic", "cal_chronic", "cal_truant", "ben_abc"]),
    # by each student's oldest alert (Ben 9/15, Cal 9/22, Ann 10/1), a student's alerts oldest first
    ("oldest", ["ben_abc", "cal_truant", "cal_chronic", "ann_chronic", "ann_habitual"]),
    # Alpha before Gamma, Adams before Baker; one student's alerts newest first
    ("school", ["ann_habitual", "ann_chronic", "ben_abc", "cal_chronic", "cal_truant"]),
    # by each student's most serious flag in the rules' order (chronic, habitual, 7-302.2, ABC), not the
    # codes' alphabetical one, then newest: Ann and Cal are both chronic, Ann's newest alert is later
    ("flag", ["ann_chronic", "ann_habitual", "cal_chronic", "cal_truant", "ben_abc"]),
])
def test_sort(alerts, sort, expected):
    response = get(alerts, **({"sort": sort} if sort else {}))
    assert keys(alerts, response) == expected
    assert response.context["sort"] == (sort or "newest")


@pytest.mark.parametrize(("params", "expected"), [
    ({"flag": "chronic_absent"}, ["cal_chronic", "ann_chronic"]),  # not Zed's: another PPW's school
    ({"flag": "abc_behavior"}, []),
    ({"school": "C300"}, ["cal_chronic", "cal_truant"]),
    ({"grade": "05"}, ["ann_habitual", "ann_chronic"]),
    ({"grade": "KG"}, ["ben_abc"]),
    ({"crossed_since": "2025-10-01"}, ["ann_habitual", "ann_chronic", "cal_chronic"]),  # on or after
    ({"crossed_since": "2025-10-09"}, []),  # the later ones were acknowledged or lowered
    ({"school": "A100", "crossed_since": "2025-09-20", "sort": "oldest"}, ["ann_chronic", "ann_habitual"]),
    ({"flag": "chronic_absent", "grade": "09", "sort": "school"}, ["cal_chronic"]),
])
def test_each_filter_narrows(alerts, params, expected):
    response = get(alerts, **params)
    assert keys(alerts, response) == expected
    n = len({key.split("_")[0] for key in expected})  # students
    assert f"<strong>{n}</strong> student{'' if n == 1 else 's'} with new alerts" in response.content.decode()


def option_labels(response, name) -> dict[str, str]:
    select = re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S).group()
    return {v: unescape(label) for v, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)}


def test_flag_dropdown_counts_each_flag_under_the_other_filters(alerts):
    assert option_labels(get(alerts), "flag") == {
        "": "Any flag (5)", "chronic_absent": "Chronically absent (2)", "habitual_truant": "Habitual truant (1)",
        "truant_7_302_2": "Truant (Educ. Art. 7-302.2) (1)", "abc_attendance": "ABC: attendance under 90% (1)",
        "abc_behavior": "ABC: suspended (0)", "abc_course": "ABC: course failure (0)"}
    # the chosen flag does not shrink its siblings' counts; the school does
    response = get(alerts, flag="chronic_absent", school="A100")
    labels = option_labels(response, "flag")
    assert (labels[""], labels["chronic_absent"], labels["habitual_truant"]) == (
        "Any flag (3)", "Chronically absent (1)", "Habitual truant (1)")
    assert keys(alerts, response) == ["ann_chronic"]
    assert "<strong>1</strong> student with new alerts," in response.content.decode()


def test_school_choices_are_only_my_schools(alerts):
    assert option_labels(get(alerts), "school") == {"": "All my schools", "A100": "Alpha Elementary",
                                                    "C300": "Gamma High"}
    assert set(option_labels(get(alerts, "director"), "school")) == {"", "A100", "B200", "C300"}


def test_another_schools_code_shows_nothing_from_it_and_says_so(alerts):
    response = get(alerts, school="B200", flag="chronic_absent")
    assert keys(alerts, response) == ["cal_chronic", "ann_chronic"]  # the flag still applies; no Beta row
    page = response.content.decode()
    assert "B200 is not one of your schools." in page and 'role="alert"' in page
    assert "Zed" not in page and "Beta Middle" not in page
    assert response.context["school"] is None
    logged = AccessLog.objects.filter(purpose="worklist").values_list("student_id", flat=True)
    assert alerts["zoe_chronic"].student_id not in logged
    # a pasted URL's garbage is not repeated whole in the message
    assert f"{'X' * 12} is not one of your schools." in get(alerts, school="X" * 500).content.decode()


def test_bad_values_give_a_message_and_the_other_filters_still_apply(alerts):
    response = get(alerts, school="A100", crossed_since="10/99/2025", flag="purple", grade="13", sort="sideways")
    assert keys(alerts, response) == ["ann_habitual", "ann_chronic", "ben_abc"]  # A100, newest first
    page = response.content.decode()
    assert "Enter the date as YYYY-MM-DD" in page
    assert page.count("Select a valid choice") == 3  # flag, grade, sort
    assert "That filter was left out; the others were applied." in page


def test_filters_survive_pagination_and_sort_links(alerts):
    for i in range(55):
        s = f.student(school=alerts["a"], last_name=f"Page{i:02d}", grade="05")
        crossing(s, alerts["a"], "chronic_absent", D(2025, 8, 1) + datetime.timedelta(days=i))
    params = {"flag": "chronic_absent", "grade": "05", "crossed_since": "2025-08-01", "sort": "oldest"}
    first = get(alerts, **params)
    assert [c.student.last_name for c in first.context["page"]] == [f"Page{i:02d}" for i in range(50)]
    page = unescape(first.content.decode())
    assert "<strong>56</strong> students with new alerts, 1–50 shown" in first.content.decode()  # and Ann
    nxt = re.search(r'<a class="tap" href="([^"]*)">Next page</a>', page).group(1)
    assert parse_qs(urlsplit(nxt).query) == {**{k: [v] for k, v in params.items()}, "page": ["2"]}
    second = get(alerts, **{k: v[0] for k, v in parse_qs(urlsplit(nxt).query).items()})
    assert [c.student.last_name for c in second.context["page"]] == [
        "Page50", "Page51", "Page52", "Page53", "Page54", "Adams"]
    # a column heading changes the sort, keeps the filters and goes back to page 1
    heading = re.search(r'<a href="([^"]*)">School</a>', unescape(second.content.decode())).group(1)
    assert parse_qs(urlsplit(heading).query) == {**{k: [v] for k, v in params.items()}, "sort": ["school"]}
    assert "Page" not in nxt and "Adams" not in heading  # codes and dates in the address, never a name


def test_query_count_is_fixed(alerts):
    c = Client()
    c.force_login(alerts["ppw"])
    url = reverse("indicators:worklist")
    params = {"flag": "chronic_absent", "sort": "school"}
    c.get(url)  # session and grants warm
    with CaptureQueriesContext(connection) as few:
        c.get(url, params)
    for i in range(60):
        s = f.student(school=alerts["a" if i % 2 else "c"], last_name=f"More{i:02d}")
        crossing(s, s.enrollments.first().school, "chronic_absent", D(2025, 10, 2))
    with CaptureQueriesContext(connection) as many:
        response = c.get(url, params)
    assert len(response.context["page"]) == 50
    # session, user, role grants, schools, flag counts, count, students, their alerts, access log
    assert len(many.captured_queries) == len(few.captured_queries) == 9, [q["sql"] for q in many.captured_queries]


def test_acknowledging_returns_to_the_list_as_it_was_filtered(wl):
    c = client(wl, "director")
    page = c.get(reverse("indicators:worklist"), {"school": "A100", "flag": "chronic_absent", "sort": "oldest",
                                                  "csrfmiddlewaretoken": "x", "evil": "y"})
    form = page.content.decode()
    assert 'name="csrfmiddlewaretoken" value="x"' not in form and 'name="evil"' not in form  # only its own keys
    # The acknowledge form carries the page's filters...
    assert '<input type="hidden" name="flag" value="chronic_absent">' in form
    assert '<input type="hidden" name="sort" value="oldest">' in form
    response = acknowledge(c, wl["ann_chronic"], school="A100", flag="chronic_absent", sort="oldest", evil="x")
    # ...and the redirect keeps them (only the worklist's own keys).
    assert response["Location"] == reverse("indicators:worklist") + "?school=A100&flag=chronic_absent&sort=oldest"


# --- one row per student, and acknowledging several alerts at once -------------------------------------------


def post_many(alerts, role, *keys, **extra):
    c = Client()
    c.force_login(alerts[role])
    data = {"crossing": [str(alerts[k].pk) for k in keys], **extra}
    return c.post(reverse("indicators:crossings_acknowledge"), data, follow=True)


def test_a_student_with_several_alerts_is_one_row(alerts):
    response = get(alerts)
    rows = response.context["page"].object_list
    assert [(r.student.last_name, r.school.code, len(r.crossings)) for r in rows] == [
        ("Adams", "A100", 2), ("Cole", "C300", 2), ("Baker", "A100", 1)]
    page = response.content.decode()
    assert page.count('<th scope="row"') == 3
    # each alert can be ticked for the page's bulk form; the row's own button takes all of its alerts
    assert f'name="crossing" value="{alerts["ann_habitual"].pk}" form="wl-bulk"' in page
    assert "Acknowledge all 2</button>" in page and 'aria-label="Acknowledge 2 alerts: Adams, Ann"' in page


def test_acknowledging_a_students_alerts_at_once(alerts):
    response = post_many(alerts, "ppw", "ann_habitual", "ann_chronic", flag="", sort="school")
    assert "2 alerts acknowledged. They stay in the record." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("indicators:worklist") + "?sort=school"
    for key in ("ann_habitual", "ann_chronic"):
        alerts[key].refresh_from_db()
        assert alerts[key].acknowledged_by == alerts["ppw"]
        assert ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(FlagCrossing),
                                           object_id=str(alerts[key].pk), action="update").count() == 1
    assert keys(alerts, response) == ["ben_abc", "cal_chronic", "cal_truant"]  # by school: Alpha, then Gamma


def test_acknowledging_alerts_that_changed_meanwhile_counts_them_and_keeps_them(alerts):
    crossings_acknowledge(actor=alerts["director"], crossings=[alerts["cal_truant"]])  # someone else first
    FlagCrossing.objects.filter(pk=alerts["ben_abc"].pk).update(cleared_on=D(2025, 10, 20))  # a recompute lowered it
    response = post_many(alerts, "ppw", "cal_chronic", "cal_truant", "ben_abc")
    assert ("1 alert acknowledged. It stays in the record. Left as they were: 1 had already been acknowledged by "
            "al-director; 1 was lowered by a recompute since the page was loaded.") in response.content.decode()
    alerts["cal_truant"].refresh_from_db()
    assert alerts["cal_truant"].acknowledged_by == alerts["director"]  # not written over
    assert FlagCrossing.objects.get(pk=alerts["ben_abc"].pk).acknowledged_at is None
    assert FlagCrossing.objects.get(pk=alerts["cal_chronic"].pk).acknowledged_by == alerts["ppw"]


def test_one_alert_out_of_scope_acknowledges_none(alerts):
    assert post_many(alerts, "ppw", "ann_chronic", "zoe_chronic").status_code == 404
    assert not FlagCrossing.objects.filter(acknowledged_by=alerts["ppw"]).exists()


def test_nothing_ticked_or_garbage_changes_nothing(alerts):
    c = Client()
    c.force_login(alerts["ppw"])
    url = reverse("indicators:crossings_acknowledge")
    for data in ({}, {"crossing": ["x"]}, {"crossing": [str(alerts["ann_chronic"].pk), "1e3"]}):
        page = c.post(url, data, follow=True).content.decode()
        assert "Tick the alerts to acknowledge first. Nothing was changed." in page
    too_many = c.post(url, {"crossing": [str(n) for n in range(1, 502)]}, follow=True).content.decode()
    assert "At most 500 alerts at a time. Nothing was changed." in too_many
    assert not FlagCrossing.objects.filter(acknowledged_by=alerts["ppw"]).exists()


def test_page_zero_or_below_is_the_first_page(alerts):
    for i in range(55):
        crossing(f.student(school=alerts["a"], last_name=f"Zero{i:02d}"), alerts["a"], "chronic_absent",
                 D(2025, 8, 1) + datetime.timedelta(days=i))
    for asked in ("0", "-3"):
        response = get(alerts, page=asked, sort="oldest")
        assert response.context["page"].number == 1
        assert f"There is no page {asked}; showing page 1 of 2." in response.content.decode()
