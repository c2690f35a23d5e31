"""The district's code maps for calendar events, discipline actions and programs: shipped Ed-Fi defaults,
a district's own codes rejected until mapped and read once mapped (CSV and Ed-Fi), `casework descriptors
--family`, and the SIS code mappings page."""

import csv
import datetime
import io
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from casework.audit.models import ChangeRecord
from casework.calendars.models import CalendarDate
from casework.calendars.schooldays import instructional_days
from casework.core.testing import factories as f
from casework.discipline.models import Action
from casework.imports import codes
from casework.imports.models import CodeMapping, ImportRun
from casework.imports.services import import_run
from casework.schools.models import School
from casework.students.models import Student

from . import test_edfi_fixtures as sample
from .test_edfi_import import edfi, rejects

pytestmark = pytest.mark.django_db
SNOW = "uri://district.org/CalendarEventDescriptor#Snow Day"
LONG_TERM = "uri://district.org/DisciplineDescriptor#Long-Term Suspension"


@pytest.fixture(autouse=True)
def fresh_maps():
    codes.forget()  # a mapping another test wrote was rolled back with it
    yield
    codes.forget()


@pytest.fixture
def steward():
    return f.user(username="steward-c", role="data_steward")


@pytest.mark.parametrize(("family", "value", "kind"), [
    ("calendar_event", "uri://ed-fi.org/CalendarEventDescriptor#Weather day", "weather_closure"),
    ("calendar_event", "weather DAY", "weather_closure"),  # the code value alone, any case
    ("calendar_event", "holiday", "holiday"),  # Casework's own kind
    ("discipline", "uri://ed-fi.org/DisciplineDescriptor#Expulsion with Services", "expulsion"),
    ("discipline", "Removal from Classroom", "other"),
    ("program", "uri://ed-fi.org/ProgramTypeDescriptor#Section 504 Placement", "section_504"),
    ("program", "mckinney-vento", "homeless"),
    ("program", "IDEA", "special_education"),
    ("calendar_event", SNOW, None),
    ("discipline", LONG_TERM, None),
    ("program", "HMLS", None),
    ("program", "", None),
])
def test_shipped_defaults_resolve_and_a_districts_own_code_does_not(family, value, kind):
    assert codes.resolve(family, value) == kind


def test_a_mapping_is_checked_against_its_family_and_recorded(steward):
    with pytest.raises(ValidationError, match="Unknown calendar day kind kind 'expulsion'"):
        codes.code_mapping_set(actor=steward, family="calendar_event", descriptor=SNOW, value="expulsion")
    with pytest.raises(ValidationError, match="Give the descriptor"):
        codes.code_mapping_set(actor=steward, family="calendar_event", descriptor="  ", value="holiday")
    before = ChangeRecord.objects.count()
    codes.code_mapping_set(actor=steward, family="calendar_event", descriptor=SNOW, value="weather_closure")
    assert codes.resolve("calendar_event", SNOW) == "weather_closure"
    assert codes.resolve("calendar_event", "snow day") == "weather_closure"  # its code value, any case
    assert codes.resolve("discipline", SNOW) is None  # a map per family
    # A district's edit of a shipped mapping is its own from then on.
    removal = "uri://ed-fi.org/DisciplineDescriptor#Removal from Classroom"
    edited = codes.code_mapping_set(actor=steward, family="discipline", descriptor=removal,
                                    value="in_school_suspension", notes="our removals are ISS")
    assert (edited.value, edited.shipped, edited.version) == ("in_school_suspension", False, 2)
    assert codes.resolve("discipline", "Removal from Classroom") == "in_school_suspension"
    assert ChangeRecord.objects.count() == before + 2


