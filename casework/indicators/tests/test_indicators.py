"""`casework indicators`: stored data -> engine -> rows, with every expected value counted by hand.

September 2025 starts on a Monday. The weekdays Mon 9/1 - Fri 9/26 are four weeks, 20 days:
  week 1: 9/1 9/2 9/3 9/4 9/5     week 2: 9/8 9/9 9/10 9/11 9/12
  week 3: 9/15 ... 9/19           week 4: 9/22 ... 9/26

School L100 ("dates listed"): the SIS listed all 20 weekdays as instructional (and 9/29 as a holiday).
  Q1 = 9/1-9/12 (10 days), Q2 = 9/15-9/26 (10 days), semester S1 = 9/1-9/26 (20 days).
School P200 ("periods with counts"): one session 9/1-9/26 with a day count, 9/19 listed as a holiday,
  so 19 days. Q1 = 9/1-9/12 (10 days), Q2 = 9/15-9/26 (9 days).
"""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.calendars.services import grading_period_create
from casework.core.testing import factories as f
from casework.indicators.inputs import indicators_as_of
from casework.indicators.output import COLUMNS
from casework.rules.models import RuleSet

D = datetime.date
pytestmark = pytest.mark.django_db
RULE_SET = "Maryland default (version 2026.2)"


def weekdays(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += datetime.timedelta(days=1)
    return out


def ten_school_days(*, code: str, district_id: str):
    """A school whose calendar lists the weekdays 9/1-9/12/2025 (10 days) and a student enrolled there from
    9/1: the setting of the hand-counted day tests. Returns (school, student)."""
    first, last = datetime.date(2025, 9, 1), datetime.date(2025, 9, 12)
    school = f.school(code=code)
    f.session(school=school, begin=first, end=last, calendar_source="dates_listed")
    f.calendar_dates(school=school, days=dict.fromkeys(weekdays(first, last), "instructional"))
    return school, f.student(school=school, entry_date=first, district_id=district_id)


def period(school, kind, seq, name, begin, end):
    return grading_period_create(actor=None, school=school, school_year=2026, kind=kind, sequence=seq, name=name,
                                 begin=begin, end=end)


def listed_school(code="L100"):
    school = f.school(code=code)
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    days = dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional")
    days[D(2025, 9, 29)] = "holiday"
    f.calendar_dates(school=school, days=days)
    period(school, "quarter", 1, "Q1", D(2025, 9, 1), D(2025, 9, 12))
    period(school, "quarter", 2, "Q2", D(2025, 9, 15), D(2025, 9, 26))
    period(school, "semester", 1, "S1", D(2025, 9, 1), D(2025, 9, 26))
    return school


def periods_school(code="P200"):
    school = f.school(code=code)
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 26), calendar_source="periods_with_counts",
              total_instructional_days=19)
    f.calendar_dates(school=school, days={D(2025, 9, 19): "holiday"})
    period(school, "quarter", 1, "Q1", D(2025, 9, 1), D(2025, 9, 12))
    period(school, "quarter", 2, "Q2", D(2025, 9, 15), D(2025, 9, 26))
    return school


@pytest.fixture
def district():
    lsch, psch = listed_school(), periods_school()

    # Student 100001 at L100 all month.
    one = f.student(school=lsch, entry_date=D(2025, 9, 1), district_id="100001")
    ev = f.attendance_event
    ev(student=one, school=lsch, date=D(2025, 9, 2), category="excused", reason_code="B")  # lawful illness
    ev(student=one, school=lsch, date=D(2025, 9, 3), category="unexcused")
    ev(student=one, school=lsch, date=D(2025, 9, 4), category="early_departure", minutes_present=150)  # half day
    ev(student=one, school=lsch, date=D(2025, 9, 5), category="tardy", minutes_present=250)  # still a full day
    ev(student=one, school=lsch, date=D(2025, 9, 8), category="out_of_school_suspension")  # code H: lawful
    f.discipline_action(student=one, school=lsch, start_date=D(2025, 9, 8), length_days=1, action_id="OSS-1")
    ev(student=one, school=lsch, date=D(2025, 9, 9), category="unexcused")
    ev(student=one, school=lsch, date=D(2025, 9, 10), category="unexcused")

    # Student 100002: enters L100 mid-Q1 on Wed 9/10, leaves it Tue 9/16, enters P200 Wed 9/17.
    two = f.student(school=lsch, entry_date=D(2025, 9, 10), exit_date=D(2025, 9, 16), district_id="100002")
    f.enrollment(student=two, school=psch, entry_date=D(2025, 9, 17))
    ev(student=two, school=lsch, date=D(2025, 9, 11), category="excused")  # no reason code: presumed unlawful
    ev(student=two, school=psch, date=D(2025, 9, 22), category="excused", reason_code="J",
       event_duration="0.5")  # half a day missed, lawfully
    ev(student=two, school=psch, date=D(2025, 9, 19), category="unexcused")  # a holiday: ignored
    return lsch, psch, one, two


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def by_key(rows):
    return {(r["student_id"], r["school_id"]): r for r in rows}


