import datetime
import unittest.mock as mock

from django.urls import reverse
from django.utils import timezone

from casework.tasks import feeds, ical
from casework.tasks.choices import TaskKind
from casework.tasks.services import feed_issue, feed_revoke, task_complete, task_create

D = datetime.date


def test_escape():
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert ical.escape("one\r\ntwo") == "one\\ntwo"


def test_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "x" * 100  # 108 octets: 75, then a space and 33
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert [len(p.encode()) for p in parts] == [75, 34]
    assert parts[1].startswith(" ")
    assert "".join([parts[0], parts[1][1:]]) == line
    # 73 ASCII octets then "é" (2 octets) fills 75 exactly; the next "é" starts a new line.
    wide = "A" * 73 + "éé"
    parts = ical.fold(wide).split("\r\n")
    assert parts == ["A" * 73 + "é", " é"]
    assert ical.fold("short") == "short"


def _feed(client, token):
    return client.get(reverse("tasks:feed_ics", kwargs={"token": token}))


def test_feed_body(world, case_a, client):
    ppw = world.user("ppw")
    long_title = "Follow up with the attendance office about the court date, the bus pass; and the letter"
    task_create(actor=ppw, case=case_a, title=long_title, due_on=D(2025, 12, 2), details="García family")
    starts = timezone.make_aware(datetime.datetime(2025, 12, 3, 9, 30))  # 9:30 EST = 14:30 UTC
    meeting = task_create(actor=ppw, case=case_a, title="SST meeting", due_on=D(2025, 12, 3), kind=TaskKind.MEETING,
                          starts_at=starts, location="Alpha Elementary, room 12")
    done = task_create(actor=ppw, case=case_a, title="Done already", due_on=D(2025, 12, 4))
    task_complete(actor=ppw, task=done)
    task_create(actor=ppw, case=case_a, title="Someone else's", due_on=D(2025, 12, 4),
                assignee=world.user("director"))
    token = feed_issue(actor=ppw, user=ppw)
    with mock.patch.object(feeds.timezone, "localdate", return_value=D(2025, 11, 25)):
        response = _feed(client, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content.decode()
    lines = raw.split("\r\n")
    assert raw.endswith("END:VCALENDAR\r\n")
    assert "\n" not in raw.replace("\r\n", "")  # CRLF only
    assert all(len(line.encode()) <= 75 for line in lines)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ical.PRODID}"]
    unfolded = raw.replace("\r\n ", "")
    number = case_a.number
    assert f"SUMMARY:{number}: Follow up with the attendance office about the court date\\, the bus pass\\; " \
           "and the letter" in unfolded
    assert "DTSTART;VALUE=DATE:20251202" in unfolded and "DTEND;VALUE=DATE:20251203" in unfolded
    assert "DTSTART:20251203T143000Z" in unfolded and "DTEND:20251203T153000Z" in unfolded
    # The place stays in Casework: an address can name a family.
    assert "LOCATION" not in unfolded and "Alpha Elementary" not in unfolded
    assert unfolded.count("DESCRIPTION:Location: in Casework") == 1  # the meeting only
    assert f"UID:task-{meeting.pk}@" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 2  # not the done one, not the director's
    # No student name anywhere (nor the details, which may hold one).
    for name in ("García", "Garcia", "José", "Jose", world.student_a.district_id):
        assert name not in unfolded


def test_uid_is_stable(world, case_a, client):
    ppw = world.user("ppw")
    task = task_create(actor=ppw, case=case_a, title="Letter", due_on=timezone.localdate())
    token = feed_issue(actor=ppw, user=ppw)
    first, second = _feed(client, token).content.decode(), _feed(client, token).content.decode()
    uid = f"UID:task-{task.pk}@"
    assert uid in first and uid in second


def test_revoked_and_unknown_tokens_are_404(world, client):
    ppw = world.user("ppw")
    old = feed_issue(actor=ppw, user=ppw)
    new = feed_issue(actor=ppw, user=ppw)  # replacing revokes the old one
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    assert feed_revoke(actor=ppw, user=ppw) is True
    assert _feed(client, new).status_code == 404
    assert _feed(client, "not-a-token").status_code == 404
    assert feed_revoke(actor=ppw, user=ppw) is False


def test_a_task_moved_out_of_scope_disappears(world, case_b, client):
    """The feed reads through the policy: when the PPW stops covering school B, B's tasks leave the feed,
    even one still assigned to them."""
    from casework.accounts.models import RoleAssignment
    from casework.accounts.services import role_assign

    ppw = world.user("ppw")
    (assignment,) = role_assign(actor=None, user=ppw, role="ppw", schools=[world.school_b])
    task_create(actor=None, case=case_b, title="Visit the family", due_on=timezone.localdate(), assignee=ppw)
    token = feed_issue(actor=ppw, user=ppw)
    assert "Visit the family" in _feed(client, token).content.decode()
    RoleAssignment.objects.filter(pk=assignment.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    body = _feed(client, token).content.decode()
    assert "Visit the family" not in body and "BEGIN:VEVENT" not in body


def test_a_date_at_the_end_of_the_calendar_is_left_out_not_a_500(world, case_a, client):
    """A 9999-12-31 due date saved before dates were checked (written straight to the row here) would make
    DTEND 10000-01-01: that one event is left out and the rest of the feed still works."""
    from casework.tasks.models import Task

    ppw = world.user("ppw")
    typo = task_create(actor=ppw, case=case_a, title="Typo year", due_on=timezone.localdate())
    Task.objects.filter(pk=typo.pk).update(due_on=datetime.date.max)
    task_create(actor=ppw, case=case_a, title="Call the school", due_on=timezone.localdate())
    response = _feed(client, feed_issue(actor=ppw, user=ppw))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("BEGIN:VEVENT") == 1
    assert "Call the school" in body and "Typo year" not in body
