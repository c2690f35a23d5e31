"""The attendance calendar for a hand-made September 2025 (1 September is a Monday).

School days: every weekday of the month except Mon 9/1 (Labor Day, a holiday). The student enters on
Wed 9/3; as of Wed 9/10. The engine scored: 9/3 present, 9/4 half day (left after 150 minutes),
9/5 excused with reason B (lawful), 9/8 unlawful, 9/9 tardy (full day), 9/10 present."""

from datetime import date, timedelta

from casework.attendance import calendar_view as cv
from casework.rules.engine import DayResult, EnrollmentSpan, Mark

D = date
SCHOOL_DAYS = [D(2025, 9, 1) + timedelta(days=i) for i in range(30)
               if (D(2025, 9, 1) + timedelta(days=i)).weekday() < 5 and i != 0]
DAYS = [
    DayResult(D(2025, 9, 3), Mark.PRESENT, 1.0, 0.0, 0.0, True, None, False),
    DayResult(D(2025, 9, 4), Mark.EARLY_DEPARTURE, 0.5, 0.5, 0.5, False, None, False),
    DayResult(D(2025, 9, 5), Mark.EXCUSED, 0.0, 1.0, 0.0, True, "B", False),
    DayResult(D(2025, 9, 8), Mark.UNEXCUSED, 0.0, 1.0, 1.0, False, None, False),
    DayResult(D(2025, 9, 9), Mark.TARDY, 1.0, 0.0, 0.0, False, None, True),
    DayResult(D(2025, 9, 10), Mark.PRESENT, 1.0, 0.0, 0.0, True, None, False),
]


def grid():
    months = cv.month_grids(school_days=SCHOOL_DAYS, enrollments=[EnrollmentSpan(D(2025, 9, 3))], days=DAYS,
                            as_of=D(2025, 9, 10))
    assert len(months) == 1
    return months[0]


def cells(month):
    return {c.day.day: c for week in month.weeks for c in week if c is not None}


def test_weeks_run_sunday_to_saturday():
    month = grid()
    assert month.title == "September 2025"
    assert len(month.weeks) == 5 and all(len(w) == 7 for w in month.weeks)
    assert month.weeks[0][0] is None  # Sunday 8/31 belongs to August
    assert [c.day.day for c in month.weeks[0][1:]] == [1, 2, 3, 4, 5, 6]
    assert [c and c.day.day for c in month.weeks[4]] == [28, 29, 30, None, None, None, None]


def test_each_day_gets_status_letter_and_label():
    c = cells(grid())
    expected = {
        1: ("no-school", "", "No school"),  # Labor Day
        2: ("not-enrolled", "N", "Not enrolled"),  # before entry
        3: ("present", "P", "Present"),
        4: ("half", "H", "Half day (unlawful)"),
        5: ("excused", "E", "Excused (lawful) absence (reason B)"),
        6: ("no-school", "", "No school"),  # Saturday
        8: ("unlawful", "U", "Unlawful absence"),
        9: ("tardy", "T", "Tardy (unlawful)"),
        10: ("present", "P", "Present"),
        11: ("upcoming", "", "School day not yet counted"),  # after the as-of date
    }
    for day, (key, letter, label) in expected.items():
        assert (c[day].status.key, c[day].status.letter, c[day].label) == (key, letter, label), day


def test_suspension_and_unlawful_excused_absence():
    out_of_school = DayResult(D(2025, 9, 3), Mark.SUSPENSION, 0.0, 1.0, 0.0, True, "H", False)
    no_reason = DayResult(D(2025, 9, 4), Mark.EXCUSED, 0.0, 1.0, 1.0, False, None, False)
    assert cv.day_status(out_of_school) == (cv.SUSPENDED, "out of school")
    assert cv.day_status(no_reason) == (cv.UNLAWFUL, "")  # "excused" without a lawful reason is unlawful


def test_months_run_from_the_first_school_day_to_the_as_of_date():
    months = cv.month_grids(school_days=[D(2025, 8, 25), D(2025, 12, 19)], enrollments=[EnrollmentSpan(D(2025, 8, 25))],
                            days=[], as_of=D(2025, 10, 2))
    assert [m.title for m in months] == ["August 2025", "September 2025", "October 2025"]
    assert cv.month_grids(school_days=[], enrollments=[], days=[], as_of=D(2025, 10, 2)) == []


def test_legend_letters_are_distinct():
    letters = [s.letter for s in cv.LEGEND if s.letter]
    assert len(letters) == len(set(letters)) == 8


def test_every_status_a_day_can_have_is_in_the_legend_with_a_style_of_its_own():
    """A day not yet counted (after the as-of date) is neither a day off nor left out of the legend."""
    assert cv.LEGEND[-2:] == (cv.NO_SCHOOL, cv.UPCOMING)
    assert len({s.key for s in cv.LEGEND}) == len({s.label for s in cv.LEGEND}) == 10

    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("casework/charts.css")).read_text(encoding="utf-8")
    rules = dict(re.findall(r"^\.st-([a-z-]+) \{([^}]*)\}", css, re.MULTILINE))
    assert set(rules) == {s.key for s in cv.LEGEND}
    assert rules["upcoming"] != rules["no-school"] and "dashed" in rules["upcoming"]  # a frame, not colour alone


def test_running_rate_by_week():
    weeks = cv.running_rate_by_week(DAYS)
    # Week of 9/1: 9/3-9/5, present 1 + 0.5 + 0 = 1.5 of 3. Through 9/10: 1.5 + 0 + 1 + 1 = 3.5 of 6.
    assert [(w.week_of, w.through, w.days_enrolled, w.days_present) for w in weeks] == [
        (D(2025, 9, 1), D(2025, 9, 5), 3, 1.5), (D(2025, 9, 8), D(2025, 9, 10), 6, 3.5)]
    assert weeks[0].rate == 0.5 and abs(weeks[1].rate - 3.5 / 6) < 1e-12
    assert cv.running_rate_by_week([]) == []
