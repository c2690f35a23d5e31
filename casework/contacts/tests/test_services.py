import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.audit.models import ChangeRecord
from casework.cases.choices import EventKind
from casework.cases.models import CaseEvent
from casework.contacts import selectors, services
from casework.contacts.choices import ContactType
from casework.contacts.models import Contact, HomeVisit
from casework.core.errors import ConflictError
from casework.core.testing import factories as f
from casework.students import services as st
from casework.tasks.models import Task

from .factories import contact, home_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(world):
    return f.case(student=world.student_a, owner=world.user("ppw"))


def grandmother(world):
    return world.student_a.guardian_links.get(relationship="grandmother")


def test_contact_log_writes_a_timeline_entry_dated_when_it_happened(world, case_a):
    ppw = world.user("ppw")
    this_morning = timezone.now() - datetime.timedelta(hours=9)
    c = contact(case=case_a, actor=ppw, occurred_at=this_morning, duration_minutes=15,
                guardians=[grandmother(world)])
    event = CaseEvent.objects.get(case=case_a, kind=EventKind.CONTACT)
    assert event.summary == "Phone call with grandmother, 15 min"
    assert event.occurred_at == this_morning
    assert (event.source_model, event.source_id, event.actor) == ("contacts.contact", c.pk, ppw)
    assert c.worker == ppw
    assert c.participants_label == "Grandmother (Pat Guardian)"
    record = ChangeRecord.objects.get(object_id=str(c.pk), action="create", content_type__model="contact")
    assert record.after["participants_label"] == "Grandmother (Pat Guardian)"


def test_unanswered_home_visit_and_attempted_contact_read_as_such(world, case_a):
    contact(case=case_a, contact_type=ContactType.HOME_VISIT, reached=False)
    attempt = contact(case=case_a, contact_type=ContactType.ATTEMPTED, reached=True)  # the type wins
    assert attempt.reached is False
    summaries = set(CaseEvent.objects.filter(case=case_a, kind=EventKind.CONTACT).values_list("summary", flat=True))
    assert summaries == {"Home visit — no answer", "Attempted contact"}


def test_contact_with_staff_and_agency_people(world, case_a):
    director = world.user("director")
    director.first_name, director.last_name = "Dee", "Rector"
    director.save()
    contact(case=case_a, contact_type=ContactType.CONFERENCE, staff=[director], duration_minutes=30,
            agency_people=[{"name": "Dana Brooks", "agency": "DSS"}, {"name": " ", "agency": ""}])
    event = CaseEvent.objects.get(case=case_a, kind=EventKind.CONTACT)
    assert event.summary == "Conference with Dee Rector, Dana Brooks (DSS), 30 min"
    assert Contact.objects.get().agency_people == [{"name": "Dana Brooks", "agency": "DSS"}]


def test_a_contact_in_the_future_is_refused(world, case_a):
    with pytest.raises(ValidationError) as err:
        contact(case=case_a, occurred_at=timezone.now() + datetime.timedelta(hours=1))
    assert "future" in err.value.message_dict["occurred_at"][0]
    assert not Contact.objects.exists() and not CaseEvent.objects.filter(kind=EventKind.CONTACT).exists()
    contact(case=case_a, occurred_at=timezone.now() + datetime.timedelta(minutes=2))  # a phone's clock slightly ahead


def test_summary_is_required(world, case_a):
    with pytest.raises(ValidationError) as err:
        contact(case=case_a, summary="   ")
    assert "summary" in err.value.message_dict


def test_attempts_are_counted_by_type(world, case_a):
    for kind, reached in [(ContactType.HOME_VISIT, True), (ContactType.HOME_VISIT, False),
                          (ContactType.PHONE_CALL, False), (ContactType.PHONE_CALL, True),
                          (ContactType.PHONE_CALL, False), (ContactType.ATTEMPTED, False),
                          (ContactType.LETTER, True)]:
        contact(case=case_a, contact_type=kind, reached=reached)
    other = f.case(student=world.student_b)
    contact(case=other, reached=False)  # another case does not count
    counts = selectors.contact_attempts(case_a)
    assert (counts["attempts"], counts["reached"], counts["not_reached"]) == (7, 3, 4)
    assert [(t["label"], t["attempts"], t["reached"]) for t in counts["by_type"]] == [
        ("Home visit", 2, 1), ("Phone call", 3, 1), ("Letter", 1, 1), ("Attempted contact", 1, 0)]
    assert counts["other"] == []


