"""The committed OpenAPI schema (docs/openapi.yaml) is the API's contract: it must be what the code
generates now, on SQLite and PostgreSQL alike, and the live copy is public."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml"
REGENERATE = "uv run python manage.py spectacular --file docs/openapi.yaml"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    # --validate checks it against the OpenAPI 3 meta-schema; --fail-on-warn refuses guessed types.
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    return target.read_text(encoding="utf-8")


def test_committed_schema_is_current(generated):
    assert COMMITTED.exists(), f"docs/openapi.yaml is missing; create it with: {REGENERATE}"
    committed = COMMITTED.read_text(encoding="utf-8")
    if committed != generated:
        diff = "".join(difflib.unified_diff(committed.splitlines(True), generated.splitlines(True),
                                            "docs/openapi.yaml (committed)", "generated now", n=2))
        lines = diff.splitlines()
        shown = "\n".join(lines[:80]) + (f"\n... {len(lines) - 80} more diff lines" if len(lines) > 80 else "")
        pytest.fail(f"docs/openapi.yaml is out of date with the API. Regenerate it and commit the result:\n\n"
                    f"    {REGENERATE}\n\n{shown}", pytrace=False)


def test_schema_documents_every_endpoint(generated):
    schema = yaml.safe_load(generated)
    assert {path: sorted(ops) for path, ops in schema["paths"].items()} == {
        "/api/v1/audit/access/": ["get"],
        "/api/v1/audit/access/{id}/": ["get"],
        "/api/v1/case-events/": ["get"],
        "/api/v1/case-events/{id}/": ["get"],
        "/api/v1/cases/": ["get"],
        "/api/v1/cases/{id}/": ["get"],
        "/api/v1/cases/{id}/status/": ["post"],
        "/api/v1/contacts/": ["get", "post"],
        "/api/v1/contacts/{id}/": ["get"],
        "/api/v1/documents/": ["get"],
        "/api/v1/documents/{id}/": ["get"],
        "/api/v1/hearings/": ["get"],
        "/api/v1/hearings/{id}/": ["get"],
        "/api/v1/ladder-steps/": ["get"],
        "/api/v1/ladder-steps/{id}/": ["get"],
        "/api/v1/letters/": ["get"],
        "/api/v1/letters/{id}/": ["get"],
        "/api/v1/plans/": ["get"],
        "/api/v1/plans/{id}/": ["get"],
        "/api/v1/referrals/": ["get", "post"],
        "/api/v1/referrals/{id}/": ["get"],
        "/api/v1/schools/": ["get"],
        "/api/v1/schools/{code}/": ["get"],
        "/api/v1/students/": ["get"],
        "/api/v1/students/{id}/": ["get"],
        "/api/v1/tasks/": ["get"],
        "/api/v1/tasks/{id}/": ["get"],
        "/api/v1/tasks/{id}/complete/": ["post"],
    }
    student_list = schema["paths"]["/api/v1/students/"]["get"]
    assert {p["name"] for p in student_list["parameters"]} == {"q", "school", "page", "page_size"}
    assert {p["name"] for p in schema["paths"]["/api/v1/students/{id}/"]["get"]["parameters"]} == {"id", "purpose"}
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    # Every operation says what it does (no inherited base-class docstring).
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert op.get("description") and "Declare `model`" not in op["description"], (method, path)


def test_schema_does_not_depend_on_the_database(generated):
    """Django takes integer bounds from the connection; the schema uses the portable ones."""
    schema = yaml.safe_load(generated)["components"]["schemas"]
    assert schema["StudentDetail"]["properties"]["version"]["maximum"] == 2147483647
    assert schema["GuardianLink"]["properties"]["contact_order"]["maximum"] == 32767
    assert "int64" not in generated


@pytest.mark.django_db
def test_live_schema_is_public_and_matches_the_committed_one():
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == yaml.safe_load(COMMITTED.read_text(encoding="utf-8")), (
        f"the served schema differs from docs/openapi.yaml; regenerate it: {REGENERATE}")
    as_json = Client().get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200
    assert as_json.json()["info"]["title"] == "Casework API"
