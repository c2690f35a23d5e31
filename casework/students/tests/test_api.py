"""/api/v1/students/: personal tokens, search, one record (and its access-log entry), bad input."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from casework.accounts.models import ApiToken
from casework.accounts.services import token_revoke
from casework.audit.models import AccessLog
from casework.students import services as st

LIST = "/api/v1/students/"


def detail(pk) -> str:
    return f"/api/v1/students/{pk}/"


def issue(username: str) -> str:
    out = StringIO()
    call_command("token", username, stdout=out)
    return out.getvalue().strip()


def api(world, role: str, keyword: str = "Token") -> Client:
    return Client(headers={"Authorization": f"{keyword} {issue(world.user(role).username)}"})


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["district_id"] for row in response.json()["results"]]


# --- tokens ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "token", "bearer"])
def test_token_from_the_command_opens_the_api(world, keyword):
    key = issue("t-ppw")
    assert len(key) >= 40 and "\n" not in key
    response = Client(headers={"Authorization": f"{keyword} {key}"}).get(LIST)
    assert response.status_code == 200
    assert [row["district_id"] for row in response.json()["results"]] == ["100001"]


def test_token_command_stores_only_a_hash(world):
    key = issue("t-director")
    token = ApiToken.objects.get(user=world.user("director"))
    assert token.key_hash == ApiToken.hash(key) and key not in token.key_hash
    assert token.prefix == key[:8]


def test_token_command_refuses_an_unknown_user(world):
    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "nobody", stdout=StringIO())


@pytest.mark.parametrize(
    "header",
    [
        "Token not-a-real-token",
        "Bearer not-a-real-token",
        "Token",
        "Token a b",
        "Bearer ",
    ],
)
def test_bad_token_is_401(world, header):
    response = Client(headers={"Authorization": header}).get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_revoked_token_is_401(world):
    key = issue("t-director")
    client = Client(headers={"Authorization": f"Token {key}"})
    assert client.get(LIST).status_code == 200
    token_revoke(actor=None, token=ApiToken.objects.get(key_hash=ApiToken.hash(key)))
    response = client.get(LIST)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked token."}


def test_token_of_a_deactivated_user_is_401(world):
    client = api(world, "director")
    user = world.user("director")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(LIST).status_code == 401


def test_no_credentials_is_401(world):
    response = Client().get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_without_a_role_sees_nothing(world):
    assert api(world, "none").get(LIST).status_code == 404
    assert api(world, "none").get(detail(world.student_a.pk)).status_code == 404


# --- search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["garcia", "GARCÍA", "García", "jose garc", "JOSÉ", "garc jose", "100001", "1000"])
def test_search_ignores_accents_and_case(world, q):
    assert ids(api(world, "ppw").get(LIST, {"school": "A100", "q": q})) == ["100001"]


@pytest.mark.parametrize("q", ["arcia", "garcia xy", "jose nguyen", "100002"])
def test_search_terms_must_all_start_a_word(world, q):
    assert ids(api(world, "director").get(LIST, {"q": q})) == []


def test_search_finds_accented_names_from_plain_text(world):
    assert ids(api(world, "director").get(LIST, {"q": "zoe nguyen"})) == ["200002"]
    assert ids(api(world, "director").get(LIST, {"q": "ZOË"})) == ["200002"]


def test_school_filter(world):
    client = api(world, "director")
    assert ids(client.get(LIST, {"school": "A100"})) == ["100001"]
    assert ids(client.get(LIST, {"school": "B200"})) == ["200002"]
    assert ids(client.get(LIST, {"school": "B200", "q": "garcia"})) == []
    assert ids(client.get(LIST)) == ["100001", "200002"]  # by last name: García, Nguyễn


def test_school_filter_never_widens_scope(world):
    """B200 is a real school (directory facts are public), but the PPW has no students there."""
    client = api(world, "ppw")
    assert ids(client.get(LIST, {"school": "B200"})) == []
    assert ids(client.get(LIST, {"school": "B200", "q": "nguyen"})) == []
    assert ids(client.get(LIST, {"q": "nguyen"})) == []


def test_school_filter_leaves_out_students_who_left(world):
    st.enrollment_exit(actor=None, enrollment=world.student_a.enrollments.get(), exit_date=datetime.date(2025, 9, 30))
    assert ids(api(world, "director").get(LIST, {"school": "A100"})) == []


def test_unknown_school_is_400_with_a_message(world):
    response = api(world, "director").get(LIST, {"school": "Z999"})
    assert response.status_code == 400
    assert response.json() == {"school": "No school has the code 'Z999'."}


def test_query_longer_than_100_characters_is_400(world):
    client = api(world, "director")
    assert client.get(LIST, {"q": "a" * 100}).status_code == 200
    response = client.get(LIST, {"q": "a" * 101})
    assert response.status_code == 400
    assert response.json() == {"q": "Search text is limited to 100 characters."}


def test_list_is_paginated_and_shows_no_more_than_a_result_needs(world):
    body = api(world, "director").get(LIST, {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]
    assert set(body["results"][0]) == {"id", "district_id", "first_name", "last_name", "preferred_name", "grade",
                                       "date_of_birth"}


def test_listing_writes_no_access_log(world):
    api(world, "director").get(LIST, {"q": "garcia"})
    assert AccessLog.objects.count() == 0


# --- one record ----------------------------------------------------------------------------------------


def test_detail_returns_the_record_with_guardians_household_and_enrollments(world):
    household = st.household_create(actor=None, label="García household", phone="301-555-0199")
    st.household_move(actor=None, household=household, moved_on=datetime.date(2024, 7, 1), street="12 Elm St",
                      city="Rockville", postal_code="20850")
    st.student_update(actor=None, student=world.student_a, household=household)

    response = api(world, "ppw").get(detail(world.student_a.pk))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["district_id"], body["first_name"], body["last_name"]) == (
        world.student_a.pk, "100001", "José", "García")
    assert [(g["relationship"], g["has_custody"], g["lives_with"], g["guardian"]["first_name"],
             g["guardian"]["phone"]) for g in body["guardians"]] == [("grandmother", True, True, "Pat", "301-555-0100")]
    assert [(e["school_code"], e["school_name"], e["entry_date"], e["exit_date"]) for e in body["enrollments"]] == [
        ("A100", "Alpha Elementary", "2025-08-25", None)]
    assert body["household"]["label"] == "García household"
    assert [(a["street"], a["city"], a["postal_code"], a["start_date"], a["end_date"])
            for a in body["household"]["addresses"]] == [("12 Elm St", "Rockville", "20850", "2024-07-01", None)]


def test_detail_without_household_says_null(world):
    body = api(world, "director").get(detail(world.student_b.pk)).json()
    assert body["household"] is None and body["guardians"] == []


def test_opening_a_record_writes_one_access_log_entry(world, settings):
    settings.BEHIND_PROXY = True  # the proxy's request id is kept in the audit row
    response = api(world, "ppw").get(detail(world.student_a.pk), {"purpose": "attendance conference"},
                                     headers={"X-Request-ID": "req-abc-12345"})
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert entry.student_id == world.student_a.pk
    assert entry.actor == world.user("ppw") and entry.actor_label == "t-ppw"
    assert (entry.action, entry.source, entry.purpose) == ("api", "api", "attendance conference")
    assert entry.request_id == "req-abc-12345"


def test_opening_a_record_through_the_session_is_logged_too(world):
    client = Client()
    client.force_login(world.user("director"))
    assert client.get(detail(world.student_b.pk)).status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.student_id, entry.actor_label, entry.action, entry.source, entry.purpose) == (
        world.student_b.pk, "t-director", "api", "api", "")


def test_long_purpose_is_cut_to_the_column(world):
    assert api(world, "director").get(detail(world.student_a.pk), {"purpose": "x" * 500}).status_code == 200
    assert AccessLog.objects.get().purpose == "x" * 200


@pytest.mark.parametrize("role", ["ppw", "school_admin"])
def test_out_of_scope_record_is_404_and_not_logged(world, role):
    response = api(world, role).get(detail(world.student_b.pk), {"purpose": "curious"})
    assert response.status_code == 404
    assert "Nguy" not in response.content.decode() and "200002" not in response.content.decode()
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("role", ["school_staff", "auditor", "none"])
def test_roles_without_student_records_get_404_and_no_log(world, role):
    assert api(world, role).get(detail(world.student_a.pk)).status_code == 404
    assert AccessLog.objects.count() == 0


def test_missing_record_is_404_like_a_hidden_one(world):
    client = api(world, "ppw")
    missing = client.get(detail(world.student_b.pk + 1000))
    hidden = client.get(detail(world.student_b.pk))
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


@pytest.mark.parametrize("pk", ["abc", "1e3", "-1", "0", "%20", "99999999999999999999999"])
def test_non_numeric_or_impossible_id_is_404_not_500(world, pk):
    response = api(world, "director").get(f"{LIST}{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert AccessLog.objects.count() == 0


# --- read-only ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("body", ['{"first_name": "Hacked"}', "{not json", ""])
def test_writes_are_405_never_500(world, method, body):
    client = api(world, "director")
    for url in (LIST, detail(world.student_a.pk)):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 405, (method, url, response.content)
        assert "detail" in response.json()
    world.student_a.refresh_from_db()
    assert world.student_a.first_name == "José"


def test_writes_by_a_role_without_access_are_404(world):
    response = api(world, "school_staff").post(LIST, "{}", content_type="application/json")
    assert response.status_code == 404
    assert Client().post(LIST, "{}", content_type="application/json").status_code == 401


@pytest.mark.parametrize("q", ["%", "-", "😀", "¿?"])
def test_a_search_of_symbols_only_matches_nothing(world, q):
    response = api(world, "director").get(LIST, {"q": q})
    assert response.status_code == 200
    assert ids(response) == []