def test_a_csv_calendar_with_a_districts_own_event_is_refused_until_mapped(tmp_path, steward):
    school = f.school(code="A100")
    path = tmp_path / "calendar.csv"
    path.write_text("school_id,date,descriptor\nA100,2025-09-02,uri://ed-fi.org/CalendarEventDescriptor#"
                    f"Instructional day\nA100,2025-09-03,{SNOW}\n", encoding="utf-8")
    refused = import_run(actor=None, kind="calendar", paths=[path])
    assert refused.status == ImportRun.Status.REFUSED
    (reject,) = refused.rejected_rows.all()
    assert (reject.line, reject.field) == (3, "descriptor")
    # The kinds, and the command to paste (the value itself is in the row's value: 300 characters at most).
    assert reject.reason.startswith("Unknown calendar day kind; use one of instructional, make_up, short_day,")
    assert len(reject.reason) <= 300
    assert f"casework descriptors set '{SNOW}' <kind> --family calendar_event --user <you>" in reject.reason
    assert not CalendarDate.objects.exists()

    codes.code_mapping_set(actor=steward, family="calendar_event", descriptor=SNOW, value="weather_closure")
    run = import_run(actor=None, kind="calendar", paths=[path])
    assert run.status == ImportRun.Status.COMMITTED, [r.reason for r in run.rejected_rows.all()]
    assert CalendarDate.objects.get(school=school, date=datetime.date(2025, 9, 3)).kind == "weather_closure"
    assert list(instructional_days(school, datetime.date(2025, 9, 1), datetime.date(2025, 9, 5))) == [
        datetime.date(2025, 9, 2)]


def _district_codes(folder):
    """The shared Ed-Fi set with school 200's holiday sent as the district's snow day, and the suspension
    as the district's own descriptor."""
    calendar = folder / "EducationOrgCalendar.xml"
    text = calendar.read_text()
    old = "<Date>2025-09-19</Date><CalendarEvent>uri://ed-fi.org/CalendarEventDescriptor#Holiday"
    assert old in text
    calendar.write_text(text.replace(old, f"<Date>2025-09-19</Date><CalendarEvent>{SNOW}"))
    discipline = folder / "StudentDiscipline.xml"
    text = discipline.read_text()
    old = "uri://ed-fi.org/DisciplineDescriptor#Out of School Suspension"
    assert old in text
    discipline.write_text(text.replace(old, LONG_TERM))
    return folder


def _row(student_id: str, school_id: str) -> dict:
    out = io.StringIO()
    call_command("indicators", "--as-of", "2025-09-26", "--format", "csv", stdout=out)
    return next(r for r in csv.DictReader(io.StringIO(out.getvalue()))
                if (r["student_id"], r["school_id"]) == (student_id, school_id))


def test_an_edfi_set_with_the_districts_own_descriptors_imports_once_they_are_mapped(tmp_path, steward):
    folder = _district_codes(sample.write_edfi(tmp_path / "set"))
    refused = edfi(folder)
    assert refused.status == ImportRun.Status.REFUSED
    reasons = [r[3] for r in rejects(refused)]
    assert any(r.startswith("Unknown calendar day kind") and f"set '{SNOW}' <kind> --family calendar_event" in r
               for r in reasons), reasons
    assert any(r.startswith("Unknown discipline action") and f"set '{LONG_TERM}' <kind> --family discipline" in r
               for r in reasons), reasons
    assert not School.objects.exists()  # all or nothing

    call_command("descriptors", "set", SNOW, "weather_closure", "--family", "calendar_event", "--user", "steward-c",
                 stdout=StringIO())
    call_command("descriptors", "set", LONG_TERM, "out_of_school_suspension", "--family", "discipline",
                 "--user", "steward-c", stdout=StringIO())
    run = edfi(folder)
    assert run.status == ImportRun.Status.COMMITTED, rejects(run)
    school = School.objects.get(code="200")
    assert CalendarDate.objects.get(school=school, date=datetime.date(2025, 9, 19)).kind == "weather_closure"
    action = Action.objects.get(action_id="OSS-1")
    assert (action.kind, action.descriptor) == ("out_of_school_suspension", LONG_TERM)
    # School 200 counts its session's weekdays minus the snow day: 20 - 1. Student 100001's suspension counts.
    assert _row("100002", "200")["days_enrolled"] == "19"
    assert _row("100001", "100")["suspensions"] == "1"


