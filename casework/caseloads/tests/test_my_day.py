import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.caseloads.myday import my_day
from casework.core.testing import factories as f
from casework.indicators.models import FlagCrossing
from casework.rules.models import RuleSet
from casework.tasks.choices import TaskKind
from casework.tasks.services import task_complete, task_create

D = datetime.date
TODAY = D(2025, 11, 25)
NOW = timezone.make_aware(datetime.datetime(2025, 11, 25, 8, 0))


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def case_a(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))


def test_buckets(world, case_a):
    ppw = world.user("ppw")

    def add(title, due, **kw):
        return task_create(actor=None, case=case_a, title=title, due_on=due, **kw)

    add("Overdue 3 days", D(2025, 11, 22))
    add("Overdue yesterday", D(2025, 11, 24))
    add("Today", TODAY)
    add("In 7 days", D(2025, 12, 2))
    add("In 8 days", D(2025, 12, 3))  # past the week: not on My day
    add("Meeting this afternoon", TODAY, kind=TaskKind.MEETING, starts_at=at(TODAY, 14))
    add("Meeting in 14 days", D(2025, 12, 9), kind=TaskKind.MEETING, starts_at=at(D(2025, 12, 9), 7))
    add("Meeting in 15 days", D(2025, 12, 10), kind=TaskKind.MEETING, starts_at=at(D(2025, 12, 10), 9))
    add("Meeting last week", D(2025, 11, 18), kind=TaskKind.MEETING, starts_at=at(D(2025, 11, 18), 9))
    task_complete(actor=None, task=add("Done and late", D(2025, 11, 1)))
    add("The director's", D(2025, 11, 20), assignee=world.user("director"))

    day = my_day(ppw, now=NOW)
    assert [t.title for t in day.overdue] == ["Meeting last week", "Overdue 3 days", "Overdue yesterday"]
    assert [t.days_late for t in day.overdue] == [7, 3, 1]
    assert [t.title for t in day.due_today] == ["Today"]
    assert [t.title for t in day.due_soon] == ["In 7 days"]
    assert [t.title for t in day.meetings] == ["Meeting this afternoon", "Meeting in 14 days"]


def test_flagged_students_in_my_schools_only(world):
    rule_set = RuleSet.objects.defaults().first()
    for student, school, day in ((world.student_a, world.school_a, D(2025, 11, 20)),
                                 (world.student_b, world.school_b, D(2025, 11, 21))):
        FlagCrossing.objects.create(student=student, school=school, flag="chronic_absent", crossed_on=day,
                                    rule_set=rule_set)
    seen = FlagCrossing.objects.create(student=world.student_a, school=world.school_a, flag="habitual_truant",
                                       crossed_on=D(2025, 11, 22), rule_set=rule_set,
                                       acknowledged_at=timezone.now())
    day = my_day(world.user("ppw"), now=NOW)
    assert [(s.student_id, s.labels) for s in day.flagged] == [(world.student_a.pk, ["Chronically absent"])]
    assert day.flagged_total == 1 and seen.acknowledged_at is not None
    assert len(my_day(world.user("director"), now=NOW).flagged) == 2


def test_page(client, world, case_a):
    task_create(actor=None, case=case_a, title="Call grandmother", due_on=timezone.localdate() - datetime.timedelta(1))
    client.force_login(world.user("ppw"))
    response = client.get(reverse("caseloads:my_day"))
    page = response.content.decode()
    assert response.status_code == 200
    assert case_a.number in page and "García, José" in page and "Call grandmother" in page
    assert "New referrals" in page and "No referrals waiting." in page
    assert "SLOT" not in page and "{#" not in page  # template comments stay in the template


def test_page_lists_referrals_waiting_for_triage(client, world):
    from casework.referrals.services import referral_create

    referral = referral_create(actor=world.user("school_staff"), student=world.student_a, school=world.school_a,
                               reasons=["attendance"], details="Absent most Mondays", urgency="soon",
                               already_tried="Called home twice")
    client.force_login(world.user("ppw"))
    page = client.get(reverse("caseloads:my_day")).content.decode()
    assert "1 waiting" in page and reverse("referrals:detail", args=[referral.pk]) in page
    # Out of the triage scope: the school's principal has no My day; a PPW of another school sees none.
    other = f.user(role="ppw", schools=[world.school_b])
    client.force_login(other)
    assert "No referrals waiting." in client.get(reverse("caseloads:my_day")).content.decode()


def test_referrals_slot_renders_when_given(world):
    from django.template.loader import render_to_string

    from casework.referrals.models import Referral

    referral = Referral(pk=7, student=world.student_a, school=world.school_a, reasons=["attendance"],
                        urgency="routine", created_at=NOW)
    referral.waited = "waiting 2 days"
    html = render_to_string("caseloads/_referrals.html", {"referrals": [referral], "referrals_total": 3,
                                                          "referrals_more": 2})
    assert "New referrals" in html and "3 waiting" in html and "García, José" in html
    assert "Routine · waiting 2 days" in html and "and 2 more" in html
    assert reverse("referrals:detail", kwargs={"pk": 7}) in html and "R-000007" in html


def test_a_task_marked_done_by_mistake_is_undone_from_my_day(client, world, case_a):
    """Done is one tap on a phone: My day lists today's done tasks with Undo, which reopens the task and
    comes back to My day (another PPW's done task is not listed)."""
    today = timezone.localdate()
    mine = task_create(actor=None, case=case_a, title="Call grandmother", due_on=today)
    task_create(actor=None, case=case_a, title="Earlier", due_on=today - datetime.timedelta(3))
    theirs = task_create(actor=None, case=case_a, title="The director's", due_on=today,
                         assignee=world.user("director"))
    task_complete(actor=None, task=theirs)
    client.force_login(world.user("ppw"))
    client.post(reverse("tasks:task_complete", args=[case_a.pk, mine.pk]),
                {"version": mine.version, "next": reverse("caseloads:my_day")})
    mine.refresh_from_db()
    assert mine.status == "done"
    day = my_day(world.user("ppw"))
    assert [t.title for t in day.done_today] == ["Call grandmother"]
    assert case_a.student_id in day.student_ids()
    page = client.get(reverse("caseloads:my_day")).content.decode()
    assert "Done today" in page and "Undo done: " in page
    response = client.post(reverse("tasks:task_reopen", args=[case_a.pk, mine.pk]),
                           {"version": mine.version, "next": reverse("caseloads:my_day")}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("caseloads:my_day")
    assert "Reopened: Call grandmother." in response.content.decode()
    mine.refresh_from_db()
    assert (mine.status, mine.completed_on) == ("open", None)
    assert my_day(world.user("ppw")).done_today == []
