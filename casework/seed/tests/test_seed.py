"""The synthetic-data seed: determinism, shape and invariants of the demo district, the demo accounts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from casework.accounts.models import RoleAssignment, User
from casework.attendance.models import AttendanceEvent
from casework.audit.models import ChangeRecord
from casework.calendars.models import CalendarDate, GradingPeriod, Session
from casework.core.bulk import BulkTable
from casework.core.context import Source
from casework.core.policy import for_user
from casework.core.testing import factories as f
from casework.core.text import search_terms
from casework.discipline.models import Action, Incident
from casework.grades.models import CourseGrade
from casework.programs.models import ProgramParticipation
from casework.schools.models import School
from casework.seed import names as nm
from casework.seed.accounts import DEMO_USERS, ensure_demo_accounts
from casework.seed.families import plan_households
from casework.seed.plan import (
    AGE_CUTOFF,
    LEVEL_GRADES,
    SCALES,
    Scale,
    age_on,
    nominal_age,
    plan_layout,
    plan_staff,
)
from casework.seed.writer import seed_database
from casework.students.models import Enrollment, Guardian, Household, HouseholdAddress, Student, StudentGuardian
from casework.students.selectors import student_search

TINY = Scale("tiny", students=300, clusters=2, elementary=4, middle=2, alternative=1, special=1, ppws=4)


def plan(scale: Scale, seed: int):
    layout = plan_layout(scale, seed)
    return layout, plan_staff(layout, scale, seed), list(plan_households(layout, scale, seed))


# --- determinism (pure plans, no database) -----------------------------------------------------------


def test_same_seed_same_district():
    assert plan(TINY, 7) == plan(TINY, 7)


def test_different_seed_different_district():
    _, _, first = plan(TINY, 7)
    _, _, second = plan(TINY, 8)
    names = lambda households: [(s.first_name, s.last_name) for h in households for s in h.students]  # noqa: E731
    assert names(first) != names(second)


def test_plan_has_exactly_the_scale_student_count_and_unique_ids():
    _, _, households = plan(TINY, 3)
    students = [s for h in households for s in h.students]
    assert len(students) == TINY.students
    assert len({s.district_id for s in students}) == TINY.students
    for h in households:  # trimming the last household keeps every link pointing at a guardian
        assert all(0 <= link.guardian < len(h.guardians) for s in h.students for link in s.links)


@pytest.mark.django_db
def test_database_holds_exactly_the_plan():
    seed_database(scale=TINY, seed=11)
    _, _, households = plan(TINY, 11)
    planned = sorted((s.district_id, s.first_name, s.middle_name, s.last_name, s.preferred_name, s.date_of_birth,
                      s.grade, s.home_language) for h in households for s in h.students)
    stored = sorted(Student.objects.values_list("district_id", "first_name", "middle_name", "last_name",
                                                "preferred_name", "date_of_birth", "grade", "home_language"))
    assert stored == planned
    planned_guardians = Counter((g.first_name, g.last_name, g.phone) for h in households for g in h.guardians)
    assert Counter(Guardian.objects.values_list("first_name", "last_name", "phone")) == planned_guardians
    assert StudentGuardian.objects.count() == sum(len(s.links) for h in households for s in h.students)
    student = Student.objects.order_by("pk").first()
    search_text = student.search_text
    student.refresh_search_text()
    assert student.search_text == search_text  # derived exactly as the services derive it


@pytest.mark.django_db
def test_bulk_load_leaves_one_summary_change_record_per_model():
    seed_database(scale=TINY, seed=1)
    bulk = ChangeRecord.objects.filter(action=ChangeRecord.Action.BULK)
    assert {r.content_type.model_class() for r in bulk} == {
        School, Household, HouseholdAddress, Student, Guardian, StudentGuardian, Enrollment, Session, GradingPeriod,
        CalendarDate, AttendanceEvent, Incident, Action, ProgramParticipation, CourseGrade}
    assert {r.source for r in bulk} == {Source.SEED}
    assert bulk.get(content_type__model="student").summary.endswith("300 students")
    # Staff accounts go through the services: one change record per row.
    assert ChangeRecord.objects.filter(action=ChangeRecord.Action.CREATE, content_type__model="user").count() \
        == User.objects.count()


@pytest.mark.django_db
def test_bulk_table_falls_back_to_bulk_create_on_other_databases():
    table = BulkTable(Household, ["label", "phone"], now=timezone.now())
    table.vendor = "other"
    ids = table.insert([("Fallback household", "301-555-0100")])
    household = Household.objects.get(pk=ids[0])
    assert household.label == "Fallback household" and household.version == 1


# --- the command ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refuses_a_database_that_has_students():
    f.student(first_name="Ada", last_name="Existing")
    with pytest.raises(CommandError, match="already has 1 student; seed an empty database"):
        call_command("seed", scale="demo", seed=1)
    assert Student.objects.count() == 1


@pytest.mark.django_db
def test_district_code_path_at_a_tiny_student_count(capsys):
    call_command("seed", scale="district", seed=5, students=400)
    out = capsys.readouterr().out
    assert "district scale, seed 5" in out
    district = SCALES["district"]
    assert School.objects.count() == district.clusters + district.elementary + district.middle \
        + district.alternative + district.special
    assert Student.objects.count() == 400
    ppws = RoleAssignment.objects.filter(role="ppw")
    assert ppws.values("user").distinct().count() == district.ppws
    assert ppws.values("school").distinct().count() == School.objects.count()  # every school has a PPW
    assert RoleAssignment.objects.filter(role="school_admin").count() == School.objects.count()


# --- the demo district ---------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo district (seed 2026) and the demo accounts, shared by a class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = seed_database(scale=SCALES["demo"], seed=2026)
        ensure_demo_accounts()
        yield summary
        transaction.set_rollback(True)


def demo_user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoDistrict:
    def test_counts(self, demo):
        levels = Counter(School.objects.values_list("level", flat=True))
        assert levels == {"elementary": 7, "middle": 2, "high": 2, "alternative": 1}
        assert Student.objects.count() == 3_000
        assert 1_300 <= Household.objects.count() <= 1_800
        assert 3_000 <= Guardian.objects.count() <= 4_200
        assert 5_500 <= StudentGuardian.objects.count() <= 8_000
        assert Enrollment.objects.count() >= 3_000
        assert demo.students == 3_000 and demo.households == Household.objects.count()
        staff = Counter(RoleAssignment.objects.values_list("role", flat=True).distinct())
        assert {"school_admin", "ppw", "supervisor", "director"} <= set(staff)

    def test_every_student_has_one_open_enrollment_at_a_school_fitting_the_grade(self):
        open_ = defaultdict(list)
        for student_id, grade, level, enrolled_grade in Enrollment.objects.filter(exit_date__isnull=True) \
                .values_list("student_id", "student__grade", "school__level", "grade"):
            open_[student_id].append((grade, level, enrolled_grade))
        assert len(open_) == Student.objects.count()
        for rows in open_.values():
            assert len(rows) == 1
            grade, level, enrolled_grade = rows[0]
            assert grade in LEVEL_GRADES[level] and enrolled_grade == grade

    def test_transfers_close_the_earlier_enrollment_before_the_new_one(self):
        exited = Enrollment.objects.filter(exit_date__isnull=False)
        assert exited.exists()
        for e in exited.select_related("student"):
            current = Enrollment.objects.get(student=e.student, exit_date__isnull=True)
            assert current.school_id != e.school_id
            assert e.entry_date <= e.exit_date < current.entry_date

    def test_grade_fits_age(self):
        for dob, grade in Student.objects.values_list("date_of_birth", "grade"):
            assert age_on(dob, AGE_CUTOFF) - nominal_age(grade) in (0, 1)  # on track, or retained a year

    def test_one_open_address_per_household_and_a_consistent_history(self):
        by_household = defaultdict(list)
        for hid, start, end in HouseholdAddress.objects.values_list("household_id", "start_date", "end_date"):
            by_household[hid].append((start, end))
        assert len(by_household) == Household.objects.count()
        moved = 0
        for rows in by_household.values():
            assert sum(1 for _, end in rows if end is None) == 1
            rows.sort()
            for (start, end), (next_start, _) in zip(rows, rows[1:], strict=False):
                assert end is not None and start <= end < next_start
            moved += len(rows) > 1
        assert 0.1 < moved / len(by_household) < 0.4

    def test_home_language_matches_the_name_language_group(self):
        def groups_of(last_name: str) -> set[str]:
            key = nm.plain(last_name)
            candidates = {key, key.split(" ")[0], key.split("-")[0]}
            found = set()
            for group in nm.GROUPS:
                pool = group.male if group.patronymic else group.surnames
                if candidates & {nm.plain(n) for n in pool.items}:
                    found.add(group.code)
            return found

        for last_name, language in Student.objects.values_list("last_name", "home_language"):
            groups = groups_of(last_name)
            assert groups, last_name
            assert any(language in nm.LANGUAGES_OF_GROUP[g] for g in groups), (last_name, language)
        languages = Counter(Student.objects.values_list("home_language", flat=True))
        assert {"English", "Spanish", "Amharic", "Vietnamese"} <= set(languages)

    def test_names_are_realistic_and_varied(self):
        names = list(Student.objects.values_list("first_name", "last_name", "preferred_name", "suffix"))
        assert sum(nm.has_accent(first + last) for first, last, _, _ in names) > 150
        assert any("-" in last for _, last, _, _ in names)
        assert 50 < sum(1 for *_, preferred, _ in names if preferred) < 600
        assert any(suffix for *_, suffix in names)
        assert Student.objects.filter(last_name="García").exists()
        assert Student.objects.filter(last_name="Garcia").exists()  # some SIS records lost the accent

    def test_households_are_varied(self):
        siblings = Household.objects.annotate(n=Count("students")).filter(n__gte=2)
        assert siblings.count() > 300
        # Siblings at different schools (different levels).
        schools = defaultdict(set)
        for hid, school in Enrollment.objects.filter(exit_date__isnull=True).values_list(
                "student__household_id", "school_id"):
            schools[hid].add(school)
        assert sum(len(s) > 1 for s in schools.values()) > 200
        assert Household.objects.filter(label__contains=" / ").exists()  # two families at one address

    def test_guardians_are_not_always_parents_nor_at_home(self):
        relationships = Counter(StudentGuardian.objects.values_list("relationship", flat=True))
        for kind in ("mother", "father", "grandmother", "aunt", "kinship_caregiver", "foster_parent",
                     "stepfather", "legal_guardian"):
            assert relationships[kind] > 0, kind
        elsewhere = StudentGuardian.objects.filter(lives_with=False, guardian__household__isnull=True,
                                                   relationship__in=["mother", "father"])
        assert elsewhere.exists()  # non-custodial parents
        no_contact = StudentGuardian.objects.filter(no_contact=True)
        assert 0 < no_contact.count() < 200
        assert not no_contact.filter(emergency_contact=True).exists()
        assert not no_contact.filter(has_custody=True).exists()

    def test_program_flags_at_plausible_rates(self):
        total = Student.objects.count()
        assert 0.06 < Student.objects.filter(has_iep=True).count() / total < 0.2
        assert 0.01 < Student.objects.filter(has_504=True).count() / total < 0.08
        assert 0.05 < Student.objects.filter(english_learner=True).count() / total < 0.3
        assert 0.002 < Student.objects.filter(homeless=True).count() / total < 0.06
        assert not Student.objects.filter(english_learner=True, home_language="English").count() > total * 0.02

    def test_contact_details_are_fictional(self):
        phones = set(Guardian.objects.values_list("phone", flat=True)) | set(
            School.objects.values_list("phone", flat=True))
        assert all(p[3:].startswith("-555-01") for p in phones)
        emails = {e.split("@")[1] for e in Guardian.objects.exclude(email="").values_list("email", flat=True)}
        assert emails <= {"example.com", "example.org", "example.net"}
        zips = set(HouseholdAddress.objects.values_list("postal_code", flat=True))
        assert all(len(z) == 5 and z[:2] in ("20", "21") for z in zips)
        assert set(HouseholdAddress.objects.values_list("state", flat=True)) == {"MD"}

    # -- demo accounts ------------------------------------------------------------------------------

    def test_demo_accounts_exist_with_their_roles(self):
        for account in DEMO_USERS:
            user = demo_user(account.username)
            assert user.check_password("casework-demo")
            assert user.first_name and user.last_name and user.title
            assert RoleAssignment.objects.filter(user=user, role=account.role).exists()

    def test_demo_ppws_cover_disjoint_schools_and_the_principal_is_inside_ppw1s(self):
        def schools(username, role):
            return set(RoleAssignment.objects.filter(user__username=username, role=role)
                       .values_list("school_id", flat=True))

        ppw1, ppw2 = schools("ppw1", "ppw"), schools("ppw2", "ppw")
        assert 4 <= len(ppw1) <= 6 and 4 <= len(ppw2) <= 6
        assert not ppw1 & ppw2
        principal = schools("principal1", "school_admin")
        assert len(principal) == 1 and principal <= ppw1
        assert schools("teacher1", "school_staff") == principal

    def test_demo_scopes_follow_the_policy(self):
        everyone = Student.objects.count()
        director = Student.objects.for_user(demo_user("director"), "student.view")
        ppw1 = Student.objects.for_user(demo_user("ppw1"), "student.view")
        ppw2 = for_user(Student.objects.all(), demo_user("ppw2"), "student.view")
        principal = Student.objects.for_user(demo_user("principal1"), "student.view")
        assert director.count() == everyone
        assert 500 < ppw1.count() < everyone and 500 < ppw2.count() < everyone
        # Only students who transferred from one set to the other this year are in both (recent exits stay
        # in the old school's scope).
        both = set(ppw1.values_list("pk", flat=True)) & set(ppw2.values_list("pk", flat=True))
        transferred = set(Enrollment.objects.filter(student__in=both, exit_date__isnull=False)
                          .values_list("student_id", flat=True))
        assert len(both) < everyone * 0.05 and transferred == both
        assert 0 < principal.count() < ppw1.count()
        assert set(principal.values_list("pk", flat=True)) <= set(ppw1.values_list("pk", flat=True))
        assert not Student.objects.for_user(demo_user("teacher1"), "student.view").exists()
        assert not Student.objects.for_user(demo_user("auditor"), "student.view").exists()

    def test_search_in_ppw1s_schools_finds_accented_names(self):
        scoped = Student.objects.for_user(demo_user("ppw1"), "student.view")
        found = student_search(scoped, search_terms("garcia"))
        assert any("García" in s.last_name for s in found)
        assert any(nm.has_accent(s.first_name + s.last_name) for s in student_search(scoped, search_terms("nguyen")))

    def test_ensure_demo_accounts_is_idempotent(self):
        before = (User.objects.count(), RoleAssignment.objects.count(), ChangeRecord.objects.count())
        assert ensure_demo_accounts() == []
        assert (User.objects.count(), RoleAssignment.objects.count(), ChangeRecord.objects.count()) == before


@pytest.mark.django_db
def test_demo_accounts_wait_for_schools_then_get_them():
    created = ensure_demo_accounts()
    assert created == [a.username for a in DEMO_USERS]
    assert not RoleAssignment.objects.filter(user__username="ppw1").exists()  # no schools yet
    assert RoleAssignment.objects.filter(user__username="director", role="director").exists()
    seed_database(scale=replace(TINY, students=50), seed=2)
    assert ensure_demo_accounts() == []
    assert RoleAssignment.objects.filter(user__username="ppw1", role="ppw").exists()
    assert RoleAssignment.objects.filter(user__username="principal1", role="school_admin").count() == 1
