"""`casework rules`: a district copies the Maryland rule set and tightens it from the command line."""

from __future__ import annotations

import datetime
import io
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.audit.models import ChangeRecord
from casework.core.testing import factories as f
from casework.rules.models import RuleSet
from casework.rules.selectors import ruleset_in_force

pytestmark = pytest.mark.django_db


def rules(*args) -> str:
    out = io.StringIO()
    call_command("rules", *args, stdout=out)
    return out.getvalue()


def test_copy_and_tighten_habitual_truancy_to_15_percent_from_an_effective_date():
    director = f.user(username="dir-r", role="director")
    made = rules("copy", "--name", "Example County", "--rule-version", "2027.1", "--effective", "2026-08-31",
                 "--user", "dir-r")
    county = RuleSet.objects.get(name="Example County")
    assert f"Rule set {county.pk}: Example County (version 2027.1), a copy of Maryland default" in made
    out = rules("set", str(county.pk), "habitual_truant_rate=0.15", 'truant_day_limits={"quarter": 6, '
                '"semester": 12, "year": 18}', "--user", "dir-r")
    assert "habitual_truant_rate = 0.15" in out and "run casework recompute" in out
    county.refresh_from_db()
    assert county.rules().habitual_truant_rate == Fraction(15, 100)
    assert county.rules().truant_day_limits == {"quarter": 6, "semester": 12, "year": 18}
    # In force from its effective date; the day before, Maryland's own.
    assert ruleset_in_force(datetime.date(2026, 8, 31)) == county
    assert ruleset_in_force(datetime.date(2026, 8, 30)).is_default
    assert ChangeRecord.objects.filter(actor=director, content_type__model="ruleset",
                                       object_id=str(county.pk)).count() == 2
    listed = rules()
    assert "Example County (version 2027.1)\tfrom 2026-08-31\t[district, copied from Maryland default" in listed
    assert "habitual_truant_rate = 0.15    # District rule in Example County" in rules("show", str(county.pk))


@pytest.mark.parametrize("change, words", [
    ("habitual_truant_rate=0.25", "less strict than the law allows"),
    ('truant_day_limits={"quarter": 10, "semester": 15, "year": 20}', "less strict than the law"),
    ("full_day_minutes=200", "less strict than the law allows"),
    ("habitual_truant_rate", "write each change as KEY=VALUE"),
    ("no_such_rule=1", "Unknown rule 'no_such_rule'"),
])
def test_loosening_or_nonsense_is_refused_and_nothing_changes(change, words):
    f.user(username="dir-r", role="director")
    rules("copy", "--name", "Example County", "--rule-version", "1", "--effective", "2026-08-31", "--user", "dir-r")
    county = RuleSet.objects.get(name="Example County")
    before = county.values
    with pytest.raises(CommandError, match=words):
        rules("set", str(county.pk), change, "--user", "dir-r")
    county.refresh_from_db()
    assert county.values == before


def test_who_may_change_the_rules():
    f.user(username="ppw-r", role="ppw", schools=[f.school()])
    with pytest.raises(CommandError, match="Give --user"):
        rules("copy", "--name", "X", "--rule-version", "1", "--effective", "2026-08-31")
    with pytest.raises(CommandError, match="ppw-r may not change the rules"):
        rules("copy", "--name", "X", "--rule-version", "1", "--effective", "2026-08-31", "--user", "ppw-r")
    f.user(username="stew-r", role="data_steward")
    shipped = RuleSet.objects.get(is_default=True, rule_version="2026.2")
    with pytest.raises(CommandError, match="shipped statewide rule set and cannot be edited"):
        rules("set", str(shipped.pk), "habitual_truant_rate=0.15", "--user", "stew-r")
    with pytest.raises(CommandError, match="^--effective 2026-02-30: there is no such date"):
        rules("copy", "--name", "X", "--rule-version", "1", "--effective", "2026-02-30", "--user", "stew-r")
    with pytest.raises(CommandError, match="Say what to change"):
        rules("set", "²", "habitual_truant_rate=0.15", "--user", "stew-r")
    with pytest.raises(CommandError, match="No rule set '²'"):
        rules("show", "²")
    assert not RuleSet.objects.filter(name="X").exists()


def test_a_district_sets_its_own_grading_scale_for_course_failures():
    f.user(username="dir-r", role="director")
    rules("copy", "--name", "Example County", "--rule-version", "1", "--effective", "2026-08-31", "--user", "dir-r")
    county = RuleSet.objects.get(name="Example County")
    shown = rules("show", str(county.pk))
    assert 'course_failing_letter_grades = ["E", "F"]    # not set: Casework\'s default' in shown
    out = rules("set", str(county.pk), 'course_failing_letter_grades=["F", "NC"]', "course_failing_numeric_below=65",
                "--user", "dir-r")
    assert 'course_failing_letter_grades = ["F", "NC"]' in out
    county.refresh_from_db()
    r = county.rules()
    assert r.course_failing_letter_grades == frozenset({"F", "NC"}) and r.course_failing_numeric_below == 65
    assert r.abc_min_course_failures == 1  # still the default
    with pytest.raises(CommandError, match="course_failing_numeric_below"):
        rules("set", str(county.pk), "course_failing_numeric_below=-5", "--user", "dir-r")
