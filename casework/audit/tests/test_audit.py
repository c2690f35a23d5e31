"""The change-record and access-log streams: every service write leaves exactly one trace of who did what,
in the same transaction; reads of a student's record leave an access-log entry."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import ApiToken, User
from casework.audit import services as audit
from casework.audit.models import AccessLog, ChangeRecord
from casework.core.context import Source, audit_context
from casework.core.errors import ConflictError
from casework.core.services import delete_audited, update_audited
from casework.core.testing import factories as f
from casework.schools import services as schools
from casework.schools.models import School
from casework.students import services as st
from casework.students.models import Guardian, HouseholdAddress, Student, StudentGuardian

REQUEST_ID = "req-0123456789abcdef"
DOB = datetime.date(2014, 5, 17)


def records_for(obj) -> list[ChangeRecord]:
    ct = ContentType.objects.get_for_model(type(obj))
    return list(ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


@pytest.fixture
def actor(db) -> User:
    return f.user(username="clerk", role="director")


@pytest.fixture
def web(actor):
    """An audit context as a web request opens it."""
    with audit_context(actor=actor, source=Source.WEB, request_id=REQUEST_ID) as ctx:
        yield ctx


def table_rows(html: str) -> list[list[str]]:
    """Body rows of the page's tables as lists of cell texts (tags stripped, whitespace collapsed)."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if cells:
            rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def assert_traced(record: ChangeRecord, actor: User, action: str) -> None:
    assert record.action == action
    assert record.actor_id == actor.pk
    assert record.actor_label == "clerk"
    assert record.source == "web"
    assert record.request_id == REQUEST_ID


# --- every service write leaves one change record --------------------------------------------------


def test_student_create_records_every_field(actor, web):
    before = ChangeRecord.objects.count()
    s = st.student_create(actor=actor, district_id=" 300123 ", first_name=" Ana ", last_name="Ruiz",
                          date_of_birth=DOB, grade="03", home_language="Spanish")
    assert ChangeRecord.objects.count() == before + 1
    (rec,) = records_for(s)
    assert_traced(rec, actor, "create")
    assert rec.before is None
    assert rec.after == {
        "id": s.pk, "district_id": "300123", "state_id": "", "first_name": "Ana", "middle_name": "",
        "last_name": "Ruiz", "suffix": "", "preferred_name": "", "date_of_birth": "2014-05-17", "sex": "U",
        "grade": "03", "home_language": "Spanish", "has_iep": False, "has_504": False, "english_learner": False,
        "homeless": False, "household_id": None,
    }  # no version, timestamps or derived search_text


def test_student_update_records_only_changed_fields(actor, web):
    s = f.student(first_name="José", last_name="García", grade="05")
    updated = st.student_update(actor=actor, student=s, first_name="Joseph", grade="06", last_name="García")
    assert updated.version == 2
    rec = records_for(s)[-1]
    assert_traced(rec, actor, "update")
    assert rec.before == {"first_name": "José", "grade": "05"}
    assert rec.after == {"first_name": "Joseph", "grade": "06"}


def test_enrollment_create_and_exit(actor, web):
    school = f.school(code="E100")
    s = f.student()
    e = st.enrollment_create(actor=actor, student=s, school=school, entry_date=datetime.date(2025, 8, 25))
    (created,) = records_for(e)
    assert_traced(created, actor, "create")
    assert created.after["school_id"] == school.pk
    assert created.after["entry_date"] == "2025-08-25"
    assert created.after["grade"] == "05"  # the student's grade when none is given
    st.enrollment_exit(actor=actor, enrollment=e, exit_date=datetime.date(2026, 1, 15), exit_code="W01")
    exited = records_for(e)[-1]
    assert_traced(exited, actor, "update")
    assert exited.before == {"exit_date": None, "exit_code": ""}
    assert exited.after == {"exit_date": "2026-01-15", "exit_code": "W01"}


