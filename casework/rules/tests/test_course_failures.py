"""The ABC course-failure flag on hand-made grades. No database. The shipped rules read the course
defaults (a letter E or F fails; without a letter, a numeric grade under 60; one failed course flags)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.rules import definition
from casework.rules.engine import CourseGradeRecord, EnrollmentSpan, compute, course_failing

from .helpers import CALENDAR, MD, day, periods, rules, shipped_values

WHOLE_YEAR = [EnrollmentSpan(day(0))]
Q1_END, Q2_END, LAST = day(39), day(79), day(159)


def grade(code="ALG1", letter="", numeric=None, period="Q1", given_on=Q1_END, title="", grade_type="Grading Period"):
    return CourseGradeRecord(code, title, period, grade_type, letter,
                             None if numeric is None else Decimal(str(numeric)), given_on)


def run(grades, *, as_of=LAST, rule_set=MD):
    return compute(rules=rule_set, as_of=as_of, calendar=CALENDAR, enrollments=WHOLE_YEAR, periods=periods(),
                   grades=grades)


@pytest.mark.parametrize(("letter", "numeric", "fails"), [
    ("E", None, True),      # Maryland systems that grade A-E
    ("F", None, True),      # ... and those that grade A-F
    ("e", None, True),      # as the SIS may write it
    (" F ", None, True),
    ("D", None, False),
    ("D-", None, False),
    ("", Decimal("59.99"), True),   # no letter: under 60 fails
    ("", Decimal("60"), False),     # exactly at the mark passes
    ("", None, False),              # nothing given: not a failure
    ("D", Decimal("55"), False),    # the letter decides when there is one (the report card prints it)
    ("F", Decimal("75"), True),
])
def test_failing_by_letter_then_number(letter, numeric, fails):
    assert course_failing(MD, letter, numeric) is fails


def test_no_grades_is_not_evaluated():
    r = run([])
    assert not r.abc_course and r.course_failures == 0
    assert r.abc_course.explanation.startswith("Not evaluated as of 04/10/2026: no course grades given")
    assert "abc_course" in r.flags


def test_one_failed_course_raises_the_flag_and_names_the_grade():
    r = run([grade("ALG1", "E", 52, title="Algebra I"), grade("ENG9", "B", 85)])
    assert r.abc_course.raised and r.course_failures == 1
    assert r.abc_course.periods == ("Year to date",)
    assert r.abc_course.dates == (Q1_END,)
    text = r.abc_course.explanation
    assert "failed 1 course(s) in 2 grade(s)" in text
    assert "ALG1 Algebra I (E, 52, Q1 grading period grade of 10/24/2025)" in text
    assert "ENG9" not in text  # a passing grade is not listed
    assert "the flag is 1 or more failed courses" in text


def test_a_course_failed_twice_counts_once_two_courses_twice():
    same = [grade("ALG1", "F", period="Q1", given_on=Q1_END), grade("ALG1", "F", period="Q2", given_on=Q2_END)]
    assert run(same).course_failures == 1
    assert run([*same, grade("BIO", "", 40, period="Q2", given_on=Q2_END)]).course_failures == 2


def test_a_grade_counts_from_the_day_it_was_given():
    # Q1's grade is given on its last day (10/24/2025): the day before, it does not count.
    q1 = [grade("ALG1", "F", given_on=Q1_END)]
    assert not run(q1, as_of=day(38)).abc_course
    assert run(q1, as_of=day(38)).abc_course.explanation.startswith("Not evaluated")
    assert run(q1, as_of=day(39)).abc_course.raised
    # A progress report given mid-quarter (its as-of date) counts from that day.
    progress = [grade("ALG1", "E", period="Q2", given_on=day(60), grade_type="Progress Report")]
    assert not run(progress, as_of=day(59)).abc_course
    assert run(progress, as_of=day(60)).abc_course.raised


def test_passing_grades_only_is_evaluated_and_not_raised():
    r = run([grade("ALG1", "C", 74), grade("ENG9", "", 60)])
    assert not r.abc_course and r.course_failures == 0
    assert r.abc_course.explanation.startswith("No course failure flag as of 04/10/2026: failed 0 course(s) in "
                                               "2 grade(s)")


def test_a_district_grading_policy():
    # Fails under 70, letters F only (E is not on its scale), flags at two failed courses.
    district = rules(course_failing_numeric_below=70, course_failing_letter_grades=["F"], abc_min_course_failures=2)
    one = [grade("ALG1", "", 65)]
    assert run(one, rule_set=district).course_failures == 1 and not run(one, rule_set=district).abc_course
    assert not run(one).abc_course  # 65 passes under the default mark of 60
    two = [*one, grade("ENG9", "F")]
    assert run(two, rule_set=district).abc_course.raised
    assert not run([grade("ALG1", "E")], rule_set=district).course_failures
    assert "a grade fails at F, or under 70 where no letter is given; the flag is 2 or more" in \
        run(two, rule_set=district).abc_course.explanation


def test_course_keys_are_optional_and_validated():
    values = shipped_values()
    assert not definition.validate_values(values)  # the shipped sets predate the keys
    assert definition.value(values, "course_failing_letter_grades") == ["E", "F"]
    bad = {**values, "course_failing_letter_grades": {"value": "F", "source": "x"},
           "course_failing_numeric_below": {"value": 0, "source": "x"},
           "abc_min_course_failures": {"value": 0, "source": "x"}}
    errors = definition.validate_values(bad)
    assert set(errors) == {"course_failing_letter_grades", "course_failing_numeric_below", "abc_min_course_failures"}
    ok = {**values, "course_failing_letter_grades": {"value": [], "source": "Pass/fail only"}}
    assert not definition.validate_values(ok)
    assert not course_failing(rules(course_failing_letter_grades=[]), "F", None)
