"""The student profile page: what it shows, to whom, and at what cost."""

from __future__ import annotations

import datetime

import pytest

from casework.audit.models import AccessLog
from casework.core.testing import factories as f
from casework.students import services as st

D = datetime.date


@pytest.fixture
def family(world):
    """Student A with a household (two addresses), a sibling, and a no-contact parent living elsewhere."""
    h = st.household_create(actor=None, label="García household", phone="301-555-0142")
    st.household_move(actor=None, household=h, moved_on=D(2022, 7, 1), street="12 Elm St", city="Rockville",
                      postal_code="20850")
    st.household_move(actor=None, household=h, moved_on=D(2025, 2, 1), street="40 Oak Ave", unit="Apt 3",
                      city="Wheaton", postal_code="20902", address_type="shelter")
    st.student_update(actor=None, student=world.student_a, household=h, preferred_name="Pepe")
    sibling = f.student(school=world.school_a, first_name="Lucía", last_name="García", grade="02")
    st.student_update(actor=None, student=sibling, household=h)
    elsewhere = st.household_create(actor=None)
    f.guardian(student=world.student_a, relationship="father", first_name="Carlos", last_name="García",
               household=elsewhere, no_contact=True)
    return h


def test_profile_shows_the_record(world, family, client):
    client.force_login(world.user("ppw"))
    response = client.get(f"/students/{world.student_a.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "García, José",  # header
        "Pepe",  # preferred name
        "ID 100001",
        "05/17/2014",  # date of birth, US format
        "Pat Guardian",  # the grandmother from the world fixture
        "Legal custody",
        "Carlos García",
        "Do not contact",
        "Lives at another address.",
        "40 Oak Ave Apt 3, Wheaton, MD 20902 (Shelter)",  # current address
        "Address history (2)",
        "01/31/2025",  # the old address closed the day before the move
        "Lucía García",  # sibling
        "Alpha Elementary",
        "08/25/2025",  # entry date
    ]:
        assert text in body, text


def test_profile_query_count_does_not_grow_with_the_family(world, family, client, django_assert_num_queries):
    client.force_login(world.user("ppw"))
    client.get(f"/students/{world.student_a.pk}/")  # warm the session
    with django_assert_num_queries(13):  # 12, and the "Attendance this year" card's one
        client.get(f"/students/{world.student_a.pk}/")
    for n in range(5):
        f.guardian(student=world.student_a, first_name=f"Extra{n}", relationship="other")
        f.enrollment(student=world.student_a, school=f.school(), entry_date=D(2024, 1, 2 + n))
    with django_assert_num_queries(13):
        body = client.get(f"/students/{world.student_a.pk}/").content.decode()
    assert "Extra4" in body


def test_purpose_is_cut_to_200_characters(world, client):
    client.force_login(world.user("ppw"))
    client.get(f"/students/{world.student_a.pk}/", {"purpose": "p" * 500})
    assert len(AccessLog.objects.get().purpose) == 200


def test_profile_without_purpose_logs_an_empty_purpose(world, client):
    client.force_login(world.user("director"))
    client.get(f"/students/{world.student_b.pk}/")
    entry = AccessLog.objects.get()
    assert (entry.student_id, entry.purpose, entry.actor_label) == (world.student_b.pk, "", "t-director")


def test_each_opening_is_logged(world, client):
    client.force_login(world.user("ppw"))
    for _ in range(3):
        client.get(f"/students/{world.student_a.pk}/")
    assert AccessLog.objects.filter(student=world.student_a).count() == 3


def test_anonymous_is_sent_to_sign_in_and_nothing_is_logged(world, client):
    response = client.get(f"/students/{world.student_a.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/students/{world.student_a.pk}/"
    assert AccessLog.objects.count() == 0


def test_roles_without_student_view_get_404_and_no_log(world, client):
    for role in ("school_staff", "auditor", "none"):
        client.force_login(world.user(role))
        assert client.get(f"/students/{world.student_a.pk}/").status_code == 404
    assert AccessLog.objects.count() == 0


def test_access_log_lists_only_this_student(world, client):
    ppw_client = type(client)()
    ppw_client.force_login(world.user("ppw"))
    ppw_client.get(f"/students/{world.student_a.pk}/", {"purpose": "attendance conference"})
    director = type(client)()
    director.force_login(world.user("director"))
    director.get(f"/students/{world.student_b.pk}/", {"purpose": "records request"})
    client.force_login(world.user("auditor"))
    body = client.get(f"/students/{world.student_b.pk}/access/").content.decode()
    assert "records request" in body
    assert "attendance conference" not in body
    assert "t-ppw" not in body


def test_empty_access_log_says_so(world, client):
    client.force_login(world.user("auditor"))
    body = client.get(f"/students/{world.student_a.pk}/access/").content.decode()
    assert "Nobody has opened this record yet." in body


def test_household_lists_only_children_the_user_may_see(world, client):
    """A PPW of school A sees the sibling at school A, not the child of school B sharing the address."""
    home = st.household_create(actor=None, label="Shared address")
    sibling = f.student(school=world.school_a, first_name="Marisol", last_name="García")
    for kid in (world.student_a, world.student_b, sibling):
        st.student_update(actor=None, student=kid, household=home)
    client.force_login(world.user("ppw"))
    page = client.get(f"/students/{world.student_a.pk}/").content.decode()
    assert "Marisol García" in page
    assert "Nguyễn" not in page
    client.force_login(world.user("director"))
    page = client.get(f"/students/{world.student_a.pk}/").content.decode()
    assert "Marisol García" in page and "Zoë Nguyễn" in page
