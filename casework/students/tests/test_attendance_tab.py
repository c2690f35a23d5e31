"""The student's attendance tab, on a hand-made September 2025 (1 September is a Monday).

School A100 lists every weekday 9/1-9/26 (20 days) as instructional, 9/29 a holiday; Q1 = 9/1-9/12,
Q2 = 9/15-9/26. The student enters on Wed 9/3 (18 days enrolled through 9/26) and, as of 9/26:
unlawful 9/4, 9/5, 9/8 (3 days); excused 9/9 with reason B (lawful); left after 150 minutes on 9/10 (a half
day, unlawful); tardy 9/11; out-of-school suspension 9/15 (lawful, reason H).
  Absent 3 + 1 + 0.5 + 1 = 5.5 of 18 = 30.6% -> chronically absent, severe band; attendance 69.4%.
  Unlawful in Q1 (8 days enrolled, 9/3-9/12): 3.5 -> more than 20% (1.6 days): habitual truant in Q1.
  Unlawful in the year: 3.5 of 18, under 20% (3.6 days); no 7-302.2 limit reached (8 in a quarter).
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from casework.audit.models import AccessLog
from casework.calendars.services import grading_period_create
from casework.core.testing import factories as f

D = date
pytestmark = pytest.mark.django_db
AS_OF = "2025-09-26"


def weekdays(start, end):
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


def september_school(code):
    s = f.school(code=code, name=f"School {code}")
    f.session(school=s, begin=D(2025, 9, 1), end=D(2025, 9, 30), calendar_source="dates_listed",
              total_instructional_days=20)
    days = dict.fromkeys(weekdays(D(2025, 9, 1), D(2025, 9, 26)), "instructional") | {D(2025, 9, 29): "holiday"}
    f.calendar_dates(school=s, days=days)
    for seq, (begin, end) in enumerate(((D(2025, 9, 1), D(2025, 9, 12)), (D(2025, 9, 15), D(2025, 9, 26))), 1):
        grading_period_create(actor=None, school=s, school_year=2026, kind="quarter", sequence=seq, name=f"Q{seq}",
                              begin=begin, end=end)
    return s


@pytest.fixture
def setup(db):
    a, b = september_school("A100"), september_school("B200")
    kid = f.student(school=a, entry_date=D(2025, 9, 3), first_name="Ana", last_name="Testcase")
    ev = f.attendance_event
    for day in (D(2025, 9, 4), D(2025, 9, 5), D(2025, 9, 8)):
        ev(student=kid, school=a, date=day, category="unexcused")
    ev(student=kid, school=a, date=D(2025, 9, 9), category="excused", reason_code="B")
    ev(student=kid, school=a, date=D(2025, 9, 10), category="early_departure", minutes_present=150)
    ev(student=kid, school=a, date=D(2025, 9, 11), category="tardy", minutes_present=350)
    ev(student=kid, school=a, date=D(2025, 9, 15), category="out_of_school_suspension")
    f.discipline_action(student=kid, school=a, start_date=D(2025, 9, 15), length_days=1, action_id="OSS-77")
    f.program_participation(student=kid, kind="homeless", begin=D(2025, 9, 2))
    f.program_participation(student=kid, kind="section_504", begin=D(2024, 9, 2), end=D(2025, 6, 1))
    other = f.student(school=b, entry_date=D(2025, 9, 1), last_name="Elsewhere")
    return {"a": a, "b": b, "kid": kid, "other": other, "director": f.user(role="director"),
            "ppw_a": f.user(role="ppw", schools=[a]), "ppw_b": f.user(role="ppw", schools=[b])}


def tab(client, user, student, **params):
    client.force_login(user)
    return client.get(reverse("students:attendance", kwargs={"pk": student.pk}), {"as_of": AS_OF} | params)


def test_figures_flags_and_explanations(client, setup):
    response = tab(client, setup["director"], setup["kid"])
    assert response.status_code == 200
    [section] = response.context["sections"]
    y = section.year_to_date
    assert (y.days_enrolled, y.days_absent, y.days_unlawful) == (18, 5.5, 3.5)
    assert section.rate_text == "69.4%" and section.band_label == "Severe chronic absence"
    flags = dict(section.flags)
    assert flags["Chronically absent"].raised and flags["Habitual truant"].raised
    assert not flags["Truant (Educ. Art. 7-302.2)"].raised
    assert flags["Habitual truant"].periods == ("Q1",)
    body = response.content.decode()
    # Each explanation is on the page, with its rule version, period and dates.
    assert "absent 5.5 of 18 days enrolled (30.6%)" in body
    assert "Habitual truant in Q1 (09/01/2025 to 09/12/2025): unlawfully absent 3.5 of 8 school days" in body
    assert "Rule set: Maryland default (version 2026.2)." in body
    assert "Unlawful absences on 09/04/2025 to 09/08/2025 (3 days), 09/10/2025." in body
    # Discipline and programs, with dates.
    assert "Out-of-school suspension" in body and "09/15/2025" in body
    assert "McKinney-Vento (homeless)" in body and "Section 504 plan" in body and "06/01/2025" in body
    assert [active for _, active in response.context["programs"]] == [True, False]


def test_calendar_and_rate_chart(client, setup):
    response = tab(client, setup["director"], setup["kid"])
    [section] = response.context["sections"]
    [month] = section.months
    cells = {c.day.day: c for week in month.weeks for c in week if c}
    got = {d: (cells[d].status.letter, cells[d].label) for d in (1, 2, 3, 4, 9, 10, 11, 15, 29)}
    assert got == {
        1: ("N", "Not enrolled"), 2: ("N", "Not enrolled"), 3: ("P", "Present"), 4: ("U", "Unlawful absence"),
        9: ("E", "Excused (lawful) absence (reason B)"), 10: ("H", "Half day (unlawful)"),
        11: ("T", "Tardy (unlawful)"),  # no lawful reason given: presumed unlawful (COMAR .04A)
        15: ("S", "Suspended (out of school)"), 29: ("", "No school"),
    }
    # Weeks: 9/3-9/5 present 1 of 3; through 9/12 present 1 + 0 + 0 + 0.5 + 1 + 1 = 3.5 of 8 (43.8%).
    assert [(w.days_enrolled, w.days_present, pct) for w, pct in section.weeks][:2] == [(3, 1.0, "33.3%"),
                                                                                      (8, 3.5, "43.8%")]
    body = response.content.decode()
    assert 'aria-label="Running attendance rate by week"' in body and 'class="goal"' in body
    assert "Half day (unlawful)" in body  # the label is in the page, not only the colour
    assert 'aria-current="page">Attendance</a>' in body


def test_logs_access(client, setup):
    tab(client, setup["director"], setup["kid"])
    entry = AccessLog.objects.get(student=setup["kid"])
    assert (entry.action, entry.detail, entry.actor) == ("view", "attendance", setup["director"])


def test_out_of_scope_is_404_and_not_logged(client, setup):
    response = tab(client, setup["ppw_b"], setup["kid"])
    assert response.status_code == 404
    assert "Testcase" not in response.content.decode()
    assert not AccessLog.objects.filter(student=setup["kid"]).exists()
    assert tab(client, setup["ppw_a"], setup["kid"]).status_code == 200
    for role in ("school_staff", "auditor"):
        assert tab(client, f.user(role=role, schools=[setup["a"]] if role == "school_staff" else ()),
                   setup["kid"]).status_code == 404


def test_a_student_who_moved_shows_each_school_in_scope(client, setup):
    kid, a, b = setup["kid"], setup["a"], setup["b"]
    from casework.students import services as st

    st.enrollment_exit(actor=None, enrollment=kid.enrollments.get(school=a), exit_date=D(2025, 9, 12))
    f.enrollment(student=kid, school=b, entry_date=D(2025, 9, 15))
    sections = tab(client, setup["director"], kid).context["sections"]
    assert [(s.school_name, s.year_to_date.days_enrolled) for s in sections] == [("School A100", 8),
                                                                                  ("School B200", 10)]
    # The PPW of school B reaches the student through the enrollment there, and reads only school B's attendance.
    sections = tab(client, setup["ppw_b"], kid).context["sections"]
    assert [s.school_name for s in sections] == ["School B200"]


def test_bad_date_and_missing_calendar_get_messages(client, setup):
    response = tab(client, setup["director"], setup["kid"], as_of="26/09/2025")
    assert response.status_code == 200
    # The message names the date shown instead (no snapshot: the last day attendance was recorded), not "today".
    assert response.context["as_of"] == D(2025, 9, 15)
    assert ("is not a date written YYYY-MM-DD; showing attendance as of 09/15/2025."
            in response.content.decode())
    # A school year without a calendar: a message in place of the figures, not an error page.
    response = tab(client, setup["director"], setup["kid"], as_of="2026-09-15")
    [section] = response.context["sections"]
    assert section.error.startswith("No calendar for school(s) A100")
    assert "Import the school calendar first." in response.content.decode()


def test_without_a_date_the_tab_is_as_of_the_stored_snapshot(client, setup):
    """The early-warning list shows the stored snapshot; the tab opens on the same date, not on today
    (days after the last SIS extract would otherwise count as present)."""
    from casework.indicators.services import indicators_recompute

    indicators_recompute(as_of=D(2025, 9, 19))
    client.force_login(setup["director"])
    response = client.get(reverse("students:attendance", kwargs={"pk": setup["kid"].pk}))
    assert response.status_code == 200 and response.context["as_of"] == D(2025, 9, 19)


def test_without_a_snapshot_the_tab_is_as_of_the_last_recorded_day(client, setup):
    client.force_login(setup["director"])
    response = client.get(reverse("students:attendance", kwargs={"pk": setup["kid"].pk}))
    assert response.context["as_of"] == D(2025, 9, 15)  # the last attendance event of the district


def test_a_date_that_does_not_exist_says_so(client, setup):
    response = tab(client, setup["director"], setup["kid"], as_of="2026-02-30")
    assert response.status_code == 200 and response.context["as_of"] == D(2025, 9, 15)
    body = response.content.decode()
    assert "2026-02-30 is not a date that exists (check the month and day); showing attendance as of 09/15/2025." \
        in body
    assert "YYYY-MM-DD" not in response.context["as_of_error"]


def test_a_future_date_is_shown_as_of_today(client, setup, monkeypatch):
    """Days after today have no attendance yet: counting them would show them all as present."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2025, 9, 19))
    response = tab(client, setup["director"], setup["kid"], as_of="2025-09-26")
    assert response.status_code == 200 and response.context["as_of"] == D(2025, 9, 19)
    assert "Attendance is known up to today; showing as of 09/19/2025." in response.content.decode()
    [section] = response.context["sections"]
    assert section.year_to_date.days_enrolled == 13  # 9/3 to 9/19, not the 18 days through 9/26
    # The default date (the stored snapshot's) is never after today either.
    from casework.indicators.services import indicators_recompute

    indicators_recompute(as_of=D(2025, 9, 19))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2025, 9, 12))
    client.force_login(setup["director"])
    response = client.get(reverse("students:attendance", kwargs={"pk": setup["kid"].pk}))
    assert response.context["as_of"] == D(2025, 9, 12) and not response.context["as_of_error"]


