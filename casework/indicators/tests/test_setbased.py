"""The set-based recompute (SQL, `setbased.py`) against the rules engine, pair by pair: a hand-made
district meant to hit every rule the SQL repeats, on both calendar methods, with the default and a
district-tightened rule set.

The expected values are the engine's (itself tested by hand in casework/rules/tests): what this file
checks is that the stored snapshot equals it for every student x school and every period. A few counts
are also stated by hand, so the fixture cannot silently stop exercising what it claims to.
"""

from __future__ import annotations

import datetime

import pytest

from casework.calendars.services import grading_period_create
from casework.core.testing import factories as f
from casework.indicators.inputs import indicators_as_of
from casework.indicators.models import YEAR_TO_DATE, FlagCrossing, StudentIndicator
from casework.indicators.services import indicators_recompute
from casework.rules import services as rules_services
from casework.rules.selectors import default_in_force

from .test_indicators import period, weekdays

D = datetime.date
pytestmark = pytest.mark.django_db
FLAGS = ("chronic_absent", "habitual_truant", "truant_7_302_2", "abc_attendance", "abc_behavior")
STUDENT_FLAGS = (*FLAGS, "abc_course")  # course failures are counted for the year, not per period


@pytest.fixture
def mixed():
    """A (dates listed): weekdays 9/1-10/31/2025 listed, 10/13 a holiday; Q1 9/1-9/30, Q2 10/1-12/19, S1.
    B (periods with counts): one session 9/1-10/31, 9/19 a holiday, Sat 10/4 a make-up day; marking
    periods MP1 9/1-10/3, MP2 10/6-11/14 (trimester kind), semester S1."""
    a, b = f.school(code="A100"), f.school(code="B200")
    f.session(school=a, begin=D(2025, 9, 1), end=D(2025, 10, 31), calendar_source="dates_listed")
    listed = dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 10, 31)), "instructional")
    listed[D(2025, 10, 13)] = "holiday"
    f.calendar_dates(school=a, days=listed)
    a_q1 = period(a, "quarter", 1, "Q1", D(2025, 9, 1), D(2025, 9, 30))
    a_q2 = period(a, "quarter", 2, "Q2", D(2025, 10, 1), D(2025, 12, 19))
    period(a, "semester", 1, "S1", D(2025, 9, 1), D(2025, 12, 19))
    f.session(school=b, begin=D(2025, 9, 1), end=D(2025, 10, 31), calendar_source="periods_with_counts")
    f.calendar_dates(school=b, days={D(2025, 9, 19): "holiday", D(2025, 10, 4): "make_up"})
    b_mp1 = period(b, "marking_period", 1, "MP1", D(2025, 9, 1), D(2025, 10, 3))
    period(b, "trimester", 2, "MP2", D(2025, 10, 6), D(2025, 11, 14))
    period(b, "semester", 1, "S1", D(2025, 9, 1), D(2026, 1, 23))
    ev, act = f.attendance_event, f.discipline_action

    # 1. All year at A, every kind of record.
    one = f.student(school=a, entry_date=D(2025, 9, 1), district_id="1")
    ev(student=one, school=a, date=D(2025, 9, 2), category="excused", reason_code="B")  # lawful
    ev(student=one, school=a, date=D(2025, 9, 3), category="excused")  # no reason: unlawful
    ev(student=one, school=a, date=D(2025, 9, 4), category="excused", reason_code="ZZ")  # not a lawful code
    ev(student=one, school=a, date=D(2025, 9, 5), category="early_departure", minutes_present=150)  # half
    ev(student=one, school=a, date=D(2025, 9, 8), category="tardy", minutes_present=250)  # full, unlawful tardy
    ev(student=one, school=a, date=D(2025, 9, 9), category="partial", minutes_present=100)  # absent
    ev(student=one, school=a, date=D(2025, 9, 10), category="present", minutes_present=100,
       minutes_scheduled=180)  # scaled: 100 of 180 is at least 120 of 240, a half day
    ev(student=one, school=a, date=D(2025, 9, 11), category="present", minutes_present=89,
       minutes_scheduled=180)  # 89 of 180 is under half: absent
    ev(student=one, school=a, date=D(2025, 9, 12), category="excused", reason_code="J", event_duration="0.5")
    ev(student=one, school=a, date=D(2025, 9, 15), category="unexcused", event_duration="0.4")  # 216 of 360: half
    ev(student=one, school=a, date=D(2025, 9, 24), category="unexcused", event_duration="0.25")  # 270: full day
    ev(student=one, school=a, date=D(2025, 9, 16), category="unexcused", event_duration="0.75",
       minutes_scheduled=225)  # 56.25 -> 56 minutes: absent
    ev(student=one, school=a, date=D(2025, 9, 17), category="excused", event_duration="0.5",
       minutes_scheduled=225)  # 112.5 -> 112 (the fraction dropped) of 225: under half (< 112.5), absent
    ev(student=one, school=a, date=D(2025, 9, 18), category="out_of_school_suspension")  # lawful (H)
    ev(student=one, school=a, date=D(2025, 9, 19), category="in_school_suspension")  # present
    ev(student=one, school=a, date=D(2025, 9, 22), category="tardy")  # two records: unexcused decides
    ev(student=one, school=a, date=D(2025, 9, 22), category="unexcused")
    ev(student=one, school=a, date=D(2025, 10, 13), category="unexcused")  # a holiday: not counted
    for day in (D(2025, 10, 1), D(2025, 10, 2), D(2025, 10, 20)):
        ev(student=one, school=a, date=day, category="unexcused")
    act(student=one, school=a, start_date=D(2025, 9, 18), kind="out_of_school_suspension", length_days="1.5")
    act(student=one, school=a, start_date=D(2025, 10, 2), kind="in_school_suspension", length_days=1,
        actual_length_days="0.5")
    act(student=one, school=a, start_date=D(2025, 10, 3), kind="other")

    # 2. Enters A mid-Q1, leaves, comes back; a second record overlaps the first (counted once).
    two = f.student(school=a, entry_date=D(2025, 9, 10), exit_date=D(2025, 9, 19), district_id="2")
    f.enrollment(student=two, school=a, entry_date=D(2025, 9, 15), exit_date=D(2025, 9, 24))
    f.enrollment(student=two, school=a, entry_date=D(2025, 10, 6))
    for day in (D(2025, 9, 11), D(2025, 9, 12), D(2025, 9, 23), D(2025, 10, 7), D(2025, 10, 8)):
        ev(student=two, school=a, date=day, category="unexcused")

    # 3. A then B: 9 unlawful days in A's Q1 (more than 8: 7-302.2), then B.
    three = f.student(school=a, entry_date=D(2025, 9, 1), exit_date=D(2025, 9, 26), district_id="3")
    f.enrollment(student=three, school=b, entry_date=D(2025, 9, 29))
    for day in weekdays(D(2025, 9, 1), D(2025, 9, 11)):
        ev(student=three, school=a, date=day, category="unexcused")
    ev(student=three, school=b, date=D(2025, 10, 4), category="unexcused")  # the Saturday make-up day
    ev(student=three, school=b, date=D(2025, 10, 6), category="excused", reason_code="PP-CHILD")
    act(student=three, school=b, start_date=D(2025, 10, 7), kind="expulsion")

    # 4. Exactly at the thresholds at A as of 10/3 (25 days): 2.5 absent = 10% (chronic, band moderate);
    # 2.5 unlawful in Q1 (22 days) is under 20%, not habitual.
    four = f.student(school=a, entry_date=D(2025, 9, 1), district_id="4")
    for day in (D(2025, 9, 2), D(2025, 9, 3)):
        ev(student=four, school=a, date=day, category="unexcused")
    ev(student=four, school=a, date=D(2025, 9, 4), category="early_departure", minutes_present=120)  # half
    # 5. Nine days enrolled at B (under the 10-day minimum), all absent.
    five = f.student(school=b, entry_date=D(2025, 9, 22), exit_date=D(2025, 10, 2), district_id="5")
    for day in weekdays(D(2025, 9, 22), D(2025, 10, 2)):
        ev(student=five, school=b, date=day, category="unexcused")
    # 6. Enrolled over a weekend only: a pair with no school day.
    f.student(school=b, entry_date=D(2025, 9, 20), exit_date=D(2025, 9, 21), district_id="6")
    # 7. Half of a 239-minute day missed: 119.5 minutes present are 119, under half (rounding would give
    # 120, a half day present).
    seven = f.student(school=a, entry_date=D(2025, 9, 1), district_id="7")
    ev(student=seven, school=a, date=D(2025, 9, 2), category="excused", reason_code="B", event_duration="0.5",
       minutes_scheduled=239)
    # Course grades (ABC). 1: ALG1 E in Q1 (given 9/30) fails, ENG9 B passes, and last year's F is not this
    # year's. 2: a Q2 progress report F given 10/2. 3: F at A (Q1) and at B (MP1, given 10/3). 4: 59.5
    # without a letter fails; D with 40 passes (the letter decides). 7: 65 without a letter passes under the
    # default's 60 (fails under a district's 70); a Q2 grade without an as-of date counts from 12/19.
    last_year = grading_period_create(actor=None, school=a, school_year=2025, kind="quarter", sequence=4, name="Q4",
                                      begin=D(2025, 4, 1), end=D(2025, 6, 10))
    g = f.course_grade
    g(student=one, school=a, grading_period=a_q1, course_code="ALG1", letter_grade="E", numeric_grade=52)
    g(student=one, school=a, grading_period=a_q1, course_code="ENG9", letter_grade="B")
    g(student=one, school=a, grading_period=last_year, course_code="CHEM", letter_grade="F")
    g(student=two, school=a, grading_period=a_q2, course_code="BIO", letter_grade="F", grade_type="Progress Report",
      as_of_date=D(2025, 10, 2))
    g(student=three, school=a, grading_period=a_q1, course_code="ALG1", letter_grade="F")
    g(student=three, school=b, grading_period=b_mp1, course_code="ALG1", letter_grade="f")
    g(student=four, school=a, grading_period=a_q1, course_code="ENG9", numeric_grade="59.5")
    g(student=four, school=a, grading_period=a_q1, course_code="BIO", letter_grade="D", numeric_grade=40)
    g(student=seven, school=a, grading_period=a_q1, course_code="ENG9", numeric_grade=65)
    g(student=seven, school=a, grading_period=a_q2, course_code="ALG1", letter_grade="E")
    return a, b, (one, two, three, four, five)