def test_staff_and_agency_consultations_are_not_attempts_to_reach_the_family(world, case_a):
    for kind, reached in [(ContactType.ATTEMPTED, False), (ContactType.COUNSELING, True),
                          (ContactType.STAFF_CONSULTATION, True), (ContactType.STAFF_CONSULTATION, True),
                          (ContactType.AGENCY, True)]:
        contact(case=case_a, contact_type=kind, reached=reached)
    counts = selectors.contact_attempts(case_a)
    # attempted (not reached) + counseling (reached): 2 attempts, 1 reached; 3 consultations apart
    assert (counts["attempts"], counts["reached"], counts["not_reached"]) == (2, 1, 1)
    assert [(t["label"], t["attempts"]) for t in counts["by_type"]] == [("Counseling session", 1),
                                                                         ("Attempted contact", 1)]
    assert [(t["label"], t["count"]) for t in counts["other"]] == [("Consultation with staff", 2),
                                                                    ("Agency contact", 1)]


def test_a_follow_up_date_makes_a_task(world, case_a):
    ppw = world.user("ppw")
    due = timezone.localdate() + datetime.timedelta(days=5)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    c = contact(case=case_a, actor=ppw, occurred_at=yesterday, follow_ups="Mail the attendance contract",
                follow_up_due=due)
    task = Task.objects.get(case=case_a)
    assert c.follow_up_task == task
    assert (task.automatic, task.due_on, task.assignee) == ("contact_follow_up", due, ppw)
    assert task.title == f"Follow up: phone call of {timezone.localtime(yesterday):%m/%d/%Y}"
    assert "García" not in task.title and task.details == "Mail the attendance contract"


def test_follow_up_date_needs_a_follow_up_and_not_the_past(world, case_a):
    with pytest.raises(ValidationError) as err:
        contact(case=case_a, follow_up_due=timezone.localdate() + datetime.timedelta(days=1))
    assert "follow_ups" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        contact(case=case_a, follow_ups="Call back", follow_up_due=timezone.localdate() - datetime.timedelta(days=1))
    assert "follow_up_due" in err.value.message_dict
    assert not Task.objects.exists()


def test_a_retry_with_the_same_key_logs_one_contact(world, case_a):
    key = uuid.uuid4()
    first = contact(case=case_a, client_key=key, summary="Visit notes")
    again = contact(case=case_a, client_key=str(key), summary="Visit notes")
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert Contact.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.CONTACT).count() == 1
    with pytest.raises(ValidationError):
        contact(case=f.case(student=world.student_b), client_key=key)
    with pytest.raises(ValidationError):
        contact(case=case_a, client_key="not-a-uuid")


def test_participants_are_the_students_own_guardians(world, case_a):
    f.guardian(student=world.student_b, relationship="father", first_name="Other")
    other = world.student_b.guardian_links.get()
    with pytest.raises(ValidationError) as err:
        contact(case=case_a, guardians=[grandmother(world), other])
    assert "guardians" in err.value.message_dict
    assert not Contact.objects.exists()


def test_edit_with_a_stale_version_is_refused(world, case_a):
    ppw, supervisor = world.user("ppw"), world.user("supervisor")
    c = contact(case=case_a, actor=ppw, summary="First")
    edit = {"contact_type": ContactType.PHONE_CALL, "occurred_at": c.occurred_at, "reached": False}
    services.contact_edit(actor=supervisor, contact=c, expected_version=1, summary="Supervisor's fix", **edit)
    with pytest.raises(ConflictError):
        services.contact_edit(actor=ppw, contact=c, expected_version=1, summary="Mine", **edit)
    c.refresh_from_db()
    assert (c.summary, c.version, c.reached) == ("Supervisor's fix", 2, False)
    assert CaseEvent.objects.get(kind=EventKind.CONTACT).summary == "Phone call — no answer"