def test_csv_hand_computed(district):
    text = run("--as-of", "2025-09-26")
    assert text.splitlines()[0].split(",") == list(COLUMNS)
    rows = by_key(csv_rows(text))
    assert set(rows) == {("100001", "L100"), ("100002", "L100"), ("100002", "P200")}

    # 100001 at L100, 20 days enrolled. Absent: 9/2 (1, lawful B) + 9/3 (1, unlawful) + 9/4 (150 min: half day
    # present, 0.5 absent, unlawful with no reason) + 9/8 (1, suspension, lawful H) + 9/9 + 9/10 (1 + 1 unlawful)
    # = 5.5 absent, 14.5 present; the 9/5 tardy with 250 min is a full day. Unlawful 1 + 0.5 + 1 + 1 = 3.5.
    # Rate 14.5 / 20 = 0.725; absence 27.5% -> severe chronic, chronic (>= 10%, 20 days >= 10).
    # Habitual: Q1 has all 3.5 unlawful of 10 days > 20% x 10 = 2 -> raised (S1: 3.5 of 20 is not > 4).
    # 7-302.2: 3.5 is not more than 8 in a quarter. One suspension of 1 day.
    r = rows[("100001", "L100")]
    assert r == {
        "student_id": "100001", "school_id": "L100", "days_enrolled": "20", "days_present": "14.5",
        "days_absent": "5.5", "days_unlawful": "3.5", "attendance_rate": "0.7250", "band": "severe_chronic",
        "chronic_absent": "true", "habitual_truant": "true", "truant_7_302_2": "false", "suspensions": "1",
        "days_suspended": "1", "expulsions": "0", "abc_attendance": "true", "abc_behavior": "true",
        "course_failures": "0", "abc_course": "false",
        "rule_set": RULE_SET, "calendar_method": "dates_listed",
    }

    # 100002 at L100: enrolled 9/10, 9/11, 9/12, 9/15, 9/16 = 5 days. 9/11 "excused" without a code is
    # unlawful: present 4, absent 1, unlawful 1; rate 0.8, absence 20%, but under 10 days enrolled neither
    # chronic absence nor its bands are evaluated: no band (not rated). Habitual: Q1 enrolled 3 days
    # (9/10-12), 1 > 0.6 -> raised.
    r = rows[("100002", "L100")]
    assert (r["days_enrolled"], r["days_present"], r["days_absent"], r["days_unlawful"]) == ("5", "4", "1", "1")
    assert (r["attendance_rate"], r["band"], r["chronic_absent"]) == ("0.8000", "", "false")
    assert (r["habitual_truant"], r["truant_7_302_2"], r["suspensions"]) == ("true", "false", "0")

    # 100002 at P200 (periods with counts, 9/19 holiday): enrolled 9/17, 9/18, 9/22-9/26 = 7 days. 9/22 half a
    # day missed (EventDuration 0.5 -> 180 of a 360-minute school day), lawful J: present 6.5, absent 0.5, unlawful 0.
    # Rate 6.5 / 7 = 0.92857 -> 0.9286; absence 7.1%, but 7 days enrolled: not rated (no band); ABC
    # attendance not raised (>= 90%).
    r = rows[("100002", "P200")]
    assert (r["days_enrolled"], r["days_present"], r["days_absent"], r["days_unlawful"]) == ("7", "6.5", "0.5", "0")
    assert (r["attendance_rate"], r["band"], r["chronic_absent"], r["habitual_truant"]) == (
        "0.9286", "", "false", "false")
    assert (r["abc_attendance"], r["abc_behavior"], r["calendar_method"]) == ("false", "false", "periods_with_counts")