def _engine(as_of):
    _, rows = indicators_as_of(as_of=as_of, detail=False)
    return {(r.student_pk, r.school_pk): r for r in rows}


def _assert_same(as_of):
    engine = _engine(as_of)
    stored = {(r.student_id, r.school_id): r for r in StudentIndicator.objects.filter(period_key=YEAR_TO_DATE)}
    assert set(stored) == set(engine)
    for key, row in stored.items():
        res = engine[key].result
        ytd = res.year_to_date
        assert (row.days_enrolled, row.days_absent, row.days_unlawful, row.attendance_rate, row.band or None,
                row.suspensions, row.calendar_method) == (
            ytd.days_enrolled, ytd.days_absent, ytd.days_unlawful, ytd.attendance_rate, ytd.band, ytd.suspensions,
            engine[key].calendar_method), key
        assert {name: getattr(row, name) for name in STUDENT_FLAGS} == {
            name: res.flags[name].raised for name in STUDENT_FLAGS}, key
        assert row.course_failures == res.course_failures, key
        # The raised student-level flags name the periods that raised them.
        assert row.values["raised"] == {n: list(fl.periods) for n, fl in res.flags.items() if fl.raised}, key
        got = [(p["name"], p["kind"], p["through"], p["days_enrolled"], p["days_absent"], p["days_unlawful"],
                p["suspensions"], p["flags"]) for p in row.values["periods"]]
        want = [(p.name, str(p.kind), p.through.isoformat(), p.days_enrolled, p.days_absent, p.days_unlawful,
                 p.suspensions,
                 [n for n in FLAGS if getattr(p, n) is not None and getattr(p, n).raised]) for p in res.periods]
        assert got == want, key
    return stored


