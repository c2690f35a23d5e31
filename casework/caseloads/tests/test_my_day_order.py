"""My day's UX rules: decisions waiting come first (referrals, closures), long lists are capped with a
link to the full list, flagged students are one row each, and a future meeting has no "Done"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.caseloads.myday import SHOWN, my_day, waited
from casework.cases.models import Case, CaseTypeSetting, ClosureRequest
from casework.cases.services import case_request_close
from casework.core.testing import factories as f
from casework.indicators.models import FlagCrossing
from casework.referrals.models import Referral
from casework.referrals.services import referral_create
from casework.rules.models import RuleSet
from casework.tasks.choices import TaskKind
from casework.tasks.services import task_create

D = datetime.date
TODAY = D(2025, 11, 25)
NOW = timezone.make_aware(datetime.datetime(2025, 11, 25, 8, 0))


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def case_a(world):
    return f.case(student=world.student_a, owner=world.user("ppw"), opened_on=D(2025, 9, 15))


def refer(world, urgency, days_ago):
    referral = referral_create(actor=world.user("school_staff"), student=world.student_a, school=world.school_a,
                               reasons=["attendance"], details="Absent", urgency=urgency, already_tried="Called")
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return referral


def test_waited():
    assert [waited(n) for n in (0, 1, 6)] == ["received today", "waiting 1 day", "waiting 6 days"]


def test_referrals_come_first_and_urgent_ones_say_how_long(client, world, case_a):
    urgent = refer(world, "urgent", 6)
    refer(world, "routine", 2)
    task_create(actor=None, case=case_a, title="Call grandmother", due_on=timezone.localdate() - datetime.timedelta(1))
    client.force_login(world.user("ppw"))
    page = client.get(reverse("caseloads:my_day")).content.decode()
    assert page.index('id="day-ref-h"') < page.index('id="day-overdue-h"') < page.index('id="day-today-h"') \
        < page.index('id="day-meet-h"') < page.index('id="day-soon-h"')
    assert "Urgent, waiting 6 days" in page and "Routine · waiting 2 days" in page
    # urgent first in the list, marked in the margin too
    assert page.index(urgent.number) < page.index("Routine · waiting")
    assert 'class="day-item urgent"' in page and "<strong>2</strong> new referrals" in page


def test_long_lists_show_ten_and_link_to_my_tasks(client, world, case_a):
    today = timezone.localdate()
    for n in range(SHOWN + 3):  # 13 due in 3 days
        task_create(actor=None, case=case_a, title=f"Soon {n:02}", due_on=today + datetime.timedelta(days=3))
    client.force_login(world.user("ppw"))
    page = client.get(reverse("caseloads:my_day")).content.decode()
    assert "<strong>13</strong> due in the next 7 days" in page  # the count is the whole list
    assert "Soon 09" in page and "Soon 10" not in page and "Soon 12" not in page
    assert "and 3 more — " in page and f'href="{reverse("tasks:my_tasks")}">see My tasks' in page
    day = my_day(world.user("ppw"))
    assert (len(day.due_soon), len(day.lists["due_soon"][0]), day.lists["due_soon"][1]) == (13, 10, 3)
    assert day.lists["overdue"] == ([], 0)


def test_done_only_for_tasks_and_meetings_that_have_started(world, case_a):
    def add(title, due, **kw):
        return task_create(actor=None, case=case_a, title=title, due_on=due, **kw)

    add("Task tomorrow", D(2025, 11, 26))
    add("Meeting this afternoon", TODAY, kind=TaskKind.MEETING, starts_at=at(TODAY, 14))
    add("Meeting at seven", TODAY, kind=TaskKind.MEETING, starts_at=at(TODAY, 7))
    add("Meeting next week", D(2025, 12, 2), kind=TaskKind.MEETING, starts_at=at(D(2025, 12, 2), 9))
    add("Meeting last week", D(2025, 11, 18), kind=TaskKind.MEETING, starts_at=at(D(2025, 11, 18), 9))
    day = my_day(world.user("ppw"), now=NOW)  # 8:00
    done = {t.title: t.can_complete for t in day.overdue + day.due_today + day.due_soon + day.meetings}
    assert done == {"Task tomorrow": True, "Meeting at seven": True, "Meeting this afternoon": False,
                    "Meeting next week": False, "Meeting last week": True}


def test_page_has_no_done_button_for_a_future_meeting(client, world, case_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = task_create(actor=None, case=case_a, title="IEP meeting", due_on=tomorrow, kind=TaskKind.MEETING,
                          starts_at=at(tomorrow, 9))
    task = task_create(actor=None, case=case_a, title="Mail letter", due_on=tomorrow)
    client.force_login(world.user("ppw"))
    page = client.get(reverse("caseloads:my_day")).content.decode()
    assert "IEP meeting" in page
    assert reverse("tasks:task_complete", args=[case_a.pk, meeting.pk]) not in page
    assert reverse("tasks:task_complete", args=[case_a.pk, task.pk]) in page


def test_flagged_is_one_row_per_student_newest_first(world):
    rule_set = RuleSet.objects.defaults().first()

    def cross(student, flag, day, school=None):
        FlagCrossing.objects.create(student=student, school=school or world.school_a, flag=flag, crossed_on=day,
                                    rule_set=rule_set)

    cross(world.student_a, "chronic_absent", D(2025, 11, 3))
    cross(world.student_a, "habitual_truant", D(2025, 11, 20))
    cross(world.student_a, "truant_7_302_2", D(2025, 11, 13))
    others = [f.student(school=world.school_a, last_name=f"Student{n:02}") for n in range(11)]
    for n, student in enumerate(others):  # Student00 crossed on 11/01 ... Student10 on 11/11
        cross(student, "chronic_absent", D(2025, 11, 1 + n))
    cross(world.student_b, "chronic_absent", D(2025, 11, 24), school=world.school_b)  # not the PPW's school

    day = my_day(world.user("ppw"), now=NOW)
    assert day.flagged_total == 12  # students, not the 14 crossings in school A
    assert len(day.flagged) == 10
    first = day.flagged[0]
    assert first.student_id == world.student_a.pk and first.latest == D(2025, 11, 20)
    assert first.labels == ["Habitual truant", "Truant (Educ. Art. 7-302.2)", "Chronically absent"]
    assert first.schools == ["Alpha Elementary"]
    # then Student10 (11/11) down to Student02 (11/03): the two oldest are left for the worklist
    assert [s.student_id for s in day.flagged[1:]] == [s.pk for s in reversed(others[2:])]
    assert len({s.student_id for s in day.flagged}) == 10


def test_flagged_page_text(client, world):
    rule_set = RuleSet.objects.defaults().first()
    for flag in ("chronic_absent", "habitual_truant"):
        FlagCrossing.objects.create(student=world.student_a, school=world.school_a, flag=flag,
                                    crossed_on=D(2025, 11, 20), rule_set=rule_set)
    client.force_login(world.user("ppw"))
    page = client.get(reverse("caseloads:my_day")).content.decode()
    assert page.count(reverse("students:detail", args=[world.student_a.pk])) == 1
    assert "Chronically absent · Habitual truant" in page and "1 student<" in page


@pytest.fixture
def closures(world):
    """A homeless case (needs approval here) waiting 4 days, and a child-welfare one the supervisor is
    not named on (sensitive: only the director sees it, as on the Approvals page)."""
    CaseTypeSetting.objects.create(case_type="homeless", closure_needs_approval=True)
    CaseTypeSetting.objects.create(case_type="child_welfare", closure_needs_approval=True)
    ppw = world.user("ppw")
    homeless = f.case(student=world.student_a, owner=ppw, case_type="homeless")
    welfare = f.case(student=world.student_a, owner=ppw, case_type="child_welfare")
    for case, reason in ((homeless, "Family housed"), (welfare, "Safety plan met")):
        case_request_close(actor=ppw, case=Case.objects.get(pk=case.pk), closure_reason=reason)
    ClosureRequest.objects.update(requested_on=timezone.localdate() - datetime.timedelta(days=4))
    return homeless, welfare


def test_closures_waiting_for_approval(client, world, closures):
    homeless, welfare = closures
    assert my_day(world.user("ppw")).closures_total is None  # no case.approve: no card
    director = my_day(world.user("director"))
    assert director.closures_total == 2 and [r.waited for r in director.closures] == ["waiting 4 days"] * 2
    supervisor = my_day(world.user("supervisor"))
    assert supervisor.closures_total == 1 and supervisor.closures[0].case_id == homeless.pk

    client.force_login(world.user("supervisor"))
    page = client.get(reverse("caseloads:my_day")).content.decode()
    assert "Closures waiting for your approval" in page and "<strong>1</strong> closure to approve" in page
    assert homeless.number in page and "Family housed" in page and welfare.number not in page
    four_days_ago = (timezone.localdate() - datetime.timedelta(days=4)).strftime("%m/%d")
    assert f"requested {four_days_ago}, waiting 4 days" in page
    assert f'href="{reverse("cases:approvals")}"' in page
    assert page.index('id="day-close-h"') < page.index('id="day-overdue-h"')
    client.force_login(world.user("ppw"))
    assert "Closures waiting for your approval" not in client.get(reverse("caseloads:my_day")).content.decode()
