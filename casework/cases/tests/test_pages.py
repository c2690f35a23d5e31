"""The case pages: list, overview with timeline filter and status actions, conflicts, sensitive cases,
approvals, transfers, settings, opening a case from the student page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services as s
from casework.cases.assignments import case_worker_add
from casework.cases.models import Case, CaseTypeSetting, ClosureRequest
from casework.core.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def cases(world):
    ppw = world.user("ppw")
    mine = f.case(student=world.student_a, owner=ppw, opened_on=D(2025, 9, 2))
    a2 = f.student(school=world.school_a, last_name="Okafor")
    other_owner = f.user(username="ppw-two", role="ppw", schools=[world.school_a])
    theirs = f.case(student=a2, owner=other_owner, case_type="residency", opened_on=D(2025, 10, 6))
    helping = f.case(student=a2, owner=other_owner, case_type="homeless", opened_on=D(2025, 8, 28))
    case_worker_add(actor=None, case=helping, user=ppw)
    return {"mine": mine, "theirs": theirs, "helping": helping, "other_owner": other_owner}


def numbers(response):
    return [c.number for c in response.context["page"]]


def test_list_is_my_cases_by_default_and_filters(world, cases):
    c = client_for(world.user("ppw"))
    url = reverse("cases:list")
    assert numbers(c.get(url)) == [cases["mine"].number, cases["helping"].number]  # newest first
    assert numbers(c.get(url, {"scope": "all", "sort": "opened"})) == [
        cases["helping"].number, cases["mine"].number, cases["theirs"].number]
    assert numbers(c.get(url, {"scope": "all", "case_type": "residency"})) == [cases["theirs"].number]
    s.case_close(actor=None, case=cases["mine"], closure_reason="Done")
    assert numbers(c.get(url)) == [cases["helping"].number]  # open statuses by default
    assert numbers(c.get(url, {"status": "closed"})) == [cases["mine"].number]
    assert "owner" not in c.get(url).context["form"].fields  # leaders only
    leader = client_for(world.user("director"))
    assert numbers(leader.get(url, {"scope": "all", "owner": cases["other_owner"].pk})) == [
        cases["theirs"].number, cases["helping"].number]
    bad = c.get(url, {"case_type": "nonsense"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_overview_shows_timeline_and_filters_by_kind(world, cases):
    case = cases["mine"]
    s.case_set_status(actor=world.user("ppw"), case=case, status="on_hold", reason="Hospital stay")
    case_worker_add(actor=world.user("ppw"), case=case, user=world.user("supervisor"))
    c = client_for(world.user("ppw"))
    url = reverse("cases:detail", kwargs={"case_pk": case.pk})
    page = c.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert [e.summary for e in page.context["events"]] == [
        "Attendance case opened", "Open → On hold: Hospital stay", "Co-worker added: t-supervisor"]
    assert "Print timeline" in html and 'aria-current="page">Overview' in html
    filtered = c.get(url, {"kind": "assignment"})
    assert [e.summary for e in filtered.context["events"]] == ["Co-worker added: t-supervisor"]
    both = c.get(url, {"kind": ["assignment", "status"]})
    assert len(both.context["events"]) == 3


def test_status_change_from_the_page(world, cases):
    case = cases["mine"]
    c = client_for(world.user("ppw"))
    url = reverse("cases:status", kwargs={"case_pk": case.pk})
    response = c.post(url, {"to": "on_hold", "reason": "", "version": case.version})
    assert response.status_code == 400 and "Say why the case is going on hold" in response.content.decode()
    response = c.post(url, {"to": "on_hold", "reason": "Family travelling", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.version) == ("on_hold", 2)


def test_stale_version_shows_conflict_and_keeps_input(world, cases):
    case = cases["mine"]
    opened_version = case.version
    s.case_set_status(actor=world.user("supervisor"), case=case, status="active")  # someone else, meanwhile
    c = client_for(world.user("ppw"))
    response = c.post(reverse("cases:status", kwargs={"case_pk": case.pk}),
                      {"to": "closed", "reason": "Attendance back to 95%", "outcome": "Met goal 6 weeks",
                       "version": opened_version})
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in html
    assert 'value="Attendance back to 95%"' in html and "Met goal 6 weeks</textarea>" in html
    assert f'name="version" value="{opened_version + 1}"' in html  # resubmitting applies it knowingly
    case.refresh_from_db()
    assert case.status == "active"


def test_sensitive_case_only_for_named_people_and_director(world):
    ppw, sup = world.user("ppw"), world.user("supervisor")
    crisis = f.case(student=world.student_a, case_type="crisis", owner=f.user(role="ppw", schools=[world.school_a]))
    url = reverse("cases:detail", kwargs={"case_pk": crisis.pk})
    assert client_for(sup).get(url).status_code == 404
    assert client_for(ppw).get(url).status_code == 404  # same school, not named
    assert client_for(world.user("director")).get(url).status_code == 200
    case_worker_add(actor=None, case=crisis, user=ppw)
    assert client_for(ppw).get(url).status_code == 200
    assert client_for(sup).get(url).status_code == 404
    assert crisis.number not in client_for(sup).get(reverse("cases:list"), {"scope": "all"}).content.decode()


def test_approvals_queue_and_decision(world, cases):
    s.case_type_setting_set(actor=None, case_type="attendance", closure_needs_approval=True)
    case = cases["mine"]
    ppw = client_for(world.user("ppw"))
    response = ppw.post(reverse("cases:status", kwargs={"case_pk": case.pk}),
                        {"to": "closed", "reason": "Goal met", "version": case.version}, follow=True)
    assert "waits for a supervisor" in response.content.decode()
    request = ClosureRequest.objects.get(case=case)
    sup = client_for(world.user("supervisor"))
    queue = sup.get(reverse("cases:approvals"))
    assert list(queue.context["requests"]) == [request]
    decide = reverse("cases:approval_decide", kwargs={"pk": request.pk})
    assert "Tell the owner" in sup.post(decide, {"decision": "return", "note": ""}, follow=True).content.decode()
    sup.post(decide, {"decision": "approve", "note": ""})
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == ("closed", "Goal met")
    assert not sup.get(reverse("cases:approvals")).context["requests"]


def test_single_transfer_page(world, cases):
    case = cases["mine"]
    director = client_for(world.user("director"))
    url = reverse("cases:assign", kwargs={"case_pk": case.pk})
    response = director.post(url, {"to_user": world.user("school_admin").pk, "reason": "x", "version": 1})
    assert response.status_code == 400  # not in the staff list at all
    response = director.post(url, {"to_user": cases["other_owner"].pk, "reason": "Leave", "version": 1})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == cases["other_owner"]
    stale = director.post(url, {"to_user": world.user("ppw").pk, "reason": "Back", "version": 1})
    assert stale.status_code == 409 and 'value="Back"' in stale.content.decode()


def test_bulk_reassign_preview_then_confirm(world, cases):
    director = client_for(world.user("director"))
    new = f.user(username="ppw-three", role="ppw", schools=[world.school_a])
    form = {"from_user": cases["other_owner"].pk, "school": world.school_a.code, "to_user": new.pk,
            "reason": "Schools reassigned in January"}
    preview = director.post(reverse("cases:reassign"), form | {"preview": "1"})
    assert preview.context["count"] == 2
    expected = ",".join(str(c.pk) for c in preview.context["cases"])
    done = director.post(reverse("cases:reassign"), form | {"confirm": "1", "expected": expected}, follow=True)
    assert "2 cases moved" in done.content.decode()
    assert set(Case.objects.filter(owner=new)) == {cases["theirs"], cases["helping"]}
    # The caseload changed after the preview (a case closed): nothing moves, the new list is shown.
    back = form | {"from_user": new.pk, "to_user": world.user("ppw").pk}
    expected = ",".join(str(c.pk) for c in director.post(reverse("cases:reassign"), back).context["cases"])
    s.case_close(actor=None, case=cases["theirs"], closure_reason="Moved away")
    stale = director.post(reverse("cases:reassign"), back | {"confirm": "1", "expected": expected})
    assert stale.status_code == 409 and stale.context["count"] == 1
    assert Case.objects.get(pk=cases["helping"].pk).owner == new


def test_bulk_reassign_tells_a_supervisor_how_many_restricted_cases_stay(world, cases):
    owner, supervisor = cases["other_owner"], world.user("supervisor")
    a3 = f.student(school=world.school_a, last_name="Petrov")
    hidden = f.case(student=a3, owner=owner, case_type="crisis", opened_on=D(2025, 9, 9))
    f.case(student=a3, owner=owner, case_type="child_welfare", opened_on=D(2025, 9, 10))  # hidden too
    named = f.case(student=a3, owner=owner, case_type="child_welfare", opened_on=D(2025, 9, 11))
    case_worker_add(actor=None, case=named, user=supervisor)
    f.case(student=world.student_b, owner=owner, case_type="crisis")  # school B: outside the filter below
    f.case(student=a3, owner=world.user("ppw"), case_type="crisis")  # another owner's: not counted
    new = f.user(username="ppw-three", role="ppw", schools=[world.school_a])
    form = {"from_user": owner.pk, "school": world.school_a.code, "to_user": new.pk, "reason": "New schools"}
    c = client_for(supervisor)
    preview = c.post(reverse("cases:reassign"), form | {"preview": "1"})
    # theirs, helping and the crisis case naming the supervisor move; two restricted ones stay
    assert preview.context["count"] == 3 and hidden not in preview.context["cases"]
    page = preview.content.decode()
    assert ("2 restricted cases (crisis or child welfare) of this PPW were not moved: only the director can "
            "reassign them.") in page
    assert hidden.number not in page
    expected = ",".join(str(c.pk) for c in preview.context["cases"])
    done = c.post(reverse("cases:reassign"), form | {"confirm": "1", "expected": expected}, follow=True)
    assert "3 cases moved" in done.content.decode() and "2 restricted cases" in done.content.decode()
    assert Case.objects.get(pk=hidden.pk).owner == owner
    # Without the school filter, the school B crisis case counts too; the director sees and moves all.
    assert "3 restricted cases" in c.post(reverse("cases:reassign"), form | {"school": ""}).content.decode()
    director_preview = client_for(world.user("director")).post(reverse("cases:reassign"), form | {"school": ""})
    assert director_preview.context["count"] == 3 and "restricted" not in director_preview.content.decode()


def test_bulk_reassign_refuses_a_new_owner_without_scope(world, cases):
    director = client_for(world.user("director"))
    outsider = f.user(username="ppw-b", role="ppw", schools=[world.school_b])
    form = {"from_user": cases["other_owner"].pk, "to_user": outsider.pk, "reason": "x", "confirm": "1",
            "expected": f"{cases['helping'].pk},{cases['theirs'].pk}"}
    response = director.post(reverse("cases:reassign"), form)
    assert response.status_code == 400 and "Nothing was moved" in response.content.decode()
    assert Case.objects.filter(owner=cases["other_owner"]).count() == 2


def test_settings_page(world):
    director = client_for(world.user("director"))
    response = director.post(reverse("cases:settings"), {"needs_approval": ["crisis", "child_welfare"],
                                                         "version_crisis": "0", "version_child_welfare": "0"})
    assert response.status_code == 302
    assert set(CaseTypeSetting.objects.filter(closure_needs_approval=True).values_list("case_type", flat=True)) == {
        "crisis", "child_welfare"}
    stale = director.post(reverse("cases:settings"), {"needs_approval": [], "version_crisis": "0"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()


def test_open_a_case_from_the_student_page(world):
    ppw = client_for(world.user("ppw"))
    profile = ppw.get(reverse("students:detail", kwargs={"pk": world.student_a.pk})).content.decode()
    open_url = reverse("cases:open", kwargs={"student_pk": world.student_a.pk})
    assert open_url in profile and "No case that you can see." in profile
    form = ppw.get(open_url).context["form"]
    assert form.initial["owner"] == world.user("ppw")
    response = ppw.post(open_url, {"case_type": "attendance", "owner": world.user("ppw").pk,
                                   "opened_on": "2025-10-01"})
    case = Case.objects.get(student=world.student_a)
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", kwargs={"case_pk": case.pk})
    again = ppw.post(open_url, {"case_type": "attendance", "owner": world.user("ppw").pk, "opened_on": "2025-10-02"})
    assert again.status_code == 400
    assert f"already has an open case of this type: {case.number}" in again.content.decode()
    profile = ppw.get(reverse("students:detail", kwargs={"pk": world.student_a.pk})).content.decode()
    assert reverse("cases:detail", kwargs={"case_pk": case.pk}) in profile
    # A principal sees the case on the profile, but no link into it and no "Open a case".
    principal = client_for(world.user("school_admin")).get(
        reverse("students:detail", kwargs={"pk": world.student_a.pk})).content.decode()
    assert case.number in principal and reverse("cases:detail", kwargs={"case_pk": case.pk}) not in principal
    assert open_url not in principal


@pytest.mark.parametrize("name, value", [("remove", "abc"), ("remove", "1; DROP"), ("remove", "²"), ("remove", ""),
                                         ("unlink", "abc"), ("unlink", "-1"), ("unlink", "")])
def test_a_tampered_id_in_a_case_form_is_a_message_not_an_error(world, cases, name, value):
    url = reverse("cases:workers" if name == "remove" else "cases:links", kwargs={"case_pk": cases["mine"].pk})
    c = Client(raise_request_exception=False)
    c.force_login(world.user("ppw"))
    response = c.post(url, {name: value}, follow=True)
    assert response.status_code == 200
    expected = "That person is not a co-worker on this case." if name == "remove" else "That link no longer exists."
    assert [str(m) for m in response.context["messages"]] == [expected]