def test_set_based_recompute_equals_the_engine(mixed):
    a, b, (one, two, three, four, five) = mixed
    indicators_recompute(as_of=D(2025, 10, 3))
    stored = _assert_same(D(2025, 10, 3))
    # Hand counts, so the fixture keeps exercising what it says. 1 at A, 25 days: absent 9/2, 9/3, 9/4,
    # 9/5 (half), 9/9, 9/10 (half), 9/11, 9/12 (half), 9/15 (half), 9/16, 9/17, 9/18, 9/22, 10/1, 10/2 = 13.
    assert (stored[(one.pk, a.pk)].days_enrolled, stored[(one.pk, a.pk)].days_absent) == (25, 13)
    # 2 at A: 9/10-9/24 (11 days, the overlap once) + 10/6-10/3: nothing yet.
    assert stored[(two.pk, a.pk)].days_enrolled == 11
    # 3: 9 unlawful days in A's Q1 (7-302.2); at B since 9/29: 9/29-10/3 and the Saturday 10/4 is after.
    assert stored[(three.pk, a.pk)].truant_7_302_2 and stored[(three.pk, b.pk)].days_enrolled == 5
    # 4: 2.5 of 25 days = exactly 10%: chronic, moderate. 5: 9 days, all absent, not chronic (under 10).
    assert stored[(four.pk, a.pk)].chronic_absent and stored[(four.pk, a.pk)].band == "moderate_chronic"
    assert not stored[(five.pk, b.pk)].chronic_absent and stored[(five.pk, b.pk)].days_absent == 9
    assert stored[(five.pk, b.pk)].band == ""  # 100% absent, but under 10 days: not rated
    assert [r.days_absent for r in stored.values() if r.student.district_id == "7"] == [1]
    # Courses failed, by hand from the grades above.
    failed = {(r.student.district_id, r.school_id): r.course_failures for r in stored.values() if r.course_failures}
    assert failed == {("1", a.pk): 1, ("2", a.pk): 1, ("3", a.pk): 1, ("3", b.pk): 1, ("4", a.pk): 1}
    assert all(r.abc_course == (r.course_failures >= 1) for r in stored.values())
    # A newly raised course flag is a crossing for the worklist, explained by the grade that failed.
    crossing = FlagCrossing.objects.get(student=one, school=a, flag="abc_course")
    assert "ALG1 (E, 52, Q1 grading period grade of 09/30/2025)" in crossing.explanation


