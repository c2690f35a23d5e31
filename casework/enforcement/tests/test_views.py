"""The Ladder tab, the override form, the director's settings and the refusals a user sees."""

import datetime

import pytest
from django.urls import reverse

from casework.cases.models import Case
from casework.enforcement import services as s
from casework.enforcement.choices import EventStatus
from casework.enforcement.models import Ladder, LadderEvent, LadderOverride

from .helpers import MON, indicator, step

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 10, 8)


@pytest.fixture
def case(world):
    indicator(world.student_a, world.school_a, unlawful=3)
    s.ladder_evaluate(as_of=MON)
    return Case.objects.get(student=world.student_a)


def url(case, name="case_ladder"):
    return reverse(f"enforcement:{name}", kwargs={"case_pk": case.pk})


def test_the_tab_lists_every_step_with_its_status(client, world, case):
    client.force_login(world.user("ppw"))
    page = client.get(url(case)).content.decode()
    assert "Tier 1 school letter" in page and "District Court petition" in page
    assert "due by <strong>10/13/2025</strong>" in page
    assert page.count("Not reached") == 6
    assert "Director&#x27;s override" not in page and "Record override" not in page


def test_record_done_from_the_tab(client, world, case):
    client.force_login(world.user("ppw"))
    event = LadderEvent.objects.get()
    response = client.post(url(case), {"what": "done", "step": step("tier1_letter").pk, "version": event.version,
                                       "done_on": "2025-10-08", "outcome": "Mailed"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.done_on, event.outcome) == (EventStatus.DONE, DAY, "Mailed")


def test_skip_without_a_reason_keeps_what_was_typed(client, world, case):
    client.force_login(world.user("ppw"))
    response = client.post(url(case), {"what": "skip", "step": step("tier1_letter").pk, "reason": "",
                                       "outcome": "typed text kept"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "needs a reason" in page and "typed text kept" in page
    assert LadderEvent.objects.get().status == EventStatus.DUE


def test_a_stale_version_is_refused_not_overwritten(client, world, case):
    client.force_login(world.user("ppw"))
    event = LadderEvent.objects.get()
    s.ladder_step_skip(actor=world.user("supervisor"), case=case, step=event.step, reason="Handled at intake")
    # A second open event cannot exist for tier1, so make the conflict on the conference step instead.
    conference = LadderEvent.objects.get(step__key="school_conference")
    response = client.post(url(case), {"what": "done", "step": conference.step.pk, "version": conference.version - 1,
                                       "done_on": "2025-10-08", "outcome": "Held"})
    assert response.status_code == 400
    assert "changed by someone else since you opened it" in response.content.decode()
    conference.refresh_from_db()
    assert conference.status == EventStatus.DUE


def test_the_guard_refusal_is_shown_and_the_director_overrides(client, world, case):
    client.force_login(world.user("ppw"))
    petition = step("court_petition")
    response = client.post(url(case), {"what": "done", "step": petition.pk, "done_on": "2025-10-08"})
    assert response.status_code == 400
    assert "cannot be recorded yet" in response.content.decode()
    assert not LadderEvent.objects.filter(step=petition).exists()
    # A PPW cannot reach the override (404, no hint it exists).
    assert client.post(url(case, "override"), {"reason": "please"}).status_code == 404
    client.force_login(world.user("director"))
    assert client.post(url(case, "override"), {"reason": ""}).status_code == 400
    response = client.post(url(case, "override"), {"reason": "Court date already set by the State's Attorney"})
    assert response.status_code == 302
    assert LadderOverride.objects.get(case=case).granted_by == world.user("director")
    page = client.get(url(case)).content.decode()
    assert "Court date already set by the State&#x27;s Attorney" in page
    client.force_login(world.user("ppw"))
    response = client.post(url(case), {"what": "done", "step": petition.pk, "done_on": "2025-10-08",
                                       "outcome": "Filed"})
    assert response.status_code == 302
    assert LadderEvent.objects.get(step=petition).status == EventStatus.DONE


def test_a_step_of_another_ladder_is_not_found(client, world, case):
    copy = s.ladder_copy(actor=None, source=step("tier1_letter").ladder, name="Copy",
                         effective_from=datetime.date(2030, 1, 1))
    client.force_login(world.user("ppw"))
    response = client.post(url(case), {"what": "done", "step": copy.steps.get(key="tier1_letter").pk})
    assert response.status_code == 404


def test_settings_copy_then_edit_with_the_conflict_check(client, world):
    client.force_login(world.user("director"))
    default = Ladder.objects.get(is_default=True)
    response = client.post(reverse("enforcement:settings"), {"source": default.pk, "name": "District 2026",
                                                             "effective_from": "2026-07-01"})
    assert response.status_code == 302
    copy = Ladder.objects.get(name="District 2026")
    assert copy.steps.count() == 7 and copy.based_on == default
    tier1 = copy.steps.get(key="tier1_letter")
    edit = reverse("enforcement:step_edit", kwargs={"pk": tier1.pk})
    assert client.get(edit).status_code == 200
    data = {"version": tier1.version, "name": "Tier 1 letter", "trigger": "unlawful_days_at_least",
            "trigger_days": 5, "acts": "school", "deadline_school_days": 3, "required_before_petition": "on"}
    assert client.post(edit, data).status_code == 302
    tier1.refresh_from_db()
    assert (tier1.trigger_days, tier1.deadline_school_days, tier1.name) == (5, 3, "Tier 1 letter")
    response = client.post(edit, {**data, "trigger_days": 6})  # the old version again
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    tier1.refresh_from_db()
    assert tier1.trigger_days == 5
    assert client.post(edit, {**data, "version": tier1.version, "trigger_days": ""}).status_code == 400
    default_edit = reverse("enforcement:step_edit", kwargs={"pk": step("tier1_letter").pk})
    response = client.post(default_edit, {**data, "version": step("tier1_letter").version})
    assert response.status_code == 400 and "read-only" in response.content.decode()


def test_the_ladder_in_force_follows_the_effective_date(world):
    default = Ladder.objects.get(is_default=True)
    copy = s.ladder_copy(actor=None, source=default, name="Stricter", effective_from=datetime.date(2025, 10, 1))
    s.ladder_step_update(actor=None, step=copy.steps.get(key="tier1_letter"), trigger_days=2)
    indicator(world.student_a, world.school_a, unlawful=2, as_of=datetime.date(2025, 9, 30))
    assert s.ladder_evaluate(as_of=datetime.date(2025, 9, 30)).total_due == 0  # the default still applies
    indicator(world.student_a, world.school_a, unlawful=2, as_of=MON)
    assert dict(s.ladder_evaluate(as_of=MON).steps_due) == {"tier1_letter": 1}
    assert LadderEvent.objects.get().step.ladder == copy


def test_the_director_runs_the_evaluation_as_a_job(client, world, settings):
    from casework.jobs.models import Job

    settings.CASEWORK_JOBS_INLINE = False
    client.force_login(world.user("director"))
    response = client.post(reverse("enforcement:run"))
    job = Job.objects.get(kind="enforcement.evaluate")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:status", kwargs={"pk": job.pk})
    assert client.post(reverse("enforcement:run")).status_code == 302
    assert Job.objects.filter(kind="enforcement.evaluate").count() == 1  # the same day's run is not queued twice
    client.force_login(world.user("ppw"))
    assert client.post(reverse("enforcement:run")).status_code == 404


def test_done_with_evidence_from_the_case_record(client, world, case):
    from casework.tasks.models import Task

    task = Task.objects.get(automatic="ladder:tier1_letter")
    from casework.cases.timeline import timeline_record

    timeline_record(case=case, kind="letter", summary="Tier 1 letter mailed (first class)", source=task)
    client.force_login(world.user("ppw"))
    other = f"contacts.contact:{task.pk + 999}"
    response = client.post(url(case), {"what": "done", "step": step("tier1_letter").pk, "done_on": "2025-10-08",
                                       "evidence": other})
    assert response.status_code == 400 and "Choose the evidence" in response.content.decode()
    response = client.post(url(case), {"what": "done", "step": step("tier1_letter").pk, "done_on": "2025-10-08",
                                       "evidence": f"tasks.task:{task.pk}"})
    assert response.status_code == 302
    event = LadderEvent.objects.get(step__key="tier1_letter")
    assert (event.source_model, event.source_id) == ("tasks.task", task.pk)
    assert "Evidence: " in client.get(url(case)).content.decode()
    assert "Tier 1 letter mailed (first class)" in client.get(url(case)).content.decode()


def test_the_api_lists_a_cases_ladder(client, world, case):
    client.force_login(world.user("ppw"))
    response = client.get("/api/v1/ladder-steps/", {"case": case.pk, "status": "due"})
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(r["step_key"], r["due_on"]) for r in rows] == [("tier1_letter", "2025-10-13")]
    assert client.get("/api/v1/ladder-steps/", {"status": "nope"}).status_code == 400