def test_edit_adding_a_follow_up_date_makes_one_task(world, case_a):
    c = contact(case=case_a)
    due = timezone.localdate() + datetime.timedelta(days=3)
    fields = {"contact_type": c.contact_type, "occurred_at": c.occurred_at, "summary": c.summary,
              "reached": c.reached, "follow_ups": "Send letter", "follow_up_due": due}
    c = services.contact_edit(actor=None, contact=c, expected_version=c.version, **fields)
    services.contact_edit(actor=None, contact=c, expected_version=c.version, location="Office", **fields)
    assert Task.objects.filter(automatic="contact_follow_up").count() == 1


def test_check_in_uses_the_household_address_and_defaults_to_an_hour(world, case_a):
    household = st.household_create(actor=None, label="Garcia household")
    st.household_move(actor=None, household=household, moved_on=datetime.date(2024, 1, 1), street="12 Elm St",
                      city="Hagerstown", postal_code="21740")
    st.student_update(actor=None, student=world.student_a, household=household)
    case_a.refresh_from_db()
    ppw = world.user("ppw")
    now = timezone.now()
    visit = services.home_visit_check_in(actor=ppw, case=case_a, now=now)
    assert visit.address == "12 Elm St, Hagerstown, MD 21740"
    assert visit.expected_back_at == now + datetime.timedelta(minutes=60)
    assert services.home_visit_check_in(actor=ppw, case=case_a).pk == visit.pk  # a second tap
    out = services.home_visit_check_out(actor=ppw, visit=visit, outcome="met", now=now + datetime.timedelta(minutes=40))
    assert out.checked_out_at == now + datetime.timedelta(minutes=40) and out.checked_out_by is None
    assert services.home_visit_check_out(actor=ppw, visit=out).checked_out_at == out.checked_out_at


def test_check_in_refuses_a_return_time_in_the_past(world, case_a):
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.home_visit_check_in(actor=world.user("ppw"), case=case_a, now=now,
                                     expected_back_at=now - datetime.timedelta(minutes=1))


def test_overdue_check_outs(world, case_a):
    ppw, director = world.user("ppw"), world.user("director")
    now = timezone.now()
    late = home_visit(case=case_a, worker=ppw, minutes=30, now=now - datetime.timedelta(minutes=45))
    on_time = home_visit(case=f.case(student=world.student_b), worker=director, minutes=60)
    safe = home_visit(case=f.case(student=world.student_a, case_type="residency"), worker=ppw,
                      now=now - datetime.timedelta(hours=3))
    services.home_visit_check_out(actor=ppw, visit=safe)
    assert list(HomeVisit.objects.overdue(now)) == [late]
    assert set(HomeVisit.objects.still_out()) == {late, on_time}
    # A supervisor marking someone safe is recorded as such.
    closed = services.home_visit_check_out(actor=world.user("supervisor"), visit=late)
    assert closed.checked_out_by == world.user("supervisor")


def test_notes_link_to_the_check_in(world, case_a):
    ppw = world.user("ppw")
    visit = home_visit(case=case_a, worker=ppw)
    c = contact(case=case_a, actor=ppw, contact_type=ContactType.HOME_VISIT, home_visit=visit)
    visit.refresh_from_db()
    assert visit.contact == c


def test_notes_do_not_attach_to_yesterdays_check_in(world, case_a):
    ppw = world.user("ppw")
    old = home_visit(case=case_a, worker=ppw, now=timezone.now() - datetime.timedelta(hours=13))
    services.home_visit_check_out(actor=ppw, visit=old, now=timezone.now() - datetime.timedelta(hours=12))
    assert selectors.visit_awaiting_notes(case_a, ppw) is None
    fresh = home_visit(case=case_a, worker=ppw)
    assert selectors.visit_awaiting_notes(case_a, ppw) == fresh