def test_tightened_rule_set_from_its_effective_date(mixed):
    a, _b, (one, *_rest) = mixed
    district = rules_services.ruleset_copy(actor=None, source=default_in_force(D(2025, 10, 1)), name="Example County",
                                           version="1", effective_from=D(2025, 10, 6))
    rules_services.ruleset_update(actor=None, ruleset=district, values={
        "habitual_truant_rate": 0.15, "tardies_per_unlawful_absence": 1, "full_day_minutes": 300,
        "truant_day_limits": {"quarter": 5, "semester": 10, "year": 15}, "course_failing_numeric_below": 70,
        "abc_min_course_failures": 2})
    indicators_recompute(as_of=D(2025, 10, 3))  # before the effective date: the default
    assert StudentIndicator.objects.filter(period_key=YEAR_TO_DATE).first().rule_set.is_default
    indicators_recompute(as_of=D(2025, 10, 24))
    stored = _assert_same(D(2025, 10, 24))
    assert stored[(one.pk, a.pk)].rule_set_id == district.pk
    # Under 70 fails: 7's 65 now counts; but the district flags at two failed courses, and nobody has two.
    assert {r.student.district_id: r.course_failures for r in stored.values() if r.school_id == a.pk}["7"] == 1
    assert not any(r.abc_course for r in stored.values())