def test_the_calendar_method_is_named_in_words(client, setup):
    body = tab(client, setup["director"], setup["kid"]).content.decode()
    assert "<dt>Calendar</dt><dd>Dates listed (every school day given)</dd>" in body
    assert "dates_listed" not in body


def test_days_not_yet_counted_have_their_own_look_and_legend_entry(client, setup):
    """As of Fri 9/19, the school days 9/22-9/26 are not yet counted: not days off (9/27, a Saturday, and the
    9/29 holiday are), so they have their own class and label, and the legend names them in words."""
    body = tab(client, setup["director"], setup["kid"], as_of="2025-09-19").content.decode()
    legend = body[body.index('aria-label="Calendar legend"'):body.index("</ul>", body.index("Calendar legend"))]
    assert '<li><span class="swatch st-upcoming" aria-hidden="true"></span>School day not yet counted</li>' in legend
    assert '<li><span class="swatch st-no-school" aria-hidden="true"></span>No school</li>' in legend
    for day in (22, 26):
        assert (f'<td class="st-upcoming"><span class="day-num">{day}</span><span class="day-letter" '
                'aria-hidden="true"></span><span class="visually-hidden">School day not yet counted</span></td>'
                ) in body
    for day in (27, 29):
        assert (f'<td class="st-no-school"><span class="day-num">{day}</span><span class="day-letter" '
                'aria-hidden="true"></span><span class="visually-hidden">No school</span></td>') in body
    # The last counted day is still itself: Fri 9/19, present.
    assert ('<td class="st-present"><span class="day-num">19</span><span class="day-letter" aria-hidden="true">P'
            '</span><span class="visually-hidden">Present</span></td>') in body