def test_as_of_mid_period(district):
    # As of Fri 9/12 (end of Q1): 100001 has the same absences (all in Q1) over 10 days enrolled:
    # present 4.5, absent 5.5, unlawful 3.5, rate 0.45. 100002 has only 3 days at L100 and no P200 row yet
    # (enters 9/17, after the date).
    rows = by_key(csv_rows(run("--as-of", "2025-09-12")))
    assert set(rows) == {("100001", "L100"), ("100002", "L100")}
    r = rows[("100001", "L100")]
    assert (r["days_enrolled"], r["days_present"], r["days_absent"], r["days_unlawful"], r["attendance_rate"]) == (
        "10", "4.5", "5.5", "3.5", "0.4500")
    assert rows[("100002", "L100")]["days_enrolled"] == "3"


def test_json_rows_carry_explanations(district):
    data = json.loads(run("--as-of", "2025-09-26", "--format", "json"))
    assert len(data) == 3
    row = next(r for r in data if r["student_id"] == "100001")
    for col in COLUMNS:
        assert col in row
    assert row["days_present"] == 14.5 and row["attendance_rate"] == 0.725 and row["habitual_truant"] is True
    assert set(row["explanations"]) == {"chronic_absent", "habitual_truant", "truant_7_302_2", "abc_attendance",
                                        "abc_behavior", "abc_course"}
    assert "Q1" in row["explanations"]["habitual_truant"] and RULE_SET in row["explanations"]["habitual_truant"]
    assert row["flag_periods"]["habitual_truant"] == ["Q1"]
    assert row["truant_7_302_2"] is False and row["flag_periods"]["truant_7_302_2"] == []
    # Every row: a flag names the periods that raised it, and only a raised flag names any.
    assert all(bool(r["flag_periods"][name]) == r[name] for r in data for name in r["flag_periods"])
    assert [p["name"] for p in row["periods"]] == ["Q1", "S1", "Q2"]
    p200 = next(r for r in data if r["school_id"] == "P200")
    assert any("09/19/2025" in why for why in p200["ignored"])  # the event on a holiday is listed, not counted


def test_school_filter(district):
    rows = csv_rows(run("--as-of", "2025-09-26", "--school", "P200"))
    assert [(r["student_id"], r["school_id"]) for r in rows] == [("100002", "P200")]


def test_two_records_on_one_day_are_merged(district):
    lsch, _psch, one, _two = district
    # A tardy and an unexcused absence on the same day (9/15): the absence decides the day.
    f.attendance_event(student=one, school=lsch, date=D(2025, 9, 15), category="tardy")
    f.attendance_event(student=one, school=lsch, date=D(2025, 9, 15), category="unexcused")
    r = by_key(csv_rows(run("--as-of", "2025-09-26")))[("100001", "L100")]
    assert (r["days_absent"], r["days_unlawful"]) == ("6.5", "4.5")


@pytest.mark.parametrize("given, words", [("2025-13-01", "no such date"), ("2025-02-30", "no such date"),
                                           ("20250926", "not a date"), ("2025-W39-5", "not a date"),
                                           ("9999-12-31", "between 1990 and 2100"), ("", "not a date")])
def test_as_of_must_be_a_real_date_written_yyyy_mm_dd(district, given, words):
    with pytest.raises(CommandError, match=words):
        run("--as-of", given)


def test_errors(district, capsys):
    with pytest.raises(CommandError, match="Unknown school code 'NOPE'"):
        run("--as-of", "2025-09-26", "--school", "NOPE")
    nocal = f.school(code="N300")
    f.student(school=nocal, entry_date=D(2025, 9, 1))
    with pytest.raises(CommandError, match="No calendar for school.*N300"):
        run("--as-of", "2025-09-26", "--school", "N300")
    # District-wide, a school without a calendar is named on stderr and the others' rows still print.
    rows = csv_rows(run("--as-of", "2025-09-26"))
    assert {r["school_id"] for r in rows} == {"L100", "P200"}
    assert "No calendar for school(s) N300" in capsys.readouterr().err
    # A school with neither a calendar nor students that year: said, not an empty table.
    f.school(code="E400")
    with pytest.raises(CommandError, match="No calendar for school.*E400 in the school year 2025-07-01"):
        run("--as-of", "2025-09-26", "--school", "E400")
    # A school with a calendar and no students this year: an empty table is the true answer.
    assert csv_rows(run("--as-of", "2025-09-26", "--school", "L100"))


def test_no_rule_set(district):
    RuleSet.objects.all().delete()
    with pytest.raises(CommandError, match="No rule set"):
        run("--as-of", "2025-09-26")