def test_household_move_records_close_and_new_address(actor, web):
    h = st.household_create(actor=actor, label="Ruiz household")
    assert_traced(records_for(h)[0], actor, "create")
    first = st.household_move(actor=actor, household=h, moved_on=datetime.date(2024, 7, 1), street="1 Elm St",
                              city="Rockville", postal_code="20850")
    second = st.household_move(actor=actor, household=h, moved_on=datetime.date(2025, 3, 15), street="9 Oak Ave",
                               city="Silver Spring", postal_code="20901")
    create_first, close_first = records_for(first)
    assert_traced(create_first, actor, "create")
    assert create_first.after["street"] == "1 Elm St"
    assert_traced(close_first, actor, "update")
    assert close_first.before == {"end_date": None}
    assert close_first.after == {"end_date": "2025-03-14"}
    (create_second,) = records_for(second)
    assert create_second.after["start_date"] == "2025-03-15"
    assert create_second.after["end_date"] is None


def test_guardian_create_and_link(actor, web):
    s = f.student()
    g = st.guardian_create(actor=actor, first_name=" Rosa ", last_name="Ruiz", phone="301-555-0199")
    (rec,) = records_for(g)
    assert_traced(rec, actor, "create")
    assert rec.after["first_name"] == "Rosa"
    assert rec.after["phone"] == "301-555-0199"
    link = st.guardian_link(actor=actor, student=s, guardian=g, relationship="aunt", has_custody=True)
    (rec,) = records_for(link)
    assert_traced(rec, actor, "create")
    assert {k: rec.after[k] for k in ("student_id", "guardian_id", "relationship", "has_custody", "no_contact")} == {
        "student_id": s.pk, "guardian_id": g.pk, "relationship": "aunt", "has_custody": True, "no_contact": False}


def test_school_create_and_update(actor, web):
    school = schools.school_create(actor=actor, code=" X900 ", name="Xavier High", level="high")
    (rec,) = records_for(school)
    assert_traced(rec, actor, "create")
    assert rec.after["code"] == "X900"
    schools.school_update(actor=actor, school=school, phone="301-555-0000", active=False)
    rec = records_for(school)[-1]
    assert_traced(rec, actor, "update")
    assert rec.before == {"phone": "", "active": True}
    assert rec.after == {"phone": "301-555-0000", "active": False}


def test_user_create_never_records_the_password(actor, web):
    u = accounts.user_create(actor=actor, username="newppw", password="a-long-enough-pass-9471",
                             first_name="Lee", email="lee@example.org")
    (rec,) = records_for(u)
    assert_traced(rec, actor, "create")
    assert rec.after["username"] == "newppw"
    assert rec.after["email"] == "lee@example.org"
    assert "password" not in rec.after
    assert "last_login" not in rec.after
    assert "a-long-enough-pass-9471" not in str(rec.after)


def test_role_assign_records_one_row_per_school(actor, web):
    a, b = f.school(code="R1"), f.school(code="R2")
    u = f.user(username="floater")
    made = accounts.role_assign(actor=actor, user=u, role="ppw", schools=[a, b])
    assert len(made) == 2
    for assignment, school in zip(made, (a, b), strict=True):
        (rec,) = records_for(assignment)
        assert_traced(rec, actor, "create")
        assert rec.after["role"] == "ppw"
        assert rec.after["school_id"] == school.pk
        assert rec.after["user_id"] == u.pk
    # Assigning the same role again changes nothing and records nothing.
    count = ChangeRecord.objects.count()
    assert accounts.role_assign(actor=actor, user=u, role="ppw", schools=[a]) == []
    assert ChangeRecord.objects.count() == count


def test_token_issue_records_prefix_not_token(actor, web):
    u = f.user(username="apiuser")
    key = accounts.token_issue(actor=actor, user=u, name="laptop")
    rec = records_for(u)[-1]
    assert_traced(rec, actor, "update")
    assert rec.before == {"api_token": None}
    assert rec.after == {"api_token": f"issued {key[:8]}…"}
    assert key not in str(rec.after)
    token = ApiToken.objects.get(user=u)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()


def test_actor_comes_from_context_when_not_passed(actor, web):
    school = schools.school_create(actor=None, code="C1", name="Context School", level="elementary")
    (rec,) = records_for(school)
    assert rec.actor_id == actor.pk
    assert rec.request_id == REQUEST_ID


def test_without_context_records_cli_source_and_no_actor(db):
    school = schools.school_create(actor=None, code="C2", name="Bare School", level="elementary")
    (rec,) = records_for(school)
    assert rec.source == "cli"
    assert rec.actor is None and rec.actor_label == ""
    assert re.fullmatch(r"[0-9a-f]{32}", rec.request_id)