def test_a_program_local_code_mapped_from_the_command_line(tmp_path, steward):
    school = f.school(code="A100")
    f.student(school=school, district_id="100001")
    path = tmp_path / "programs.csv"
    path.write_text("student_id,program,begin\n100001,HMLS,2025-09-01\n", encoding="utf-8")
    assert import_run(actor=None, kind="programs", paths=[path]).status == ImportRun.Status.REFUSED
    out = StringIO()
    call_command("descriptors", "set", "HMLS", "homeless", "--family", "program", "--user", "steward-c",
                 "--notes", "SIS homeless code", stdout=out)
    assert "HMLS -> homeless (program)" in out.getvalue()
    assert import_run(actor=None, kind="programs", paths=[path]).status == ImportRun.Status.COMMITTED
    assert Student.objects.get(district_id="100001").homeless is True
    listed = StringIO()
    call_command("descriptors", "--family", "program", stdout=listed)
    assert "HMLS\thomeless\t[district]" in listed.getvalue()
    assert "uri://ed-fi.org/ProgramTypeDescriptor#Homeless\thomeless\t[shipped]" in listed.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (("set", SNOW, "snow", "--family", "calendar_event", "--user", "steward-c"), "Unknown kind 'snow'"),
    (("set", SNOW, "holiday", "--family", "calendar_event", "--reason", "B", "--user", "steward-c"),
     "attendance descriptors only"),
    (("set", SNOW, "holiday", "--family", "calendar_event"), "Give --user"),
    (("set", SNOW, "holiday", "--family", "calendar_event", "--user", "ppw-c"), "may not change the mapping"),
])
def test_the_command_refuses_bad_input(args, message, steward):
    f.user(username="ppw-c", role="ppw", schools=[f.school()])
    with pytest.raises(CommandError, match=message):
        call_command("descriptors", *args, stdout=StringIO())
    assert not CodeMapping.objects.filter(descriptor=SNOW).exists()


def test_the_page_lists_each_family_and_saves_a_mapping(client, steward):
    client.force_login(steward)
    page = client.get(reverse("imports:codes"))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("Calendar event (kind of day)", "Discipline action", "Program type"):
        assert heading in html
    assert "uri://ed-fi.org/CalendarEventDescriptor#Weather day" in html
    saved = client.post(reverse("imports:codes"), {"family": "calendar_event", "calendar_event-descriptor": SNOW,
                                                   "calendar_event-value": "weather_closure",
                                                   "calendar_event-notes": "closed for snow"}, follow=True)
    assert saved.status_code == 200
    assert f"{SNOW} -&gt; weather_closure" in saved.content.decode()
    assert CodeMapping.objects.get(family="calendar_event", descriptor=SNOW).value == "weather_closure"
    wrong = client.post(reverse("imports:codes"), {"family": "discipline", "discipline-descriptor": LONG_TERM,
                                                   "discipline-value": "weather_closure"})
    assert wrong.status_code == 400
    assert "The mapping was not saved" in wrong.content.decode()
    assert client.post(reverse("imports:codes"), {"family": "grades"}).status_code == 400
    assert not CodeMapping.objects.filter(descriptor=LONG_TERM).exists()


def test_only_the_steward_and_director_see_the_page(client):
    school = f.school()
    for role in ("ppw", "school_admin", "auditor"):
        client.force_login(f.user(role=role, schools=[school]))
        assert client.get(reverse("imports:codes")).status_code == 404
        assert client.post(reverse("imports:codes"), {"family": "program", "program-descriptor": "X",
                                                      "program-value": "homeless"}).status_code == 404
    client.force_login(f.user(role="director"))
    assert client.get(reverse("imports:codes")).status_code == 200
    assert not CodeMapping.objects.filter(descriptor="X").exists()