def test_course_grades_and_the_course_failure_flag(client, setup):
    """Q1 (ends 9/12): ALG1 E 52 fails; ENG9 numeric 61 passes. Q2 (ends 9/26, the as-of date): BIO F counts
    from 9/26. As of 9/26: two courses failed; as of 9/25 one (BIO not yet given)."""
    from casework.calendars.models import GradingPeriod

    kid, a = setup["kid"], setup["a"]
    q1, q2 = (GradingPeriod.objects.get(school=a, name=n) for n in ("Q1", "Q2"))
    f.course_grade(student=kid, school=a, grading_period=q1, course_code="ALG1", course_title="Algebra I",
                   letter_grade="E", numeric_grade=52)
    f.course_grade(student=kid, school=a, grading_period=q1, course_code="ENG9", numeric_grade=61)
    f.course_grade(student=kid, school=a, grading_period=q2, course_code="BIO", letter_grade="F")
    response = tab(client, setup["ppw_a"], kid)
    [section] = response.context["sections"]
    course = dict(section.flags)["ABC: course failure"]
    assert course.raised
    assert "failed 2 course(s) in 3 grade(s)" in course.explanation
    assert [(g.course_code, failing) for g, failing, _given in response.context["grades"]] == [
        ("ALG1", True), ("BIO", True), ("ENG9", False)]
    body = response.content.decode()
    assert "Course grades this school year" in body and "E, 52 (failing)" in body and "61" in body
    earlier = tab(client, setup["ppw_a"], kid, as_of="2025-09-25")
    [section] = earlier.context["sections"]
    assert "failed 1 course(s) in 2 grade(s)" in dict(section.flags)["ABC: course failure"].explanation
    # A PPW of another school reads no grade of this student (the tab itself is out of their reach).
    assert tab(client, setup["ppw_b"], kid).status_code == 404