# --- atomicity ----------------------------------------------------------------------------------------


def test_invalid_create_leaves_neither_row_nor_record(actor, web):
    rows, records = Student.objects.count(), ChangeRecord.objects.count()
    with pytest.raises(ValidationError) as info:
        st.student_create(actor=actor, district_id="300999", first_name="Ana", last_name="Ruiz",
                          date_of_birth=DOB, grade="99")
    assert "grade" in info.value.message_dict
    assert Student.objects.count() == rows
    assert ChangeRecord.objects.count() == records


def test_failing_change_record_rolls_back_the_row(actor, web, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "record_change", broken)
    with pytest.raises(RuntimeError):
        schools.school_create(actor=actor, code="Z1", name="Never Saved", level="high")
    assert not School.objects.filter(code="Z1").exists()


def test_household_move_failure_keeps_the_old_address_open(actor, web):
    h = st.household_create(actor=actor)
    old = st.household_move(actor=actor, household=h, moved_on=datetime.date(2024, 7, 1), street="1 Elm St",
                            city="Rockville", postal_code="20850")
    records = ChangeRecord.objects.count()
    with pytest.raises(ValidationError):
        # The old address is closed first; the new one then fails validation (postal code too long).
        st.household_move(actor=actor, household=h, moved_on=datetime.date(2025, 1, 1), street="2 Elm St",
                          city="Rockville", postal_code="2085012345678")
    old.refresh_from_db()
    assert old.end_date is None
    assert old.version == 1
    assert HouseholdAddress.objects.filter(household=h).count() == 1
    assert ChangeRecord.objects.count() == records


# --- no-op and conflicting updates --------------------------------------------------------------------


def test_update_without_change_writes_nothing(actor, web):
    s = f.student(first_name="Ana", last_name="Ruiz")
    records = ChangeRecord.objects.count()
    same = st.student_update(actor=actor, student=s, first_name="Ana", last_name="Ruiz")
    assert same.version == 1
    assert ChangeRecord.objects.count() == records
    s.refresh_from_db()
    assert s.version == 1


def test_stale_version_is_refused_and_changes_nothing(actor, web):
    s = f.student(first_name="Ana", last_name="Ruiz")
    mine = Student.objects.get(pk=s.pk)
    theirs = Student.objects.get(pk=s.pk)
    st.student_update(actor=actor, student=theirs, expected_version=1, last_name="Ruiz-Vega")
    records = ChangeRecord.objects.count()
    with pytest.raises(ConflictError) as info:
        update_audited(mine, actor=actor, expected_version=mine.version, first_name="Anna")
    assert (info.value.expected, info.value.actual) == (1, 2)
    assert "changed by someone else" in str(info.value)
    s.refresh_from_db()
    assert (s.first_name, s.last_name, s.version) == ("Ana", "Ruiz-Vega", 2)
    assert ChangeRecord.objects.count() == records


def test_current_version_is_accepted(actor, web):
    s = f.student(first_name="Ana")
    s = st.student_update(actor=actor, student=s, expected_version=1, first_name="Anna")
    s = st.student_update(actor=actor, student=s, expected_version=2, first_name="Annie")
    assert s.version == 3
    assert [r.after for r in records_for(s)[1:]] == [{"first_name": "Anna"}, {"first_name": "Annie"}]


def test_update_of_unknown_field_is_refused(actor, web):
    """A misspelt field name must not be silently dropped (the caller would think it was saved)."""
    s = f.student(first_name="Ana")
    with pytest.raises(TypeError):
        st.student_update(actor=actor, student=s, frist_name="Anna")
    s.refresh_from_db()
    assert s.version == 1


def test_delete_records_the_last_state(actor, web):
    g = f.guardian(student=f.student(), first_name="Rosa", last_name="Ruiz")
    link = StudentGuardian.objects.get(guardian=g)
    pk = link.pk
    delete_audited(link, actor=actor)
    assert not StudentGuardian.objects.filter(pk=pk).exists()
    ct = ContentType.objects.get_for_model(StudentGuardian)
    rec = ChangeRecord.objects.filter(content_type=ct, object_id=str(pk)).latest("id")
    assert_traced(rec, actor, "delete")
    assert rec.after is None
    assert rec.before["relationship"] == "mother"
    assert Guardian.objects.filter(pk=g.pk).exists()


