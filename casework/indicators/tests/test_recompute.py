"""Stored indicators: full and per-student recompute, on the district of test_indicators."""

from __future__ import annotations

import datetime

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.core.testing import factories as f
from casework.discipline.models import Action
from casework.indicators.models import YEAR_TO_DATE, FlagCrossing, StudentIndicator
from casework.indicators.services import indicators_recompute

from .test_indicators import district  # noqa: F401 - the fixture

D = datetime.date
AS_OF = D(2025, 9, 26)
pytestmark = pytest.mark.django_db


def test_full_recompute_stores_every_period(district):  # noqa: F811
    lsch, psch, one, two = district
    done = indicators_recompute(as_of=AS_OF)
    # 3 student x school pairs, one stored row each; the grading periods are nested in the row.
    assert (done.pairs, done.rows) == (3, 3)
    ytd = StudentIndicator.objects.get(student=one, school=lsch, as_of=AS_OF, period_key=YEAR_TO_DATE)
    assert (ytd.days_enrolled, ytd.days_absent, ytd.days_unlawful, ytd.habitual_truant) == (20, 5.5, 3.5, True)
    assert ytd.calendar_method == "dates_listed" and ytd.rule_set.rule_version == "2026.2"
    # L100 has Q1, Q2 and S1 (ordered by begin, then end); Q1 holds all 3.5 unlawful days of 10: habitual.
    periods = {p["name"]: p for p in ytd.values["periods"]}
    assert sorted(periods) == ["Q1", "Q2", "S1"]
    # Q1: 5.5 of 10 days absent (chronic, under 90% present), 3.5 unlawful (habitual), the 9/8 suspension.
    assert periods["Q1"]["kind"] == "quarter" and periods["Q1"]["flags"] == [
        "chronic_absent", "habitual_truant", "abc_attendance", "abc_behavior"]
    assert periods["Q2"]["flags"] == []  # the period's raised flags, by name
    # The raised student-level flags, with the periods that raised them.
    assert ytd.values["raised"] == {"chronic_absent": ["Year to date"], "habitual_truant": ["Q1"],
                                    "abc_attendance": ["Year to date"], "abc_behavior": ["Year to date"]}
    # The text is the engine's, on the crossing the flag opened (and live on the student's attendance tab).
    crossing = FlagCrossing.objects.get(student=one, school=lsch, flag="habitual_truant")
    assert "Q1 (09/01/2025 to 09/12/2025)" in crossing.explanation
    # Recomputing replaces, never duplicates; the full write drops the table's indexes and keys and
    # builds them again (core.bulk.WithoutIndexes): all back, under their names.
    table = StudentIndicator._meta.db_table
    with connection.cursor() as c:
        before = connection.introspection.get_constraints(c, table)
        assert indicators_recompute(as_of=AS_OF).rows == 3
        after = connection.introspection.get_constraints(c, table)
    assert after == before and len([k for k, v in before.items() if not v["primary_key"]]) >= 6
    assert StudentIndicator.objects.count() == 3


def test_recompute_only_given_students(district):  # noqa: F811
    lsch, psch, one, two = district
    indicators_recompute(as_of=AS_OF)
    f.attendance_event(student=one, school=lsch, date=D(2025, 9, 15), category="unexcused")
    before_two = {r.pk for r in StudentIndicator.objects.filter(student=two)}
    done = indicators_recompute(as_of=AS_OF, student_ids=[one.pk])
    assert (done.pairs, done.rows) == (1, 1)
    ytd = StudentIndicator.objects.get(student=one, school=lsch, as_of=AS_OF, period_key=YEAR_TO_DATE)
    assert ytd.days_unlawful == 4.5  # 3.5 + the new unlawful day
    assert {r.pk for r in StudentIndicator.objects.filter(student=two)} == before_two  # untouched
    assert StudentIndicator.objects.count() == 3


def test_recompute_query_count_is_fixed(district):  # noqa: F811
    lsch, psch, _one, _two = district
    indicators_recompute(as_of=AS_OF, school_ids=[lsch.pk, psch.pk])  # crossings opened: steady state below
    with CaptureQueriesContext(connection) as small:
        indicators_recompute(as_of=AS_OF, school_ids=[lsch.pk, psch.pk])
    for _ in range(5):
        f.student(school=lsch, entry_date=D(2025, 9, 1))
    with CaptureQueriesContext(connection) as large:
        indicators_recompute(as_of=AS_OF, school_ids=[lsch.pk, psch.pk])
    assert len(large.captured_queries) == len(small.captured_queries)


