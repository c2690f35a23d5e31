"""The family's answer to a service on a plan: a refusal needs the family's reason and a date between the
offer and today; it goes on the timeline; it stays on the plan; only the case's workers record it.

The plan (helpers.make_plan) offers Check-in/check-out from Mon 10/06/2025."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework.audit.models import ChangeRecord
from casework.cases.models import CaseEvent
from casework.cases.timeline import at_start_of
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.plans.models import PlanIntervention
from casework.plans.services import InterventionSpec, intervention_respond, plan_revise

from .helpers import library, make_plan

pytestmark = pytest.mark.django_db
D = datetime.date
REASON = "mother declined counseling referral"


@pytest.fixture
def item(world):
    case = f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))
    return make_plan(case=case, actor=world.user("ppw")).interventions.get()


def _refusals(item):
    return list(CaseEvent.objects.filter(case=item.plan.case, summary__startswith="Service refused")
                .values_list("summary", "occurred_at"))


def test_a_refusal_needs_a_reason_and_a_date_between_the_offer_and_today(world, item):
    ppw = world.user("ppw")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for answered_on, note, field, words in (
        (D(2025, 10, 8), "  ", "note", "Give the family's reason"),
        (D(2025, 10, 3), REASON, "answered_on", "The service was offered on 10/06/2025"),
        (tomorrow, REASON, "answered_on", "cannot be in the future"),
        (None, REASON, "answered_on", "Give the date the family answered"),
    ):
        with pytest.raises(ValidationError) as exc:
            intervention_respond(actor=ppw, item=item, response="refused", answered_on=answered_on, note=note)
        assert words in exc.value.message_dict[field][0]
    item.refresh_from_db()
    assert (item.family_response, item.version, _refusals(item)) == ("", 1, [])

    saved = intervention_respond(actor=ppw, item=item, response="refused", answered_on=D(2025, 10, 8),
                                 note=f" {REASON} ", expected_version=1)
    assert (saved.family_response, saved.family_response_on, saved.family_response_note, saved.version) == (
        "refused", D(2025, 10, 8), REASON, 2)
    assert saved.response_words == f"Refused 10/08/2025: {REASON}"
    # On the timeline at the day the family answered, with their reason; audited like every write.
    assert _refusals(item) == [(f"Service refused: Check-in/check-out ({REASON})", at_start_of(D(2025, 10, 8)))]
    change = ChangeRecord.objects.filter(content_type__model="planintervention", object_id=str(item.pk),
                                         action="update").get()
    assert (change.before["family_response"], change.after["family_response"]) == ("", "refused")

    # A second writer with the form shown before the refusal does not overwrite it.
    with pytest.raises(ConflictError):
        intervention_respond(actor=ppw, item=item, response="accepted", answered_on=D(2025, 10, 9),
                             expected_version=1)
    assert PlanIntervention.objects.get(pk=item.pk).family_response == "refused"


def test_an_answered_service_stays_on_the_plan_through_a_revision(world, item):
    ppw = world.user("ppw")
    intervention_respond(actor=ppw, item=item, response="refused", answered_on=D(2025, 10, 8), note=REASON)
    with pytest.raises(ValidationError, match="Give it an end date instead of removing it"):
        plan_revise(actor=ppw, plan=item.plan, reason="Family said no", interventions=[], effective_on=D(2025, 10, 9))
    assert PlanIntervention.objects.filter(pk=item.pk).exists()
    # Ending it keeps the refusal; the snapshot of the revision says what the family answered.
    plan = plan_revise(actor=ppw, plan=item.plan, reason="Family said no", effective_on=D(2025, 10, 9),
                       interventions=[InterventionSpec(id=item.pk, intervention=library(), start_on=item.start_on,
                                                       frequency="daily", responsible="Counselor",
                                                       end_on=D(2025, 10, 9))])
    assert plan.revisions.get().snapshot["interventions"][0]["family_response"] == f"Refused 10/08/2025: {REASON}"
    assert PlanIntervention.objects.get(pk=item.pk).family_response == "refused"


def test_answer_form_saves_refuses_bad_input_and_is_404_to_another_schools_ppw(client, world, item):
    url = reverse("plans:answer", kwargs={"pk": item.plan_id, "item_pk": item.pk})
    data = {"response": "refused", "answered_on": "2025-10-08", "note": "", "version": "1"}

    client.force_login(f.user(role="ppw", schools=[world.school_b]))
    assert client.post(url, data | {"note": REASON}).status_code == 404

    client.force_login(world.user("ppw"))
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Give the family&#x27;s reason" in response.content.decode()
    assert PlanIntervention.objects.get(pk=item.pk).family_response == ""

    response = client.post(url, data | {"note": REASON})
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", kwargs={"pk": item.plan_id})
    # The flash message travels in a readable cookie: no reason, no service name in it (the page shows both).
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Family's answer saved."]
    page = client.get(response["Location"]).content.decode()
    assert f"Refused 10/08/2025: {REASON}" in page
    # The same form again (version 1) is a conflict: shown, not applied.
    response = client.post(url, data | {"response": "accepted", "note": ""})
    assert response.status_code == 409 and "Someone else recorded an answer" in response.content.decode()
    assert PlanIntervention.objects.get(pk=item.pk).family_response == "refused"
