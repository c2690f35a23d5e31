"""The PPW's worklist of newly crossed thresholds: scope, order, the school filter, and acknowledging."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from casework.audit.models import AccessLog, ChangeRecord
from casework.core.testing import factories as f
from casework.indicators.models import FlagCrossing
from casework.indicators.worklist import CrossingConflict, crossing_acknowledge

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
    assert response.status_code == 200
    return [c.pk for c in response.context["page"]]


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
    assert len(listed(bad)) == 3 and "Select a valid choice" in bad.content.decode()


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


def test_acknowledge_removes_from_the_list_but_keeps_the_crossing(wl):
    c = client(wl, "ppw")
    target = wl["ann_chronic"]
    response = c.post(reverse("indicators:crossing_acknowledge", args=[target.pk]))
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
    client(wl, "supervisor").post(reverse("indicators:crossing_acknowledge", args=[target.pk]))
    c = client(wl, "ppw")
    response = c.post(reverse("indicators:crossing_acknowledge", args=[target.pk]), {"school": "A100"}, follow=True)
    page = response.content.decode()
    assert "already acknowledged by wl-supervisor" in page and "Nothing was changed" in page
    target.refresh_from_db()
    assert target.acknowledged_by == wl["users"]["supervisor"]  # not overwritten
    assert response.redirect_chain[-1][0] == reverse("indicators:worklist") + "?school=A100"


def test_acknowledging_a_lowered_flag_is_refused(wl):
    with pytest.raises(CrossingConflict, match="lowered by the recompute of 09/20/2025"):
        crossing_acknowledge(actor=wl["users"]["ppw"], crossing=wl["ann_cleared"])
    assert FlagCrossing.objects.get(pk=wl["ann_cleared"].pk).acknowledged_at is None


def test_acknowledge_out_of_scope_is_not_found(wl):
    for role in ("ppw", "principal"):
        response = client(wl, role).post(reverse("indicators:crossing_acknowledge", args=[wl["zed_chronic"].pk]))
        assert response.status_code == 404
    assert FlagCrossing.objects.get(pk=wl["zed_chronic"].pk).acknowledged_at is None
    assert client(wl, "ppw_b").post(
        reverse("indicators:crossing_acknowledge", args=[wl["zed_chronic"].pk])).status_code == 302


def test_acknowledge_is_post_only(wl):
    url = reverse("indicators:crossing_acknowledge", args=[wl["ann_chronic"].pk])
    assert client(wl, "ppw").get(url).status_code == 405
    assert FlagCrossing.objects.get(pk=wl["ann_chronic"].pk).acknowledged_at is None


def test_navigation_shows_worklist_and_early_warning_to_the_right_roles(wl):
    def labels(role):
        return [i["label"] for i in client(wl, role).get(reverse("home")).context["nav_items"]]

    assert {"Worklist", "Early warning"} <= set(labels("ppw"))
    assert "Worklist" not in labels("principal") and "Early warning" in labels("principal")