def test_district_rule_set_in_force_is_used(district):
    default = RuleSet.objects.get(is_default=True, rule_version="2026.2")
    values = json.loads(json.dumps(default.values))
    values["habitual_truant_rate"]["value"] = 0.15
    RuleSet.objects.create(name="Test district", rule_version="1", effective_from=D(2025, 7, 1),
                           based_on=default, values=values)
    rows = by_key(csv_rows(run("--as-of", "2025-09-26")))
    # S1 for 100001: 3.5 unlawful of 20 > 15% x 20 = 3 -> now raised as well; the rule set is named.
    assert rows[("100001", "L100")]["rule_set"] == "Test district (version 1)"
    _inputs, result = indicators_as_of(as_of=D(2025, 9, 26))
    one = next(r for r in result if r.student_id == "100001")
    assert set(one.result.habitual_truant.periods) >= {"Q1", "S1"}


def test_query_count_does_not_grow_with_students(district):
    lsch, psch, _one, _two = district

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _inputs, rows = indicators_as_of(as_of=D(2025, 9, 26))
        return len(ctx.captured_queries), len(rows)

    before, n_before = count()
    for i in range(6):
        s = f.student(school=lsch if i % 2 else psch, entry_date=D(2025, 9, 1))
        f.attendance_event(student=s, school=lsch if i % 2 else psch, date=D(2025, 9, 3))
        f.discipline_action(student=s, school=lsch if i % 2 else psch, start_date=D(2025, 9, 4))
    after, n_after = count()
    assert n_after == n_before + 6
    assert after == before
    assert before <= 10  # + the sessions, for semesters sent as sessions (calendars.periods)


def test_exit_and_reentry_count_both_spans(district):
    lsch, _psch, _one, _two = district
    three = f.student(school=lsch, entry_date=D(2025, 9, 1), exit_date=D(2025, 9, 5), district_id="100003")
    f.enrollment(student=three, school=lsch, entry_date=D(2025, 9, 15))
    f.attendance_event(student=three, school=lsch, date=D(2025, 9, 10), category="unexcused")  # not enrolled
    f.attendance_event(student=three, school=lsch, date=D(2025, 9, 16), category="partial", minutes_present=90,
                       minutes_scheduled=180)  # half of a 180-minute schedule: a half day present
    # Enrolled 9/1-9/5 (5 days) + 9/15-9/26 (10 days) = 15; the 9/10 absence falls between the spans and
    # is not counted. 9/16: 90 of 180 scheduled minutes = half day present, 0.5 absent, unlawful (no code).
    # Present 14.5, absent 0.5, unlawful 0.5, rate 14.5 / 15 = 0.96667 -> 0.9667, absence 3.3% -> satisfactory.
    data = json.loads(run("--as-of", "2025-09-26", "--format", "json", "--school", "L100"))
    r = next(x for x in data if x["student_id"] == "100003")
    assert (r["days_enrolled"], r["days_present"], r["days_absent"], r["days_unlawful"]) == (15, 14.5, 0.5, 0.5)
    assert (r["attendance_rate"], r["band"], r["chronic_absent"]) == (0.9667, "satisfactory", False)
    assert any("09/10/2025" in why and "not enrolled" in why for why in r["ignored"])


def test_a_school_without_grading_periods_says_what_was_not_checked(district):
    school = f.school(code="G400")
    f.session(school=school, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed")
    f.calendar_dates(school=school, days=dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional"))
    f.student(school=school, entry_date=D(2025, 9, 1), district_id="400001")
    [row] = json.loads(run("--as-of", "2025-09-26", "--school", "G400", "--format", "json"))
    assert row["periods"] == [] and row["truant_7_302_2"] is False
    truant = row["explanations"]["truant_7_302_2"]
    assert "stayed within 20 in a year." in truant and "8 in a quarter" not in truant
    assert "The school has no quarter or semester loaded, so only the limits above apply." in truant
    assert "Only the year to date was checked" in row["explanations"]["habitual_truant"]
    # A school with its quarters and semester loaded says nothing of the kind.
    full = next(r for r in json.loads(run("--as-of", "2025-09-26", "--school", "L100", "--format", "json"))
                if r["student_id"] == "100002")
    assert "has no quarter" not in full["explanations"]["truant_7_302_2"]
    assert "Only the year to date" not in full["explanations"]["habitual_truant"]
