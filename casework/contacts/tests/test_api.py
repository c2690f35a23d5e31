import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.accounts.services import token_issue
from casework.contacts.api import REACHED_REQUIRED
from casework.contacts.choices import ContactType
from casework.contacts.models import Contact
from casework.core.testing import factories as f

from .factories import contact

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    return Client(headers={"Authorization": f"Token {token_issue(actor=None, user=user)}"})


@pytest.fixture
def cases(world):
    return f.case(student=world.student_a, owner=world.user("ppw")), f.case(student=world.student_b)


def body(case, **overrides):
    data = {"case": case.pk, "contact_type": "home_visit", "reached": False, "summary": "No answer at the door.",
            "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(), "client_key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def test_list_holds_only_cases_in_scope(world, cases):
    mine, theirs = contact(case=cases[0]), contact(case=cases[1])
    rows = api(world.user("ppw")).get(reverse("api:contact-list")).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    rows = api(world.user("director")).get(reverse("api:contact-list"), {"case": cases[1].pk}).json()["results"]
    assert [r["id"] for r in rows] == [theirs.pk]
    assert api(world.user("director")).get(reverse("api:contact-list"), {"case": "x"}).status_code == 400


def test_create_through_the_service_and_retry_is_idempotent(world, cases):
    client = api(world.user("ppw"))
    data = body(cases[0], guardians=[world.student_a.guardian_links.get().pk],
                agency_people=[{"name": "Dana Brooks", "agency": "DSS"}])
    first = client.post(reverse("api:contact-list"), data, content_type="application/json")
    again = client.post(reverse("api:contact-list"), data, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["participants_label"] == "Grandmother (Pat Guardian); Dana Brooks (DSS)"
    assert Contact.objects.count() == 1 and Contact.objects.get().worker == world.user("ppw")


def test_create_refuses_out_of_scope_cases_foreign_guardians_and_the_future(world, cases):
    client = api(world.user("ppw"))
    url = reverse("api:contact-list")
    assert client.post(url, body(cases[1]), content_type="application/json").status_code == 400
    f.guardian(student=world.student_b, relationship="father")
    foreign = world.student_b.guardian_links.get().pk
    response = client.post(url, body(cases[0], guardians=[foreign]), content_type="application/json")
    assert response.status_code == 400 and "guardians" in response.json()
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, body(cases[0], occurred_at=future), content_type="application/json")
    assert response.status_code == 400 and "occurred_at" in response.json()
    assert not Contact.objects.exists()
    assert api(world.user("school_admin")).post(url, body(cases[0]), content_type="application/json").status_code == 404


def _api_log():
    from casework.audit.models import AccessLog

    return list(AccessLog.objects.filter(action=AccessLog.Action.API).order_by("id")
                .values_list("student_id", "actor_label", "detail"))


def test_reading_contacts_is_in_the_access_log(world, cases):
    first, second = contact(case=cases[0]), contact(case=cases[0], summary="Left a voicemail.")
    c = api(world.user("ppw"))
    assert c.get(reverse("api:contact-detail", args=[first.pk])).status_code == 200
    assert c.get(reverse("api:contact-list")).status_code == 200  # two contacts of one student: one row
    assert c.post(reverse("api:contact-list"), body(cases[0]), content_type="application/json").status_code == 201
    assert _api_log() == [(world.student_a.pk, "t-ppw", f"api contact {first.pk}"),
                          (world.student_a.pk, "t-ppw", "api contact list")]
    assert second.pk != first.pk


@pytest.mark.parametrize("value", ["²", "abc"])
def test_a_case_parameter_that_is_not_plain_digits_is_a_400_with_a_message(world, cases, value):
    r = api(world.user("ppw")).get(reverse("api:contact-list"), {"case": value})
    assert r.status_code == 400
    assert r.json() == {"case": "Give the case id as a whole number in digits 0-9, e.g. ?case=12."}


@pytest.mark.parametrize("kind", [ContactType.HOME_VISIT, ContactType.PHONE_CALL, ContactType.LETTER])
@pytest.mark.parametrize("encoding", ["json", "form"])
def test_reached_left_out_is_a_400_naming_it_not_a_contact_that_counts_as_reached(world, cases, kind, encoding):
    """As on the pages: an unanswered attempt logged without saying must not count as reached. A form-encoded
    body that leaves it out is not read as false either: it was not answered."""
    data = body(cases[0], contact_type=kind)
    del data["reached"]
    client, url = api(world.user("ppw")), reverse("api:contact-list")
    response = client.post(url, data, **({"content_type": "application/json"} if encoding == "json" else {}))
    assert response.status_code == 400
    assert response.json() == {"reached": [REACHED_REQUIRED]}
    assert not Contact.objects.exists()


@pytest.mark.parametrize(("kind", "sent", "stored"), [
    (ContactType.HOME_VISIT, False, False), (ContactType.PHONE_CALL, True, True),
    (ContactType.ATTEMPTED, None, False),  # may leave it out: an attempt is never reached
    (ContactType.ATTEMPTED, True, False),  # the service's rule wins
])
def test_reached_as_sent_and_an_attempt_never_reached(world, cases, kind, sent, stored):
    data = body(cases[0], contact_type=kind, reached=sent)
    if sent is None:
        del data["reached"]
    response = api(world.user("ppw")).post(reverse("api:contact-list"), data, content_type="application/json")
    assert response.status_code == 201 and response.json()["reached"] is stored
    assert Contact.objects.get().reached is stored


def test_reached_null_is_a_400_naming_it(world, cases):
    response = api(world.user("ppw")).post(reverse("api:contact-list"), body(cases[0], reached=None),
                                           content_type="application/json")
    assert response.status_code == 400 and list(response.json()) == ["reached"]
    assert not Contact.objects.exists()