def test_columns_mirror_the_year_to_date_values(district):  # noqa: F811
    lsch, _psch, one, _two = district
    indicators_recompute(as_of=AS_OF)
    ytd = StudentIndicator.objects.get(student=one, school=lsch, period_key=YEAR_TO_DATE)
    # Hand count in test_indicators: 20 enrolled, 5.5 absent, 3.5 unlawful, 14.5 / 20 = 0.725, severe.
    assert (ytd.days_enrolled, ytd.days_absent, ytd.days_unlawful) == (20, 5.5, 3.5)
    assert ytd.attendance_rate == pytest.approx(0.725) and ytd.band == "severe_chronic"
    assert (ytd.chronic_absent, ytd.habitual_truant, ytd.truant_7_302_2) == (True, True, False)
    assert (ytd.abc_attendance, ytd.abc_behavior, ytd.suspensions) == (True, True, 1)
    # Q2 (9/15-9/26) has no unlawful day for this student: its habitual flag is down.
    q2 = next(p for p in ytd.values["periods"] if p["name"] == "Q2")
    assert q2["days_unlawful"] == 0 and "habitual_truant" not in q2["flags"]


def test_one_snapshot_per_pair(district):  # noqa: F811
    indicators_recompute(as_of=D(2025, 9, 12))
    indicators_recompute(as_of=AS_OF)
    assert set(StudentIndicator.objects.values_list("as_of", flat=True)) == {AS_OF}


def test_crossings_open_once_and_clear(district):  # noqa: F811
    lsch, _psch, one, _two = district
    # As of Fri 9/5: 100001 missed 9/2 (lawful), 9/3 (unlawful), half of 9/4 of 5 days: 2.5 absent = 50%, but
    # only 5 days enrolled (< 10): not chronic. Habitual Q1 counts days so far: 1.5 unlawful of 5 > 20% -> raised.
    first = indicators_recompute(as_of=D(2025, 9, 5))
    crossings = FlagCrossing.objects.filter(student=one, school=lsch)
    assert set(crossings.values_list("flag", flat=True)) >= {"habitual_truant"}
    assert "chronic_absent" not in set(crossings.values_list("flag", flat=True))
    assert first.crossed == FlagCrossing.objects.count()
    # As of 9/26 the student is chronic too (20 days, 27.5%): a new crossing dated 9/26; habitual stays one row.
    again = indicators_recompute(as_of=AS_OF)
    chronic = crossings.get(flag="chronic_absent")
    assert chronic.crossed_on == AS_OF and chronic.cleared_on is None and "10%" in chronic.explanation
    assert crossings.filter(flag="habitual_truant").count() == 1
    assert crossings.get(flag="habitual_truant").crossed_on == D(2025, 9, 5)
    assert again.crossed >= 1
    # Recomputing the same date changes nothing.
    assert indicators_recompute(as_of=AS_OF).crossed == 0
    # An earlier date replaces the snapshot but leaves the crossings alone.
    indicators_recompute(as_of=D(2025, 9, 5))
    assert crossings.get(flag="chronic_absent").cleared_on is None


def test_crossing_cleared_when_flag_lowered(district):  # noqa: F811
    lsch, _psch, one, _two = district
    indicators_recompute(as_of=AS_OF)
    assert FlagCrossing.objects.open().filter(student=one, flag="abc_behavior").exists()
    Action.objects.filter(student=one).delete()  # the suspension is withdrawn in the SIS
    done = indicators_recompute(as_of=AS_OF)
    crossing = FlagCrossing.objects.get(student=one, flag="abc_behavior")
    assert crossing.cleared_on == AS_OF and done.cleared >= 1


def test_recompute_command(district, capsys):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("recompute", "--as-of", "2025-09-26", stdout=out)
    # 100001 at L100: chronic, habitual, ABC attendance and behavior; 100002 at L100 (5 days, 1 unlawful of 3
    # in Q1, 4 of 5 present): habitual and ABC attendance; 100002 at P200: none. 4 + 2 = 6.
    assert "3 student x school pairs, 3 rows stored; 6 flag(s) newly crossed" in out.getvalue()
    with pytest.raises(CommandError, match="Unknown school code"):
        call_command("recompute", "--school", "NOPE", stdout=out)
    with pytest.raises(CommandError, match="not a date"):
        call_command("recompute", "--as-of", "26/09/2025", stdout=out)


