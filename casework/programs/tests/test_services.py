"""Program participation: idempotent recording, homeless residence codes, constraints, scoping."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.audit.models import ChangeRecord
from casework.core.testing import factories as f
from casework.programs import services as prg
from casework.programs.models import ProgramParticipation
from casework.students import services as st

D = datetime.date
pytestmark = pytest.mark.django_db


def test_homeless_participation_with_residence_and_unaccompanied_flag(world):
    res = prg.program_participation_record(actor=None, student=world.student_a, kind="homeless", begin=D(2025, 9, 2),
                                           nighttime_residence="doubled_up", unaccompanied_youth=False)
    p = res.participation
    assert res.outcome == prg.CREATED
    assert (p.get_nighttime_residence_display(), p.unaccompanied_youth) == (
        "Doubled-up (sharing the housing of others)", False)
    assert str(p) == f"student {world.student_a.pk} in homeless from 2025-09-02"
    assert p.is_active_on(D(2026, 1, 5))
    again = prg.program_participation_record(actor=None, student=world.student_a, kind="homeless",
                                             begin=D(2025, 9, 2), nighttime_residence="doubled_up",
                                             unaccompanied_youth=False)
    assert again.outcome == prg.UNCHANGED


def test_end_is_audited_and_checked(world):
    p = f.program_participation(student=world.student_a, kind="section_504", begin=D(2025, 9, 2))
    with pytest.raises(ValidationError) as info:
        prg.program_participation_end(actor=None, participation=p, end=D(2025, 9, 1))
    assert info.value.message_dict == {"end": ["The end date cannot be before 09/02/2025, when the participation "
                                               "began."]}
    p = prg.program_participation_end(actor=None, participation=p, end=D(2026, 1, 30), expected_version=1)
    assert not p.is_active_on(D(2026, 2, 2))
    assert list(ProgramParticipation.objects.active_on(D(2026, 2, 2))) == []
    rec = ChangeRecord.objects.filter(content_type__model="programparticipation", action="update").get()
    assert rec.after == {"end": "2026-01-30"}


def test_record_refuses_end_before_begin_with_a_clear_message(world):
    with pytest.raises(ValidationError) as info:
        f.program_participation(student=world.student_a, kind="special_education", begin=D(2025, 9, 2),
                                end=D(2025, 8, 1))
    assert info.value.messages == ["A program participation cannot end before it begins."]


def test_residence_only_for_homeless(world):
    with pytest.raises(ValidationError) as info:
        f.program_participation(student=world.student_a, kind="section_504", nighttime_residence="shelters")
    assert info.value.messages == ["Nighttime residence and unaccompanied youth apply only to McKinney-Vento "
                                   "participation."]


def test_unknown_program_is_refused(world):
    with pytest.raises(ValidationError) as info:
        f.program_participation(student=world.student_a, kind="band")
    assert info.value.message_dict["kind"][0].startswith("Unknown program 'band'.")


def test_ppw_of_school_a_sees_only_school_a_students_programs(world):
    a = f.program_participation(student=world.student_a)
    f.program_participation(student=world.student_b)
    assert list(ProgramParticipation.objects.for_user(world.user("ppw"), "programs.view")) == [a]
    assert ProgramParticipation.objects.for_user(world.user("data_steward"), "programs.view").count() == 2
    assert not ProgramParticipation.objects.for_user(world.user("auditor"), "programs.view").exists()


def test_recent_leaver_programs_stay_with_the_ppw_not_the_principal(world):
    p = f.program_participation(student=world.student_a)
    enrollment = world.student_a.enrollments.get()
    st.enrollment_exit(actor=None, enrollment=enrollment, exit_date=timezone.localdate() - datetime.timedelta(days=3))
    assert list(ProgramParticipation.objects.for_user(world.user("ppw"), "programs.view")) == [p]
    assert not ProgramParticipation.objects.for_user(world.user("school_admin"), "programs.view").exists()
