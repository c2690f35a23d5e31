"""`casework createuser` and `casework token`, plus the account services behind them."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from casework.accounts import services as accounts
from casework.accounts.models import ApiToken, RoleAssignment, User
from casework.audit.models import ChangeRecord
from casework.core import policy
from casework.core.testing import factories as f

GOOD_PW = "long-enough-unusual-9173"
pytestmark = pytest.mark.django_db


def createuser(*args, **opts) -> str:
    out = StringIO()
    call_command("createuser", *args, stdout=out, **opts)
    return out.getvalue()


def token(*args, **opts) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out, **opts)
    return out.getvalue()


# --- createuser ---------------------------------------------------------------------------------------


def test_createuser_with_school_prints_one_line():
    f.school(code="A100")
    f.school(code="B200")
    out = createuser("newppw", role="ppw", school=["A100", "B200"], password=GOOD_PW, first_name="Lee")
    assert out == "Created newppw: Pupil personnel worker (A100, B200)\n"
    user = User.objects.get(username="newppw")
    assert user.first_name == "Lee"
    assert user.check_password(GOOD_PW)
    assert sorted(RoleAssignment.objects.filter(user=user).values_list("role", "school__code")) == [
        ("ppw", "A100"), ("ppw", "B200")]
    assignment_ids = {str(pk) for pk in RoleAssignment.objects.filter(user=user).values_list("pk", flat=True)}
    records = ChangeRecord.objects.filter(source="cli", actor=None, action="create")
    assert records.filter(content_type__model="user", object_id=str(user.pk)).count() == 1
    assert set(records.filter(content_type__model="roleassignment").values_list("object_id", flat=True)) \
        == assignment_ids


def test_createuser_district_wide_role():
    assert createuser("boss", role="director", password=GOOD_PW) == "Created boss: PPS director (district-wide)\n"
    assert policy.grants(User.objects.get(username="boss")) == {"director": None}


def test_createuser_school_role_without_school_is_a_clear_error():
    with pytest.raises(CommandError) as info:
        createuser("newppw", role="ppw", password=GOOD_PW)
    assert str(info.value) == "The Pupil personnel worker role needs at least one school."
    assert not User.objects.filter(username="newppw").exists()  # the user is not left without a role


def test_createuser_unknown_school_code_is_a_clear_error():
    f.school(code="A100")
    with pytest.raises(CommandError) as info:
        createuser("newppw", role="ppw", school=["A100", "ZZ99", "QQ11"], password=GOOD_PW)
    assert str(info.value) == "No school with code: QQ11, ZZ99"
    assert not User.objects.filter(username="newppw").exists()


def test_createuser_weak_password_is_refused():
    with pytest.raises(CommandError) as info:
        createuser("boss", role="director", password="short")
    assert "This password is too short. It must contain at least 10 characters." in str(info.value)
    assert not User.objects.filter(username="boss").exists()


def test_createuser_duplicate_username_is_refused_whatever_the_case():
    f.user(username="taken")
    with pytest.raises(CommandError) as info:
        createuser("TAKEN", role="director", password=GOOD_PW)
    assert str(info.value) == "A user named 'TAKEN' already exists."


def test_createuser_unknown_role_is_refused():
    with pytest.raises(CommandError):
        createuser("x", role="wizard", password=GOOD_PW)


def test_createuser_prompts_twice_and_refuses_a_mismatch(monkeypatch):
    answers = iter(["first-password-123", "other-password-456"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError) as info:
        createuser("boss", role="director")
    assert str(info.value) == "The passwords did not match."
    assert not User.objects.filter(username="boss").exists()


def test_createuser_prompted_password_is_used(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": GOOD_PW)
    createuser("boss", role="director")
    assert User.objects.get(username="boss").check_password(GOOD_PW)


def test_created_user_can_sign_in():
    f.school(code="A100")
    createuser("newppw", role="ppw", school=["A100"], password=GOOD_PW)
    client = Client()
    assert client.post("/accounts/login/", {"username": "newppw", "password": GOOD_PW}).status_code == 302


# --- token --------------------------------------------------------------------------------------------


def test_token_prints_a_working_token(world):
    key = token("t-ppw", name="laptop").strip()
    assert len(key) >= 40
    stored = ApiToken.objects.get(user=world.user("ppw"))
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert stored.prefix == key[:8]
    assert stored.name == "laptop"
    client = Client()
    ok = client.get(f"/api/v1/students/{world.student_a.pk}/", headers={"Authorization": f"Token {key}"})
    assert ok.status_code == 200
    assert ok.json()["district_id"] == "100001"
    # Scope still applies to a token user: student B is at another school.
    out = client.get(f"/api/v1/students/{world.student_b.pk}/", headers={"Authorization": f"Token {key}"})
    assert out.status_code == 404
    bearer = client.get("/api/v1/schools/", headers={"Authorization": f"Bearer {key}"})
    assert bearer.status_code == 200


def test_wrong_and_revoked_tokens_are_refused(world):
    key = token("t-ppw").strip()
    client = Client()
    assert client.get("/api/v1/schools/", headers={"Authorization": f"Token {key}x"}).status_code == 401
    accounts.token_revoke(actor=None, token=ApiToken.objects.get(user=world.user("ppw")))
    assert client.get("/api/v1/schools/", headers={"Authorization": f"Token {key}"}).status_code == 401


def test_token_of_a_deactivated_user_stops_working(world):
    key = token("t-ppw").strip()
    User.objects.filter(username="t-ppw").update(is_active=False)
    assert Client().get("/api/v1/schools/", headers={"Authorization": f"Token {key}"}).status_code == 401


def test_token_unknown_user_is_a_command_error(db):
    with pytest.raises(CommandError) as info:
        token("nobody")
    assert str(info.value) == "No active user named 'nobody'."
    assert not ApiToken.objects.exists()


def test_token_inactive_user_is_a_command_error(db):
    u = f.user(username="gone")
    u.is_active = False
    u.save()
    with pytest.raises(CommandError):
        token("gone")


def test_each_token_is_new():
    u = f.user(username="two-tokens")
    a = accounts.token_issue(actor=None, user=u)
    b = accounts.token_issue(actor=None, user=u)
    assert a != b
    assert ApiToken.objects.filter(user=u).count() == 2


# --- services ---------------------------------------------------------------------------------------


def test_role_assign_unknown_role_is_refused():
    u = f.user(username="r")
    with pytest.raises(ValidationError) as info:
        accounts.role_assign(actor=None, user=u, role="wizard")
    assert info.value.message_dict["role"][0].startswith("Unknown role 'wizard'. Roles: director, supervisor")


def test_role_assign_refreshes_cached_grants():
    school = f.school()
    u = f.user(username="grows")
    assert policy.grants(u) == {}
    accounts.role_assign(actor=None, user=u, role="ppw", schools=[school])
    assert policy.grants(u) == {"ppw": {school.pk}}


def test_user_without_password_cannot_sign_in():
    u = accounts.user_create(actor=None, username="sso-only", password=None)
    assert not u.has_usable_password()
    client = Client()
    assert client.post("/accounts/login/", {"username": "sso-only", "password": ""}).status_code == 200
    assert "_auth_user_id" not in client.session
