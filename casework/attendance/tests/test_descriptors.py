"""The descriptor mapping table: shipped Ed-Fi defaults, district edits, resolving what a SIS sends."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.attendance import services as att
from casework.attendance.models import DescriptorMapping
from casework.attendance.selectors import DescriptorResolver, descriptor_resolver
from casework.audit.models import ChangeRecord

pytestmark = pytest.mark.django_db
URI = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#"


def test_ed_fi_defaults_are_seeded():
    seeded = dict(DescriptorMapping.objects.filter(shipped=True).values_list("descriptor", "category"))
    assert seeded == {
        f"{URI}In Attendance": "present",
        f"{URI}Present": "present",
        f"{URI}Excused Absence": "excused",
        f"{URI}Unexcused Absence": "unexcused",
        f"{URI}Tardy": "tardy",
        f"{URI}Early departure": "early_departure",
        f"{URI}Partial": "partial",
    }


def test_resolver_matches_uri_code_value_and_case():
    resolve = descriptor_resolver()
    assert resolve(f"{URI}Tardy") == ("tardy", None)
    assert resolve("Tardy") == ("tardy", None)
    assert resolve(" unexcused absence ") == ("unexcused", None)
    assert resolve("uri://district.example.org/AttendanceEventCategoryDescriptor#Excused Absence") == ("excused", None)
    assert resolve("XYZ") is None


def test_district_adds_a_local_code_with_a_reason(django_assert_num_queries):
    m = att.descriptor_mapping_set(actor=None, descriptor="ILL", category="excused", reason_code="b",
                                   notes="SIS code for illness")
    assert (m.category, m.reason_code, m.shipped) == ("excused", "B", False)
    resolve = descriptor_resolver()
    with django_assert_num_queries(0):
        assert resolve("ILL") == ("excused", "B")
        assert resolve("ill") == ("excused", "B")


def test_district_edits_a_shipped_mapping_and_it_is_audited():
    att.descriptor_mapping_set(actor=None, descriptor=f"{URI}Partial", category="early_departure")
    assert descriptor_resolver()("Partial") == ("early_departure", None)
    rec = ChangeRecord.objects.filter(content_type__model="descriptormapping", action="update").get()
    assert rec.after == {"category": "early_departure", "notes": ""}


def test_mapping_refuses_unknown_category_and_blank_descriptor():
    with pytest.raises(ValidationError):
        att.descriptor_mapping_set(actor=None, descriptor="X", category="vacation")
    with pytest.raises(ValidationError) as info:
        att.descriptor_mapping_set(actor=None, descriptor="  ", category="excused")
    assert info.value.message_dict == {"descriptor": ["Give the descriptor URI or the local code."]}


def test_resolver_prefers_an_exact_match():
    resolve = DescriptorResolver({"uri://a#Tardy": ("tardy", None), "uri://b#Tardy": ("excused", "J")})
    assert resolve("uri://b#Tardy") == ("excused", "J")
    assert resolve("Tardy") == ("tardy", None)  # by code value: the first in sorted order


@pytest.mark.parametrize("code", ["Z", "K", "PP-OTHER"])
def test_a_reason_no_rule_set_knows_is_refused(code):
    with pytest.raises(ValidationError) as info:
        att.descriptor_mapping_set(actor=None, descriptor="ILL", category="excused", reason_code=code)
    [message] = info.value.message_dict["reason_code"]
    assert message.startswith(f"Unknown reason code {code!r}: an absence is lawful only by a reason of the rule set")
    assert "A, B, C, D, E, F, G, H, I, J, PP-BIRTH, PP-PRENATAL, PP-CHILD, PP-LEGAL, PP-LACTATION" in message
    assert not DescriptorMapping.objects.filter(descriptor="ILL").exists()


def test_statutory_reasons_and_a_district_code_of_a_rule_set_are_accepted():
    from casework.rules import services as rules
    from casework.rules.selectors import default_in_force

    assert att.descriptor_mapping_set(actor=None, descriptor="PG", category="excused",
                                      reason_code="pp-child").reason_code == "PP-CHILD"
    with pytest.raises(ValidationError):
        att.descriptor_mapping_set(actor=None, descriptor="LOC", category="excused", reason_code="L")
    default = default_in_force(datetime.date(2026, 9, 1))
    district = rules.ruleset_copy(actor=None, source=default, name="District", version="1",
                                  effective_from=datetime.date(2026, 9, 1))
    reasons = [*district.value("lawful_reasons"), {"code": "L", "label": "L. Local: college visit"}]
    rules.ruleset_update(actor=None, ruleset=district, values={"lawful_reasons": reasons})
    assert att.descriptor_mapping_set(actor=None, descriptor="LOC", category="excused",
                                      reason_code="L").reason_code == "L"