# --- access log ---------------------------------------------------------------------------------------


def test_access_log_survives_student_delete(actor, web):
    s = f.student()
    audit.log_access(actor=actor, student=s, detail="profile")
    records = ChangeRecord.objects.count()
    with pytest.raises(ProtectedError):
        delete_audited(s, actor=actor)
    assert Student.objects.filter(pk=s.pk).exists()
    assert AccessLog.objects.filter(student_id=s.pk).count() == 1
    assert ChangeRecord.objects.count() == records  # the delete record went with the failed delete


def test_profile_view_writes_one_access_entry(world, client):
    ppw = world.user("ppw")
    client.force_login(ppw)
    response = client.get(f"/students/{world.student_a.pk}/", {"purpose": "home visit"})
    assert response.status_code == 200
    (entry,) = AccessLog.objects.all()
    assert entry.student_id == world.student_a.pk
    assert entry.actor_id == ppw.pk
    assert entry.actor_label == "t-ppw"
    assert entry.source == "web"
    assert entry.action == "view"
    assert entry.detail == "profile"
    assert entry.purpose == "home visit"
    assert entry.request_id == response["X-Request-ID"]


def test_out_of_scope_profile_writes_nothing(world, client):
    client.force_login(world.user("ppw"))
    assert client.get(f"/students/{world.student_b.pk}/").status_code == 404
    assert client.get("/students/987654/").status_code == 404
    assert AccessLog.objects.count() == 0


def test_director_reads_the_access_log_tab(world, client):
    ppw_client = type(client)()
    ppw_client.force_login(world.user("ppw"))
    assert ppw_client.get(f"/students/{world.student_a.pk}/").status_code == 200
    # 5 March 2026 14:07 UTC is 9:07 AM in Maryland (EST, before the 8 March DST change).
    AccessLog.objects.update(time=datetime.datetime(2026, 3, 5, 14, 7, tzinfo=datetime.UTC))

    client.force_login(world.user("director"))
    profile = client.get(f"/students/{world.student_a.pk}/").content.decode()
    assert f'href="/students/{world.student_a.pk}/access/"' in profile
    assert "Access log" in profile
    page = client.get(f"/students/{world.student_a.pk}/access/")
    assert page.status_code == 200
    body = page.content.decode()
    assert ["03/05/2026 9:07 AM", "t-ppw", "Opened the record (profile)", "Web", "—"] in table_rows(body)
    # The director's own opening of the profile is listed too, newest first.
    assert body.index("t-director") < body.index("t-ppw")
    # Reading the log is not itself an opening of the record, so the tab does not show who the child is.
    assert AccessLog.objects.count() == 2
    assert "García" not in body and "100001" not in body
    assert f"Student record {world.student_a.pk}" in body


def test_ppw_has_no_access_log_tab(world, client):
    client.force_login(world.user("ppw"))
    profile = client.get(f"/students/{world.student_a.pk}/").content.decode()
    assert "/access/" not in profile
    assert "Access log" not in profile
    assert client.get(f"/students/{world.student_a.pk}/access/").status_code == 404


def test_auditor_reads_the_log_but_not_the_record(world, client):
    audit.log_access(actor=world.user("ppw"), student=world.student_a, detail="profile")
    client.force_login(world.user("auditor"))
    assert client.get(f"/students/{world.student_a.pk}/").status_code == 404
    page = client.get(f"/students/{world.student_a.pk}/access/").content.decode()
    assert "t-ppw" in page
    assert "García" not in page  # log, not content


def test_access_time_is_recent(world):
    entry = audit.log_access(actor=world.user("ppw"), student=world.student_a)
    assert abs((timezone.now() - entry.time).total_seconds()) < 60


def test_bulk_access_log_entries(actor, web):
    a, b = f.student(), f.student()
    assert audit.log_access_many(actor=actor, student_ids=[a.pk, b.pk], action="export", purpose="x" * 250) == 2
    rows = AccessLog.objects.order_by("student_id")
    assert [r.student_id for r in rows] == sorted([a.pk, b.pk])
    assert {(r.action, r.source, r.request_id, r.actor_id, len(r.purpose)) for r in rows} == {
        ("export", "web", REQUEST_ID, actor.pk, 200)}
