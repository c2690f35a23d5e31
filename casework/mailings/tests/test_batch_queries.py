"""What a batch letter costs in SQL statements (each a round trip on PostgreSQL): everything a letter reads
is read once for the batch (render.letter_batch), so a student's transaction only writes. Counted as the
difference between two mailings, so the batch's fixed reads (rules engine, templates, PDF) cancel out."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.core.testing import factories as f
from casework.letters.models import Letter
from casework.mailings.jobs import run
from casework.mailings.services import mailing_create

from .helpers import Progress, crossing, mailable_student, ship_tier1_template

pytestmark = pytest.mark.django_db
CROSSED = datetime.date(2026, 11, 16)

# By hand, a student whose attendance case the batch opens (tests run inside a transaction, so the job's
# per-student transaction is a savepoint here: +2 statements that are BEGIN/COMMIT in production):
#   the student's transaction                         SAVEPOINT + RELEASE                      2
#   is the case read before the loop still the open one (mailings.jobs.attendance_case)        1
#   none is: lock the student (cases.hold_for_case_opening), look again                       2
#   case_open: its atomic and create_audited's        2 x (SAVEPOINT + RELEASE)                4
#     full_clean: student and owner exist             2; the two CheckConstraints, each in a
#                                                     savepoint (SAVEPOINT, SELECT, RELEASE)   8
#     INSERT case, its ChangeRecord, its timeline entry                                        3
#   letter_create: its atomic and create_audited's    2 x (SAVEPOINT + RELEASE)                4
#     full_clean: case, template, guardian, generated_by, mailing exist                        5
#     INSERT letter, its ChangeRecord, its timeline entry                                      3
#                                                                                      total  32
# A student whose open case is reused: 2 + 1 + 4 + 5 + 3 = 15. No reads of the student, guardians, address,
# school, template or absences (before letter_batch: 8-10 more a letter, and the engine's fallback).
NEW_CASE_LETTER = 32
OPEN_CASE_LETTER = 15


def _mailing(world, flag: str, students) -> tuple[int, int]:
    for s in students:
        crossing(s, world.school_a, CROSSED, flag=flag)
    mailing = mailing_create(actor=world.user("ppw"), school=world.school_a,
                             criteria={"crossed_since": CROSSED.isoformat(), "flag": flag})
    with CaptureQueriesContext(connection) as queries:
        run(mailing.job, Progress())
    return len(queries), Letter.objects.filter(mailing=mailing).count()


def test_a_batch_letter_only_writes(world, settings, tmp_path):
    settings.CASEWORK_MAILINGS_DIR = str(tmp_path)
    settings.CASEWORK_JOBS_INLINE = False
    ship_tier1_template()
    a = world.school_a
    students = [mailable_student(a, first_name=name, last_name=f"{name}son") for name in
                ("Ada", "Bo", "Cy", "Di", "Ed")]
    f.case(student=students[4], owner=world.user("supervisor"), opened_on=datetime.date(2026, 9, 1))
    _mailing(world, "chronic_absent", students[:1])  # warm-up: first-use caches (content types)
    one, one_letters = _mailing(world, "habitual_truant", students[1:2])
    three, three_letters = _mailing(world, "truant_7_302_2", students[2:])
    assert (one_letters, three_letters) == (1, 3)
    # Two more letters: one opening a case, one on Ed's open case.
    assert three - one == NEW_CASE_LETTER + OPEN_CASE_LETTER


def test_a_case_opened_or_closed_while_the_batch_runs_is_respected(world, settings, tmp_path, monkeypatch):
    """The batch reads open cases once, then runs for minutes: a case the nightly ladder or a PPW opens in
    the meantime is used (not a second open case), and a case closed meanwhile gets no letter."""
    from casework.cases.choices import CaseStatus
    from casework.cases.models import Case
    from casework.mailings import jobs

    settings.CASEWORK_MAILINGS_DIR = str(tmp_path)
    settings.CASEWORK_JOBS_INLINE = False
    ship_tier1_template()
    a = world.school_a
    late = mailable_student(a, first_name="Lee", last_name="Late")
    closing = mailable_student(a, first_name="Cal", last_name="Closed")
    closed_case = f.case(student=closing, owner=world.user("supervisor"), opened_on=datetime.date(2026, 9, 1))
    opened = {}
    read_once = jobs.open_cases

    def read_then_others_act(actor, student_ids):
        found = read_once(actor, student_ids)
        opened["case"] = f.case(student=late, owner=world.user("ppw"), opened_on=datetime.date(2026, 11, 20))
        Case.objects.filter(pk=closed_case.pk).update(status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 11, 20))
        return found

    monkeypatch.setattr(jobs, "open_cases", read_then_others_act)
    for s in (late, closing):
        crossing(s, a, CROSSED, flag="chronic_absent")
    mailing = mailing_create(actor=world.user("ppw"), school=a,
                             criteria={"crossed_since": CROSSED.isoformat(), "flag": "chronic_absent"})
    run(mailing.job, Progress())
    by_student = {x.case.student_id: x.case for x in Letter.objects.filter(mailing=mailing).select_related("case")}
    assert by_student[late.pk].pk == opened["case"].pk
    assert Case.objects.open().filter(student=late, case_type="attendance").count() == 1
    assert by_student[closing.pk].pk != closed_case.pk
    assert by_student[closing.pk].is_open
