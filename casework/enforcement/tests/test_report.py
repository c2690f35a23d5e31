"""The funnel report: counts, medians and outcomes from hand-made ladders, the state's habitual-truancy
count, small-cell suppression, the PPW's scope and the CSV."""

import datetime

import pytest
from django.urls import reverse

from casework.audit.models import AccessLog
from casework.cases.models import Case
from casework.core.testing import factories as f
from casework.enforcement import report
from casework.enforcement import services as s

from .helpers import MON, indicator, step

pytestmark = pytest.mark.django_db
LATER = MON + datetime.timedelta(days=20)
DONE_AFTER = [5, 5, 7, 7, 9, 10]  # days from the letter (due 10/06) to when it was done


@pytest.fixture
def ladders(world):
    """Six students at school A: letter due 10/06, done after DONE_AFTER days (the conference becomes due
    that day). Rates 0.90 at the start; later 0.95 for the first three, 0.85 for the others. The first
    is petitioned (director's override)."""
    kids = [f.student(school=world.school_a) for _ in range(6)]
    for kid in kids:
        indicator(kid, world.school_a, unlawful=3, rate=0.90)
    s.ladder_evaluate(as_of=MON)
    for i, kid in enumerate(kids):
        case = Case.objects.get(student=kid)
        s.ladder_step_done(actor=None, case=case, step=step("tier1_letter"),
                           done_on=MON + datetime.timedelta(days=DONE_AFTER[i]))
        indicator(kid, world.school_a, unlawful=3, rate=0.95 if i < 3 else 0.85, as_of=LATER)
    first = Case.objects.get(student=kids[0])
    s.ladder_override(actor=None, case=first, reason="test", on=MON)
    s.ladder_step_done(actor=None, case=first, step=step("court_petition"), done_on=LATER)
    # School B: the state's habitual-truancy count (enrolled 91+ days, unlawful on more than 20% of them).
    for enrolled, unlawful in [(91, 19), (90, 30), (100, 20), (100, 21)]:
        indicator(f.student(school=world.school_b), world.school_b, unlawful=unlawful, enrolled=enrolled,
                  as_of=LATER)
    return kids


def test_funnel_counts_medians_and_outcomes(world, ladders):
    funnel = report.funnel(world.user("director"), as_of=LATER)
    a = next(g for g in funnel.groups if g.school_id == world.school_a.pk)
    assert (a.count("tier1_letter"), a.count("school_conference"), a.count("court_petition"),
            a.count("home_visit")) == (6, 6, 1, 0)
    assert sorted(a.gaps["school_conference"]) == DONE_AFTER and a.median("school_conference") == 7
    assert {k: len(v) for k, v in a.outcomes.items()} == {"petitioned": 1, "improved": 2, "no_change": 3}
    assert a.students == 6
    total = funnel.total
    assert total.count("tier1_letter") == 6 and total.label == "All schools"
    rows = list(funnel.rows())
    row_a = next(r for r in rows if r["label"] == "Alpha Elementary")
    assert row_a["students"] == "6"
    assert [x["count"] for x in row_a["steps"]] == ["6", "6", "0", "0", "0", "0", "<5"]
    assert row_a["steps"][1]["median"] == "7"
    assert row_a["steps"][6]["median"] == "—"  # one student: withheld
    assert row_a["outcomes"] == ["<5", "<5", "<5", "0"]


def test_habitual_truants_as_the_state_counts_them(world, ladders):
    funnel = report.funnel(world.user("director"), as_of=LATER)
    b = next(g for g in funnel.groups if g.school_id == world.school_b.pk)
    assert len(b.habitual) == 2  # 19 of 91 (> 18.2) and 21 of 100; not 30 of 90 (under 91 days), not 20 of 100
    assert len(funnel.total.habitual) == 2
    assert next(r for r in funnel.rows() if r["is_total"])["habitual"] == "<5"


def test_a_ppw_sees_only_their_schools(world, ladders):
    funnel = report.funnel(world.user("ppw"), as_of=LATER)
    assert [g.school_id for g in funnel.groups] == [world.school_a.pk]
    assert funnel.total.label == "All shown schools" and len(funnel.total.habitual) == 0
    assert funnel.total.count("tier1_letter") == 6


def test_the_page_and_the_csv(client, world, ladders):
    client.force_login(world.user("supervisor"))
    page = client.get(reverse("enforcement:report"), {"as_of": LATER.isoformat()})
    assert page.status_code == 200 and "Alpha Elementary" in page.content.decode()
    logged = AccessLog.objects.count()
    response = client.get(reverse("enforcement:report_csv"), {"as_of": LATER.isoformat()})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("school,students on the ladder,reached: Tier 1 school letter,reached: School")
    assert lines[1].startswith("Alpha Elementary,6,6,6,7,0,")
    assert lines[-1].startswith("All schools,6,6,6,7,")
    assert AccessLog.objects.count() == logged  # aggregate counts name nobody: no access log
    assert client.get(reverse("enforcement:report"), {"as_of": "10/26"}).status_code == 200  # bad date: today


def test_bad_school_choice_is_a_message_not_a_traceback(client, world):
    client.force_login(world.user("ppw"))
    response = client.get(reverse("enforcement:report"), {"school": world.school_b.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
