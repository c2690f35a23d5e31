"""Rule sets in the database: the shipped default, validation, copying, tightening (never loosening),
which rule set is in force on a date, audit rows and permissions."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from casework.accounts.models import User
from casework.audit.models import ChangeRecord
from casework.core import policy
from casework.core.errors import ConflictError
from casework.rules import services as rs
from casework.rules.engine import EnrollmentSpan, compute
from casework.rules.models import RuleSet

from .helpers import CALENDAR, absent, day, periods

D = datetime.date
pytestmark = pytest.mark.django_db


def default() -> RuleSet:
    return RuleSet.objects.get(name="Maryland default", rule_version="2026.2")


JULY_2025 = D(2025, 7, 1)


def district(version="2026-A", effective_from=JULY_2025, source=None) -> RuleSet:
    return rs.ruleset_copy(actor=None, source=source or default(), name="Example County", version=version,
                           effective_from=effective_from)


def messages(info) -> str:
    return " ".join(info.value.messages)


# --- the shipped default ------------------------------------------------------------------------------


def test_shipped_default_values():
    md = default()
    assert (md.is_default, md.jurisdiction, md.effective_from, md.based_on) == (True, "MD", D(2017, 7, 1), None)
    assert md.label == "Maryland default (version 2026.2)"
    assert md.value("full_day_minutes") == 240 and md.value("half_day_minutes") == 120
    assert md.value("school_day_minutes") == 360  # Educ. Art. 7-103: 1,080 hours over 180 days
    assert md.value("chronic_absence_rate") == 0.10 and md.value("chronic_min_days_enrolled") == 10
    assert md.value("habitual_truant_rate") == 0.20
    assert md.value("habitual_truant_period_kinds") == ["quarter", "marking_period", "semester", "year"]
    assert md.value("truant_day_limits") == {"quarter": 8, "semester": 15, "year": 20}
    assert [(b["name"], b["min_absence_rate"]) for b in md.value("attendance_bands")] == [
        ("satisfactory", 0.0), ("at_risk", 0.05), ("moderate_chronic", 0.10), ("severe_chronic", 0.20)]
    assert md.value("abc_attendance_rate_below") == 0.90 and md.value("abc_min_suspensions") == 1
    assert md.value("tardies_per_unlawful_absence") is None
    codes = [r["code"] for r in md.value("lawful_reasons")]
    assert codes[:10] == list("ABCDEFGHIJ")
    assert {"PP-BIRTH", "PP-PRENATAL", "PP-CHILD", "PP-LEGAL", "PP-LACTATION"} <= set(codes)
    assert md.value("suspension_reason_code") == "H"
    # Every rule cites its source.
    assert all(entry["source"].strip() for entry in md.values.values())
    assert "COMAR 13A.08.01.04C" in md.values["habitual_truant_rate"]["source"]
    assert "7-302.2" in md.values["truant_day_limits"]["source"]
    md.full_clean()  # the shipped values pass their own validation


def test_shipped_default_as_engine_rules():
    rules = default().rules()
    assert rules.habitual_truant_rate == Fraction(1, 5) and rules.chronic_absence_rate == Fraction(1, 10)
    assert rules.label == "Maryland default (version 2026.2)"


# --- validation ---------------------------------------------------------------------------------------


def _with(**changes):
    values = default().values
    for key, v in changes.items():
        values[key] = {**values[key], "value": v}
    return RuleSet(name="X", rule_version="1", effective_from=D(2025, 7, 1), values=values)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"habitual_truant_rate": 0}, "habitual_truant_rate: A rate must be a number above 0 and at most 1"),
    ({"chronic_absence_rate": 1.5}, "chronic_absence_rate: A rate must be a number above 0 and at most 1"),
    ({"abc_attendance_rate_below": "90%"}, "abc_attendance_rate_below: A rate must be"),
    ({"chronic_min_days_enrolled": 0}, "chronic_min_days_enrolled: Must be a whole number of at least 1"),
    ({"chronic_min_days_enrolled": True}, "chronic_min_days_enrolled: Must be a whole number"),
    ({"chronic_min_days_enrolled": 9.5}, "chronic_min_days_enrolled: Must be a whole number"),
    ({"half_day_minutes": 240}, "Half-day minutes (240) must be fewer than full-day minutes (240)"),
    ({"full_day_minutes": 2000}, "full_day_minutes: Minutes must be a whole number from 1 to 1440"),
    ({"truant_day_limits": {"quarter": 0}}, "The quarter limit must be a whole number of days of at least 1"),
    ({"truant_day_limits": {"fortnight": 3}}, "Unknown period kind 'fortnight'"),
    ({"habitual_truant_period_kinds": ["decade"]}, "habitual_truant_period_kinds: List the period kinds"),
    ({"suspension_reason_code": "Z"}, "The suspension reason 'Z' must be one of the lawful reason codes"),
    ({"lawful_reasons": [{"code": "A", "label": "x"}, {"code": "A", "label": "y"}]}, "repeated: A"),
    # Imports upper-case the SIS's code: a lower-case or spaced code in the set could never match one.
    ({"lawful_reasons": [{"code": "H", "label": "x"}, {"code": "pp-child", "label": "y"}]},
     "Reason code 'pp-child': use capital letters, digits and hyphens"),
    ({"lawful_reasons": [{"code": "H", "label": "x"}, {"code": "L 2", "label": "y"}]}, "Reason code 'L 2'"),
    ({"tardies_per_unlawful_absence": 0}, "tardies_per_unlawful_absence: Leave empty"),
    ({"attendance_bands": [{"name": "a", "label": "A", "min_absence_rate": 0.0},
                           {"name": "b", "label": "B", "min_absence_rate": 0.2},
                           {"name": "c", "label": "C", "min_absence_rate": 0.1}]},
     "Band edges must ascend: 0%, 20%, 10%"),
    ({"attendance_bands": [{"name": "a", "label": "A", "min_absence_rate": 0.05}]}, "The first band must start at 0%"),
])
def test_clean_explains_bad_values(changes, expected):
    with pytest.raises(ValidationError) as info:
        _with(**changes).full_clean()
    assert expected in messages(info)


def test_clean_refuses_missing_unknown_and_uncited_rules():
    rs_ = _with()
    del rs_.values["half_day_minutes"]
    rs_.values["bogus"] = {"value": 1, "source": "x"}
    rs_.values["full_day_minutes"]["source"] = " "
    with pytest.raises(ValidationError) as info:
        rs_.full_clean()
    text = messages(info)
    assert "half_day_minutes: This rule is missing." in text
    assert "bogus: Unknown rule 'bogus'" in text
    assert "full_day_minutes: Cite the source of this rule" in text


# --- copy and update ----------------------------------------------------------------------------------


def test_copy_makes_an_audited_district_rule_set():
    copy = district()
    assert (copy.is_default, copy.based_on, copy.rule_version, copy.jurisdiction) == (False, default(), "2026-A", "MD")
    assert copy.values == default().values
    record = ChangeRecord.objects.get(object_id=str(copy.pk), content_type__model="ruleset")
    assert record.action == ChangeRecord.Action.CREATE
    assert record.after["rule_version"] == "2026-A"


def test_copy_needs_a_new_name_and_version():
    district()
    with pytest.raises(ValidationError, match="already has version 2026-A"):
        district()
    with pytest.raises(ValidationError, match="name and a version"):
        rs.ruleset_copy(actor=None, source=default(), name=" ", version="1", effective_from=D(2025, 7, 1))


def test_tightening_habitual_truancy_to_fifteen_percent():
    copy = district()
    updated = rs.ruleset_update(actor=None, ruleset=copy, values={"habitual_truant_rate": 0.15})
    assert updated.value("habitual_truant_rate") == 0.15 and updated.version == 2
    source = updated.values["habitual_truant_rate"]["source"]
    assert source.startswith("District rule in Example County (version 2026-A), tightening: COMAR 13A.08.01.04C")
    record = ChangeRecord.objects.filter(object_id=str(copy.pk), action=ChangeRecord.Action.UPDATE).get()
    assert record.before["values"]["habitual_truant_rate"]["value"] == 0.2
    assert record.after["values"]["habitual_truant_rate"]["value"] == 0.15
    # The default is untouched.
    assert default().value("habitual_truant_rate") == 0.2


@pytest.mark.parametrize(("changes", "expected"), [
    ({"habitual_truant_rate": 0.25}, "25% is less strict than the law allows: Maryland default (version 2026.2) "
                                     "sets 20% and a district may only tighten it"),
    ({"chronic_absence_rate": 0.12}, "12% is less strict than the law allows"),
    ({"chronic_min_days_enrolled": 20}, "20 is less strict than the law allows"),
    ({"truant_day_limits": {"quarter": 9, "semester": 15, "year": 20}},
     "The quarter limit of 9 days is less strict than the law: Educ. Art. 7-302.2 sets more than 8 days"),
    ({"truant_day_limits": {"quarter": 8, "semester": 16, "year": 20}}, "The semester limit of 16 days"),
    ({"truant_day_limits": {"quarter": 8, "semester": 15}}, "The year limit is missing"),
    ({"full_day_minutes": 200}, "200 is less strict than the law allows: Maryland default (version 2026.2) sets "
                                "240 and a district may only tighten it (COMAR 13A.08.01.04C), so it cannot go below"),
    ({"half_day_minutes": 90}, "90 is less strict than the law allows"),
    ({"habitual_truant_period_kinds": ["quarter", "year"]}, "must still be checked in every marking_period, semester"),
    ({"suspension_reason_code": "J"}, "Suspension stays the lawful reason"),
])
def test_loosening_a_statutory_threshold_is_refused(changes, expected):
    copy = district()
    with pytest.raises(ValidationError) as info:
        rs.ruleset_update(actor=None, ruleset=copy, values=changes)
    assert expected in messages(info)
    copy.refresh_from_db()
    assert copy.version == 1 and copy.values == default().values


def test_removing_a_statutory_lawful_reason_is_refused_adding_one_is_allowed():
    copy = district()
    reasons = copy.value("lawful_reasons")
    with pytest.raises(ValidationError, match="Statutory lawful reasons cannot be removed: PP-LACTATION"):
        rs.ruleset_update(actor=None, ruleset=copy, values={"lawful_reasons": reasons[:-1]})
    local = {"code": "L-COLLEGE", "label": "Approved college visit", "source": "Board policy 5110"}
    updated = rs.ruleset_update(actor=None, ruleset=copy, values={"lawful_reasons": {
        "value": [*reasons, local], "source": "COMAR 13A.08.01.03 and Example County policy 5110"}})
    assert "L-COLLEGE" in updated.rules().lawful_reasons
    assert updated.values["lawful_reasons"]["source"] == "COMAR 13A.08.01.03 and Example County policy 5110"


@pytest.mark.parametrize("changes", [
    {"truant_day_limits": {"quarter": 7, "semester": 12, "year": 18}},
    {"full_day_minutes": 300, "half_day_minutes": 150},
    {"chronic_min_days_enrolled": 5, "chronic_absence_rate": 0.08},
    {"tardies_per_unlawful_absence": 3},
    {"attendance_bands": [{"name": "ok", "label": "OK", "min_absence_rate": 0.0},
                          {"name": "watch", "label": "Watch", "min_absence_rate": 0.04}]},
])
def test_tightening_and_local_choices_are_allowed(changes):
    updated = rs.ruleset_update(actor=None, ruleset=district(), values=changes)
    for key, v in changes.items():
        assert updated.value(key) == v


def test_invalid_update_is_refused_with_the_validation_message():
    copy = district()
    with pytest.raises(ValidationError, match="A rate must be a number above 0"):
        rs.ruleset_update(actor=None, ruleset=copy, values={"habitual_truant_rate": 0})
    with pytest.raises(ValidationError, match="Unknown rule 'max_absences'"):
        rs.ruleset_update(actor=None, ruleset=copy, values={"max_absences": 3})


def test_the_default_cannot_be_edited():
    with pytest.raises(ValidationError, match="is the shipped statewide rule set and cannot be edited"):
        rs.ruleset_update(actor=None, ruleset=default(), values={"habitual_truant_rate": 0.15})


def test_stale_update_is_refused():
    copy = district()
    rs.ruleset_update(actor=None, ruleset=copy, values={"habitual_truant_rate": 0.18}, expected_version=1)
    with pytest.raises(ConflictError):
        rs.ruleset_update(actor=None, ruleset=copy, values={"habitual_truant_rate": 0.15}, expected_version=1)


def test_unchanged_update_writes_nothing():
    copy = district()
    same = rs.ruleset_update(actor=None, ruleset=copy, values={"habitual_truant_rate": 0.2})
    assert same.version == 1
    assert not ChangeRecord.objects.filter(object_id=str(copy.pk), action=ChangeRecord.Action.UPDATE).exists()


# --- which rule set is in force -----------------------------------------------------------------------


def test_ruleset_in_force_by_date():
    md = default()
    assert rs.ruleset_in_force(D(2025, 1, 1)) == md  # no district rule set yet
    assert rs.ruleset_in_force(D(2010, 1, 1)) == md  # before the default's date: still Maryland's rules
    first = district("2025-A", D(2025, 7, 1))
    second = district("2026-A", D(2026, 7, 1), source=first)
    assert rs.ruleset_in_force(D(2025, 6, 30)) == md
    assert rs.ruleset_in_force(D(2025, 7, 1)) == first  # effective on its first day
    assert rs.ruleset_in_force(D(2026, 6, 30)) == first
    assert rs.ruleset_in_force(D(2026, 7, 1)) == second
    assert second.based_on == first


def test_a_newer_default_is_used_when_no_district_rule_set_applies():
    newer = RuleSet.objects.create(name="Maryland default", rule_version="2030.1", effective_from=D(2030, 7, 1),
                                   is_default=True, values=default().values)
    assert rs.ruleset_in_force(D(2030, 6, 30)) == default()
    assert rs.ruleset_in_force(D(2030, 7, 1)) == newer


def test_district_rule_set_drives_the_engine():
    # Q1 of 40 days, 7 unlawful = 17.5%: not above 20% (8 days), above 15% (6 days).
    rs.ruleset_update(actor=None, ruleset=district(), values={"habitual_truant_rate": 0.15})

    def q1_flag(rule_set):
        result = compute(rules=rule_set.rules(), as_of=day(39), calendar=CALENDAR,
                         enrollments=[EnrollmentSpan(day(0))], periods=periods(),
                         attendance=[absent(i) for i in range(7)])
        return next(p for p in result.periods if p.name == "Q1").habitual_truant

    assert not q1_flag(rs.ruleset_in_force(D(2025, 6, 30)))
    flag = q1_flag(rs.ruleset_in_force(D(2025, 9, 1)))
    assert flag and flag.rule == "Example County (version 2026-A)"


# --- permissions --------------------------------------------------------------------------------------


def test_rule_actions_per_role(world):
    def fresh(role):
        return User.objects.get(pk=world.user(role).pk)

    view = {r for r in ("director", "supervisor", "ppw", "school_admin", "school_staff", "data_steward", "auditor",
                        "none") if policy.has_action(fresh(r), "rules.view")}
    manage = {r for r in ("director", "supervisor", "ppw", "school_admin", "school_staff", "data_steward", "auditor",
                          "none") if policy.has_action(fresh(r), "rules.manage")}
    assert view == {"director", "supervisor", "ppw", "school_admin", "data_steward"}
    assert manage == {"director", "data_steward"}
    # District-wide: a school-scoped PPW sees every rule set.
    assert RuleSet.objects.for_user(fresh("ppw"), "rules.view").count() == RuleSet.objects.count()
    assert RuleSet.objects.for_user(fresh("auditor"), "rules.view").count() == 0