def test_students_given_give_the_same_rows(district):  # noqa: F811
    lsch, psch, one, two = district
    indicators_recompute(as_of=AS_OF)
    fields = ("student_id", "school_id", "days_enrolled", "days_absent", "days_unlawful", "habitual_truant", "values")
    whole = sorted(StudentIndicator.objects.values_list(*fields))
    done = indicators_recompute(as_of=AS_OF, student_ids=[two.pk, one.pk])
    assert (done.pairs, done.rows, done.crossed, done.cleared) == (3, 3, 0, 0)  # 100002 at L100 and at P200
    assert sorted(StudentIndicator.objects.values_list(*fields)) == whole
    done = indicators_recompute(as_of=AS_OF, school_ids=[psch.pk])  # one school: only its pair is replaced
    assert (done.pairs, done.rows) == (1, 1)
    assert sorted(StudentIndicator.objects.values_list(*fields)) == whole


def test_a_school_without_a_calendar_does_not_hold_the_district_back(district):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    from casework.indicators.inputs import IndicatorError

    lsch, _psch, one, _two = district
    nocal = f.school(code="N300")
    f.student(school=nocal, entry_date=D(2025, 9, 1))
    done = indicators_recompute(as_of=AS_OF)
    assert (done.pairs, done.skipped) == (3, ("N300",))  # L100 and P200's three pairs; N300 named
    assert not StudentIndicator.objects.filter(school=nocal).exists()
    out, err = StringIO(), StringIO()
    call_command("recompute", "--as-of", "2025-09-26", stdout=out, stderr=err)
    assert "3 student x school pairs" in out.getvalue()
    assert "Not computed for school(s) N300: no calendar this school year" in err.getvalue()
    with pytest.raises(IndicatorError, match="No calendar for school"):  # alone, it is an error as before
        indicators_recompute(as_of=AS_OF, school_ids=[nocal.pk])
    # A school whose calendar goes missing keeps its last rows and open alerts until it has one again.
    stored = set(StudentIndicator.objects.filter(school=lsch).values_list("pk", flat=True))
    open_alerts = FlagCrossing.objects.filter(school=lsch, cleared_on__isnull=True).count()
    assert stored and open_alerts
    from casework.calendars.models import CalendarDate, Session
    CalendarDate.objects.filter(school=lsch).delete()
    Session.objects.filter(school=lsch).delete()
    again = indicators_recompute(as_of=AS_OF)
    assert again.skipped == ("L100", "N300") and again.pairs == 1  # P200's pair only
    assert set(StudentIndicator.objects.filter(school=lsch).values_list("pk", flat=True)) == stored
    assert FlagCrossing.objects.filter(school=lsch, cleared_on__isnull=True).count() == open_alerts
    assert StudentIndicator.objects.filter(student=one).exists()


def test_a_rule_edit_saved_during_a_full_recompute_is_later_than_it(district, monkeypatch):  # noqa: F811
    """The recompute reads the district set, then (while it counts) the director saves 15% habitual truancy.
    Its summaries were dated at the end, after the edit, so the next import took the stored rows as read
    under the edited values and recomputed only its own students. They are dated when the rules were read."""
    from casework.indicators import setbased
    from casework.indicators.services import rules_changed_since_full_recompute
    from casework.rules.models import RuleSet
    from casework.rules.services import ruleset_copy, ruleset_update

    district_set = ruleset_copy(actor=None, source=RuleSet.objects.get(rule_version="2026.2"), name="District",
                                version="D1", effective_from=D(2017, 7, 1))
    indicators_recompute(as_of=AS_OF)
    assert not rules_changed_since_full_recompute(AS_OF)

    prepare = setbased.prepare

    def edited_while_counting(*args, **kwargs):
        prepared = prepare(*args, **kwargs)
        ruleset_update(actor=None, ruleset=RuleSet.objects.get(pk=district_set.pk),
                       values={"habitual_truant_rate": 0.15})
        return prepared

    monkeypatch.setattr(setbased, "prepare", edited_while_counting)
    indicators_recompute(as_of=AS_OF)
    assert rules_changed_since_full_recompute(AS_OF)
