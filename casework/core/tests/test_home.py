"""The home page offers each role what it can do: search for record readers, a referral for school staff."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def home(world, role: str) -> str:
    client = Client()
    client.force_login(world.user(role))
    return client.get("/").content.decode()


def test_teacher_is_offered_a_referral_not_a_search(world):
    page = home(world, "school_staff")
    assert 'href="/referrals/new/"' in page and "Refer a student" in page
    assert 'id="home-q"' not in page and "no student caseload" not in page


def test_principal_gets_search_and_referral(world):
    page = home(world, "school_admin")
    assert 'id="home-q"' in page and 'href="/referrals/new/"' in page


def test_auditor_gets_neither(world):
    page = home(world, "auditor")
    assert 'id="home-q"' not in page and 'href="/referrals/new/"' not in page
    assert "Use the menu above" in page
