"""The Descriptor mappings page: the data steward (and the director) list and set mappings through the service."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.attendance.models import DescriptorMapping
from casework.audit.models import ChangeRecord

URL = "/attendance/descriptors/"
TARDY = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy"


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def test_the_url_is_the_named_one():
    assert reverse("attendance:descriptors") == URL


@pytest.mark.parametrize("role", ["data_steward", "director"])
def test_lists_every_mapping_with_the_shipped_defaults(world, role):
    response = client_for(world, role).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert TARDY in page
    assert "Shipped (Ed-Fi default)" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_steward_adds_a_district_mapping_recorded_under_the_steward(world):
    steward = world.user("data_steward")
    before = ChangeRecord.objects.count()
    response = client_for(world, "data_steward").post(
        URL, {"descriptor": " ILL ", "category": "excused", "reason_code": "b", "notes": "SIS code for illness"},
        follow=True)
    assert response.redirect_chain == [(URL, 302)]
    mapping = DescriptorMapping.objects.get(descriptor="ILL")
    assert (mapping.category, mapping.reason_code, mapping.shipped, mapping.notes) == (
        "excused", "B", False, "SIS code for illness")
    record = ChangeRecord.objects.order_by("-pk").first()
    assert ChangeRecord.objects.count() == before + 1
    assert (record.action, record.actor, record.object_id) == ("create", steward, str(mapping.pk))
    page = response.content.decode()
    assert ("ILL -&gt; Excused absence (reason B). Later imports read it this way; re-import to apply it to stored "
            "events.") in page
    assert "District" in page and "SIS code for illness" in page


def test_steward_changes_an_existing_mapping(world):
    client_for(world, "data_steward").post(URL, {"descriptor": TARDY, "category": "present", "notes": "Local rule"})
    assert DescriptorMapping.objects.get(descriptor=TARDY).category == "present"


def test_an_unknown_reason_shows_the_services_message_and_stores_nothing(world):
    before = (DescriptorMapping.objects.count(), ChangeRecord.objects.count())
    response = client_for(world, "data_steward").post(URL, {"descriptor": "ILL", "category": "excused",
                                                            "reason_code": "Z"})
    assert response.status_code == 400
    assert "Unknown reason code &#x27;Z&#x27;" in response.content.decode()
    assert response.context["form"].errors["reason_code"]
    assert (DescriptorMapping.objects.count(), ChangeRecord.objects.count()) == before
    assert not DescriptorMapping.objects.filter(descriptor="ILL").exists()


def test_a_missing_descriptor_is_a_form_error(world):
    response = client_for(world, "data_steward").post(URL, {"descriptor": "", "category": "excused"})
    assert response.status_code == 400
    assert response.context["form"].errors["descriptor"]


@pytest.mark.parametrize("role", ["ppw", "school_admin", "school_staff", "auditor", "supervisor"])
def test_others_can_neither_see_nor_change_it(world, role):
    client = client_for(world, role)
    assert client.get(URL).status_code == 404
    response = client.post(URL, {"descriptor": "ILL", "category": "excused"})
    assert response.status_code == 404
    assert not DescriptorMapping.objects.filter(descriptor="ILL").exists()


def test_the_import_page_links_to_it(world):
    page = client_for(world, "data_steward").get(reverse("imports:runs")).content.decode()
    assert f'href="{URL}"' in page
