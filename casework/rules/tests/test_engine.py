"""The indicator engine on hand-computed cases. No database: dataclasses in, dataclasses out.

Calendar (see helpers): 160 school days, quarters of 40 days, semesters of 80. `day(i)` is the i-th day.
Every expected number is worked out in the comment next to it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casework.rules.engine import (
    AttendanceRecord,
    DisciplineAction,
    DisciplineKind,
    EnrollmentSpan,
    Mark,
    Period,
    PeriodKind,
    compute,
)

from .helpers import CALENDAR, MD, absent, day, half_unlawful, periods, rules, weekdays

WHOLE_YEAR = [EnrollmentSpan(day(0))]
END = day(159)


def run(*, attendance=(), enrollments=WHOLE_YEAR, as_of=END, rule_set=MD, discipline=(), calendar=CALENDAR,
        period_list=None):
    return compute(rules=rule_set, as_of=as_of, calendar=calendar, enrollments=enrollments,
                   periods=periods(calendar) if period_list is None else period_list,
                   attendance=list(attendance), discipline=list(discipline))


def by_name(result, name):
    return next(p for p in result.periods if p.name == name)


# --- presence: full days, half days, minutes --------------------------------------------------------------


def test_no_records_is_a_full_year_present():
    r = run()
    ytd = r.year_to_date
    assert (ytd.days_enrolled, ytd.days_present, ytd.days_absent, ytd.days_unlawful) == (160, 160, 0, 0)
    assert ytd.attendance_rate == 1.0 and ytd.band == "satisfactory"
    assert not any(r.flags.values())
    assert [p.name for p in r.periods] == ["Q1", "S1", "2025-26", "Q2", "Q3", "S2", "Q4"]  # by begin, then end


@pytest.mark.parametrize(("minutes", "present"), [
    (240, 1.0),   # 4 h: full day
    (239, 0.5),   # under 4 h, at least 2 h: half day
    (120, 0.5),   # exactly 2 h: half day
    (119, 0.0),   # under 2 h: absent
    (0, 0.0),
])
def test_minutes_present_make_full_half_or_no_day(minutes, present):
    r = run(attendance=[AttendanceRecord(day(3), Mark.PRESENT, minutes_present=minutes)])
    assert r.year_to_date.days_present == 159 + present
    assert r.year_to_date.days_absent == 1 - present
    # No lawful reason given: the missed part is unlawful (COMAR .04A presumes it).
    assert r.year_to_date.days_unlawful == 1 - present


def test_half_days_add_up_in_halves():
    # Three early departures after 3 h (180 min: half day each) and one after 1 h (absent):
    # present = 36 full + 3 x 0.5 = 37.5 in Q1; absent = 40 - 37.5 = 2.5; all unlawful.
    records = [half_unlawful(1), half_unlawful(2), half_unlawful(3),
               AttendanceRecord(day(4), Mark.EARLY_DEPARTURE, minutes_present=60)]
    q1 = by_name(run(attendance=records), "Q1")
    assert (q1.days_present, q1.days_absent, q1.days_unlawful) == (37.5, 2.5, 2.5)
    assert q1.attendance_rate == 37.5 / 40


def test_part_time_student_is_counted_by_scheduled_time():
    # Scheduled 180 min: a full day is 180 min, a half day 180 x 120/240 = 90 min.
    recs = [
        AttendanceRecord(day(0), Mark.PRESENT, minutes_present=180, minutes_scheduled=180),  # 1
        AttendanceRecord(day(1), Mark.PRESENT, minutes_present=90, minutes_scheduled=180),   # 0.5
        AttendanceRecord(day(2), Mark.PRESENT, minutes_present=89, minutes_scheduled=180),   # 0
    ]
    q1 = by_name(run(attendance=recs), "Q1")
    assert q1.days_present == 40 - 0.5 - 1  # 38.5


# --- lawful and unlawful --------------------------------------------------------------------------------


def test_lawful_and_unlawful_absences():
    recs = [
        absent(0, "B"),                                        # illness: lawful
        absent(1, "PP-CHILD"),                                 # §7-301.1 parenting: lawful
        AttendanceRecord(day(2), Mark.SUSPENSION),             # out-of-school suspension: lawful (H)
        absent(3),                                             # unexcused
        AttendanceRecord(day(4), Mark.EXCUSED),                # "excused" without a reason: presumed unlawful
        AttendanceRecord(day(5), Mark.EXCUSED, reason_code="VACATION"),  # not a lawful reason: unlawful
        AttendanceRecord(day(6), Mark.UNEXCUSED, reason_code="B"),       # marked unexcused: unlawful
    ]
    r = run(attendance=recs)
    q1 = by_name(r, "Q1")
    assert q1.days_absent == 7          # every absence counts for chronic absence
    assert q1.days_unlawful == 4        # days 3, 4, 5, 6
    assert [d.lawful for d in r.days[:7]] == [True, True, True, False, False, False, False]


def test_lawful_early_departure_is_absence_but_not_unlawful():
    # Left after 3 h for a court summons (C): half day present, half absent, nothing unlawful.
    r = run(attendance=[AttendanceRecord(day(0), Mark.EARLY_DEPARTURE, reason_code="C", minutes_present=180)])
    assert (r.year_to_date.days_absent, r.year_to_date.days_unlawful) == (0.5, 0)


def test_tardies_do_not_convert_by_default():
    # Seven unlawful tardies, each still a full day (no minutes given): absent 0, unlawful 0.
    r = run(attendance=[AttendanceRecord(day(i), Mark.TARDY) for i in range(7)])
    q1 = by_name(r, "Q1")
    assert (q1.days_absent, q1.days_unlawful, q1.unlawful_tardies, q1.days_from_tardies) == (0, 0, 7, 0)


def test_district_converting_three_tardies_to_one_unlawful_day():
    district = rules(tardies_per_unlawful_absence=3)
    recs = [AttendanceRecord(day(i), Mark.TARDY) for i in range(6)]           # 6 unlawful tardies
    recs += [AttendanceRecord(day(6), Mark.EARLY_DEPARTURE)]                  # 7th: unlawful early departure
    recs += [AttendanceRecord(day(7), Mark.TARDY, reason_code="D")]            # lawful (weather): not counted
    recs += [AttendanceRecord(day(8), Mark.TARDY, minutes_present=150)]       # half day: its half already counts
    recs += [AttendanceRecord(day(40), Mark.TARDY), AttendanceRecord(day(41), Mark.TARDY)]  # Q2: only 2
    r = run(attendance=recs, rule_set=district)
    q1, q2 = by_name(r, "Q1"), by_name(r, "Q2")
    # Q1: 7 tardies // 3 = 2 days, plus the half day on day 8 = 2.5 unlawful; absence stays 0.5.
    assert (q1.unlawful_tardies, q1.days_from_tardies, q1.days_unlawful, q1.days_absent) == (7, 2, 2.5, 0.5)
    # Q2: 2 // 3 = 0.  Year: 9 tardies // 3 = 3, + 0.5 = 3.5 (converted per period, not summed).
    assert (q2.days_from_tardies, q2.days_unlawful) == (0, 0)
    assert r.year_to_date.days_unlawful == 3.5


# --- enrollment: mid-period entry, exit and re-entry, two schools ----------------------------------------


def test_enrollment_starting_mid_quarter():
    # Entered on day 30: Q1 counts days 30-39 = 10 enrolled days; Q2 the full 40; S1 50.
    r = run(enrollments=[EnrollmentSpan(day(30))], attendance=[absent(29), absent(30), absent(31)],
            as_of=day(79))
    q1, q2, s1 = by_name(r, "Q1"), by_name(r, "Q2"), by_name(r, "S1")
    assert (q1.days_enrolled, q2.days_enrolled, s1.days_enrolled) == (10, 40, 50)
    # The absence on day 29 was before entry: ignored, and said so. Q1: 2 of 10 = 20%.
    assert q1.days_absent == 2 and q1.absence_rate == 0.2
    assert r.ignored == (f"attendance record on {day(29):%m/%d/%Y}: not enrolled that day",)
    # Habitual truancy denominator is days enrolled in the period: 2 of 10 = exactly 20%, not above.
    assert not q1.habitual_truant
    assert "2 of 10 school days enrolled" in q1.habitual_truant.explanation


def test_exit_and_reentry():
    # Enrolled days 0-19, withdrawn, re-entered day 30 to day 49: Q1 = 20 + 10 = 30, Q2 = 40-49 = 10.
    spans = [EnrollmentSpan(day(0), day(19)), EnrollmentSpan(day(30), day(49))]
    r = run(enrollments=spans, attendance=[absent(5), absent(31), absent(45)])
    q1, q2 = by_name(r, "Q1"), by_name(r, "Q2")
    assert (q1.days_enrolled, q1.days_absent, q2.days_enrolled, q2.days_absent) == (30, 2, 10, 1)
    assert r.year_to_date.days_enrolled == 40 and by_name(r, "Q3").days_enrolled == 0
    assert by_name(r, "Q3").attendance_rate is None and by_name(r, "Q3").band is None
    assert not by_name(r, "Q3").abc_attendance


def test_student_at_two_schools_runs_per_school():
    # School A (the helper calendar): enrolled days 0-59, then moved to school B. School B's calendar has a
    # day off on A's day 60 (a local holiday), so its own 160 days run one day later.
    a_result = run(enrollments=[EnrollmentSpan(day(0), day(59))], attendance=[absent(10), absent(50)])
    b_calendar = weekdays(CALENDAR[0], 160, skip=frozenset({day(60)}))
    b_result = compute(rules=MD, as_of=b_calendar[159], calendar=b_calendar,
                       enrollments=[EnrollmentSpan(day(61))], periods=periods(b_calendar),
                       attendance=[AttendanceRecord(day(62), Mark.UNEXCUSED)])
    # A: 60 days enrolled (Q1 40 + Q2 20), 2 absent.
    assert (a_result.year_to_date.days_enrolled, a_result.year_to_date.days_absent) == (60, 2)
    # B: A's day 61 is B's day 60; B's last day is A's day 160, a day after A's year ends. B counts
    # its days 60-159 = 100 days; 1 unlawful absence.
    assert b_calendar[60] == day(61)
    assert (b_result.year_to_date.days_enrolled, b_result.year_to_date.days_unlawful) == (100, 1)


# --- chronic absence -----------------------------------------------------------------------------------


def test_chronic_absence_needs_ten_days_enrolled():
    # 9 days enrolled with 1 absence (11%): not evaluated.
    r = run(enrollments=[EnrollmentSpan(day(0))], attendance=[absent(0, "B")], as_of=day(8))
    assert r.year_to_date.days_enrolled == 9
    assert not r.chronic_absent
    assert "fewer than the 10 required" in r.chronic_absent.explanation
    # The 10th day: 1 of 10 = exactly 10%: chronically absent (10% or more), an excused absence counting.
    r = run(enrollments=[EnrollmentSpan(day(0))], attendance=[absent(0, "B")], as_of=day(9))
    assert r.chronic_absent and r.chronic_absent.dates == (day(0),)
    assert "1 of 10 days enrolled (10%)" in r.chronic_absent.explanation


def test_chronic_absence_just_under_the_rate():
    # 15.5 absent of 160 = 9.69%: not chronic; 16 of 160 = exactly 10%: chronic.
    recs = [absent(i, "B") for i in range(15)] + [half_unlawful(15)]
    assert not run(attendance=recs).chronic_absent
    assert run(attendance=[absent(i, "B") for i in range(16)]).chronic_absent


# --- habitual truancy (COMAR .04C) and §7-302.2 ----------------------------------------------------------


def test_exactly_twenty_percent_is_not_habitual_truancy_more_is():
    # Entered day 10: Q1 has 30 enrolled days; 20% of 30 = 6.
    spans = [EnrollmentSpan(day(10))]
    six = [absent(i) for i in range(10, 16)]
    r = run(enrollments=spans, attendance=six, as_of=day(39))
    q1 = by_name(r, "Q1")
    assert (q1.days_enrolled, q1.days_unlawful) == (30, 6)
    assert not q1.habitual_truant  # 6 is not in excess of 6
    # Half a day more: 6.5 > 6: habitual truant in Q1 (and not a §7-302.2 truant: 6.5 is not > 8).
    r = run(enrollments=spans, attendance=[*six, half_unlawful(16)], as_of=day(39))
    q1 = by_name(r, "Q1")
    assert q1.habitual_truant and not q1.truant_7_302_2


def test_habitual_truancy_in_any_period_explains_which():
    # Entered day 10, as of day 39: Q1, S1, the year period and the year to date all hold the same 30 days
    # (6.5 unlawful > 6), so each is flagged; the summary names every one and the dates.
    spans = [EnrollmentSpan(day(10))]
    recs = [*[absent(i) for i in range(10, 16)], half_unlawful(16)]
    r = run(enrollments=spans, attendance=recs, as_of=day(39))
    assert r.habitual_truant
    assert set(r.habitual_truant.periods) == {"2025-26", "Q1", "S1", "Year to date"}
    assert r.habitual_truant.dates == tuple(day(i) for i in range(10, 17))
    assert "Maryland default (version 2026.2)" in r.habitual_truant.explanation
    assert "6.5 of 30 school days enrolled" in r.habitual_truant.explanation


def test_habitual_truancy_in_one_quarter_only():
    # 9 unlawful days in Q2 (of 40: 22.5% > 20%), none elsewhere. Q2 flagged; S1 = 9 of 80 = 11.25% not;
    # year 9 of 160 not. §7-302.2: 9 > 8 in a quarter: truant student too.
    r = run(attendance=[absent(i) for i in range(40, 49)])
    assert [p.name for p in r.periods if p.habitual_truant] == ["Q2"]
    assert r.habitual_truant.periods == ("Q2",)
    assert r.truant_7_302_2.periods == ("Q2",)


def test_eight_unlawful_days_in_a_quarter_is_not_truant_eight_and_a_half_is():
    eight = [absent(i) for i in range(8)]
    r = run(attendance=eight)
    q1 = by_name(r, "Q1")
    # 8 of 40 = exactly 20%: neither habitual truant nor truant student.
    assert q1.days_unlawful == 8 and not q1.truant_7_302_2 and not q1.habitual_truant
    assert not r.truant_7_302_2
    r = run(attendance=[*eight, half_unlawful(8)])
    q1 = by_name(r, "Q1")
    assert q1.days_unlawful == 8.5 and q1.truant_7_302_2 and q1.habitual_truant
    assert r.truant_7_302_2.periods == ("Q1",)
    assert "more than 8 in a quarter" in q1.truant_7_302_2.explanation


def test_semester_and_year_limits():
    # 7.5 + 7.5 unlawful in Q1 and Q2 = 15 in S1: not more than 15; neither quarter above 8.
    def spread(start, n_full):
        return [absent(start + i) for i in range(n_full)] + [half_unlawful(start + n_full)]
    s1_15 = spread(0, 7) + spread(40, 7)
    r = run(attendance=s1_15)
    assert by_name(r, "S1").days_unlawful == 15 and not by_name(r, "S1").truant_7_302_2
    assert not r.truant_7_302_2
    # Half a day more in Q2 (8 there, still not > 8): S1 = 15.5 > 15: truant by the semester limit.
    r = run(attendance=[*s1_15, half_unlawful(60)])
    assert by_name(r, "S1").truant_7_302_2 and r.truant_7_302_2.periods == ("S1",)
    # Year: 5 per quarter = 20 in the year: not more than 20 (S1 = S2 = 10, quarters 5).
    year_20 = [absent(q * 40 + i) for q in range(4) for i in range(5)]
    r = run(attendance=year_20)
    assert r.year_to_date.days_unlawful == 20 and not r.truant_7_302_2
    # 20.5: the year period and the year to date are both over 20.
    r = run(attendance=[*year_20, half_unlawful(150)])
    assert set(r.truant_7_302_2.periods) == {"2025-26", "Year to date"}


def test_district_tightened_to_fifteen_percent():
    # Q1 with 30 enrolled days (entered day 10), 5 unlawful = 16.7%: not above 20% (6 days) under the
    # default; above 15% (4.5 days) under the district's rule set.
    spans = [EnrollmentSpan(day(10))]
    recs = [absent(i) for i in range(10, 15)]
    assert not by_name(run(enrollments=spans, attendance=recs, as_of=day(39)), "Q1").habitual_truant
    district = rules(habitual_truant_rate=0.15)
    q1 = by_name(run(enrollments=spans, attendance=recs, as_of=day(39), rule_set=district), "Q1")
    assert q1.habitual_truant
    assert "Test district (version 2026.2)" in q1.habitual_truant.explanation
    assert "more than 15% (4.5 days)" in q1.habitual_truant.explanation


# --- bands and ABC ------------------------------------------------------------------------------------


ONE_HUNDRED = weekdays(datetime.date(2025, 9, 1), 100)
YEAR_100 = [Period("Year", PeriodKind.YEAR, ONE_HUNDRED[0], ONE_HUNDRED[-1])]


@pytest.mark.parametrize(("absent_days", "band"), [
    (0, "satisfactory"),
    (4.5, "satisfactory"),      # 4.5%
    (5, "at_risk"),             # exactly 5%
    (9.5, "at_risk"),           # 9.5%
    (10, "moderate_chronic"),   # exactly 10%
    (19.5, "moderate_chronic"),
    (20, "severe_chronic"),     # exactly 20%
    (60, "severe_chronic"),
])
def test_bands_at_each_edge(absent_days, band):
    full = int(absent_days)
    recs = [AttendanceRecord(ONE_HUNDRED[i], Mark.EXCUSED, reason_code="B") for i in range(full)]
    if absent_days != full:
        recs.append(AttendanceRecord(ONE_HUNDRED[full], Mark.EXCUSED, reason_code="B", minutes_present=150))
    r = compute(rules=MD, as_of=ONE_HUNDRED[-1], calendar=ONE_HUNDRED, enrollments=[EnrollmentSpan(ONE_HUNDRED[0])],
                periods=YEAR_100, attendance=recs)
    assert r.year_to_date.days_absent == absent_days
    assert r.year_to_date.band == band
    # ABC attendance: under 90% present. Exactly 10% absent = 90% present: no flag.
    assert bool(r.abc_attendance) == (absent_days > 10)


def test_abc_behavior_and_suspension_days():
    actions = [
        DisciplineAction("D-1", day(5), DisciplineKind.OUT_OF_SCHOOL_SUSPENSION, Decimal(3)),
        DisciplineAction("D-2", day(50), DisciplineKind.IN_SCHOOL_SUSPENSION, Decimal("0.5")),
        DisciplineAction("D-3", day(60), DisciplineKind.OTHER),
        DisciplineAction("D-4", day(120), DisciplineKind.OUT_OF_SCHOOL_SUSPENSION, Decimal(2)),
    ]
    recs = [AttendanceRecord(day(i), Mark.SUSPENSION) for i in (5, 6, 7)]
    r = run(discipline=actions, attendance=recs, as_of=day(99))
    # As of day 99: D-1 and D-2 count (D-3 is not a suspension, D-4 is after the as-of date): 2 suspensions,
    # 3 + 0.5 = 3.5 days. The 3 suspension days are lawful absences.
    ytd = r.year_to_date
    assert (ytd.suspensions, ytd.days_suspended, ytd.days_absent, ytd.days_unlawful) == (2, 3.5, 3, 0)
    assert r.abc_behavior and r.abc_behavior.events[0].startswith("out_of_school_suspension D-1")
    assert (by_name(r, "Q1").suspensions, by_name(r, "Q2").suspensions, by_name(r, "Q3").suspensions) == (1, 1, 0)
    assert not by_name(r, "Q3").abc_behavior
    assert "0 suspension(s)" in by_name(r, "Q3").abc_behavior.explanation


# --- as-of dates, explanations, bad input --------------------------------------------------------------


def test_as_of_mid_quarter_counts_only_days_so_far():
    # As of day 44: Q1 complete (40 days), Q2 in progress with days 40-44 = 5; Q3/Q4/S2 not begun, left out.
    r = run(attendance=[absent(42), absent(50)], as_of=day(44))
    q2 = by_name(r, "Q2")
    assert (q2.days_enrolled, q2.days_absent, q2.complete, q2.through) == (5, 1, False, day(44))
    assert by_name(r, "Q1").complete
    assert [p.name for p in r.periods] == ["Q1", "S1", "2025-26", "Q2"]
    assert q2.chronic_absent.explanation.startswith(
        f"Not evaluated in Q2 ({day(40):%m/%d/%Y} to {day(79):%m/%d/%Y}, in progress: counted through "
        f"{day(44):%m/%d/%Y}): enrolled 5 day(s), fewer than the 10 required.")
    assert r.year_to_date.days_enrolled == 45


def test_records_outside_school_days_are_reported_not_counted():
    saturday = datetime.date(2025, 9, 6)
    r = run(attendance=[AttendanceRecord(saturday, Mark.UNEXCUSED)])
    assert r.year_to_date.days_absent == 0
    assert r.ignored == ("attendance record on 09/06/2025: not an instructional day",)


def test_two_records_for_one_day_are_refused():
    with pytest.raises(ValueError, match="Two attendance records for 2025-09-01"):
        run(attendance=[absent(0), AttendanceRecord(day(0), Mark.TARDY)])


def test_empty_calendar_is_refused():
    with pytest.raises(ValueError, match="no instructional days"):
        compute(rules=MD, as_of=END, calendar=[], enrollments=WHOLE_YEAR)


def test_every_flag_explains_itself_raised_or_not():
    r = run(attendance=[absent(i) for i in range(20)])
    for flag in r.flags.values():
        assert flag.rule == "Maryland default (version 2026.2)"
        assert flag.explanation
    for p in (*r.periods, r.year_to_date):
        for flag in (p.chronic_absent, p.habitual_truant, p.abc_attendance, p.abc_behavior):
            assert flag is not None and p.name in flag.explanation


def test_invalid_values_are_refused_by_the_engine_too():
    from .helpers import shipped_values

    values = shipped_values()
    values["habitual_truant_rate"]["value"] = 0
    with pytest.raises(ValueError, match="habitual_truant_rate"):
        type(MD).from_values(name="Broken", version="1", values=values)


def test_day_ledger_for_the_attendance_calendar():
    # One entry per enrolled instructional day up to the as-of date, with its portions.
    r = run(enrollments=[EnrollmentSpan(day(1))], as_of=day(4), attendance=[
        half_unlawful(2), absent(3, "F"), AttendanceRecord(day(4), Mark.TARDY)])
    assert [(d.day, d.mark, d.present, d.absent, d.unlawful, d.lawful, d.unlawful_tardy) for d in r.days] == [
        (day(1), Mark.PRESENT, 1.0, 0.0, 0.0, True, False),
        (day(2), Mark.EARLY_DEPARTURE, 0.5, 0.5, 0.5, False, False),
        (day(3), Mark.EXCUSED, 0.0, 1.0, 0.0, True, False),
        (day(4), Mark.TARDY, 1.0, 0.0, 0.0, False, True),
    ]


def test_worked_example_in_docs_rules_md():
    # docs/rules.md "Worked example": entered on the 31st day of Q1 (day 30): 10 days enrolled; one illness
    # (B), one unexcused, one early departure after 3 h without a reason.
    r = run(enrollments=[EnrollmentSpan(day(30))], as_of=day(39),
            attendance=[absent(31, "B"), absent(33), half_unlawful(35)])
    q1 = by_name(r, "Q1")
    # present 10 - 1 - 1 - 0.5 = 7.5; absent 2.5; unlawful 1 + 0.5 = 1.5.
    assert (q1.days_enrolled, q1.days_present, q1.days_absent, q1.days_unlawful) == (10, 7.5, 2.5, 1.5)
    assert (q1.attendance_rate, q1.absence_rate, q1.band) == (0.75, 0.25, "severe_chronic")
    assert q1.chronic_absent and q1.abc_attendance
    assert not q1.habitual_truant and not q1.truant_7_302_2  # 1.5 is not > 2 (20% of 10), not > 8


def test_dates_in_an_explanation_read_as_runs_of_school_days():
    from casework.rules.engine import _dates

    D = datetime.date
    # School days: the weekdays of 9/15-10/3/2025 but Mon 9/29 (a holiday), and Sat 9/20 (a make-up day).
    school = sorted({D(2025, 9, 15) + datetime.timedelta(days=i) for i in range(19)
                     if (D(2025, 9, 15) + datetime.timedelta(days=i)).weekday() < 5} - {D(2025, 9, 29)}
                    | {D(2025, 9, 20)})
    # Mon 9/15 - Fri 9/19: a run of 5; the Saturday make-up day was attended, so Mon 9/22 starts another,
    # with Tue 9/23 (two in a row are listed, not a run). Thu 9/25 - Tue 9/30 (given out of order; the
    # weekend and the Monday holiday between are no school days): a run of 3. Thu 10/2 alone (Wed 10/1 was
    # a school day). A date that is no school day stands alone.
    days = [D(2025, 9, d) for d in (15, 16, 17, 18, 19, 22, 23, 30, 26, 25)] + [D(2025, 10, 2), D(2025, 10, 4)]
    assert _dates(days, school) == ("09/15/2025 to 09/19/2025 (5 days), 09/22/2025, 09/23/2025, 09/25/2025 to "
                                    "09/30/2025 (3 days), 10/02/2025, 10/04/2025")
    assert _dates(days, school, limit=2) == "09/15/2025 to 09/19/2025 (5 days), 09/22/2025, 09/23/2025 and 5 more days"
    assert _dates([], school) == ""


def test_one_day_is_written_in_the_singular():
    # Entered day 155, as of day 159: 5 school days enrolled; 20% of 5 is 1 day; 2 unlawful days are more.
    r = run(enrollments=[EnrollmentSpan(day(155))], attendance=[absent(155), absent(156)])
    assert "unlawfully absent 2 of 5 school days enrolled; habitual truancy is more than 20% (1 day)." \
        in r.habitual_truant.explanation
