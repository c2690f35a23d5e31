"""The batch letters pages: start (preview, generate, picked on the list), progress, download (a logged
disclosure), mark all mailed (with the stale-copy check), and the early-warning list's entry points."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.audit.models import AccessLog
from casework.contacts.models import Contact
from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
from casework.jobs.models import Job
from casework.jobs.services import job_run
from casework.mailings.models import Mailing
from casework.rules.models import RuleSet

from .helpers import crossing, mailable_student, pdf_pages, ship_tier1_template

pytestmark = pytest.mark.django_db
SINCE = datetime.date(2026, 11, 16)


@pytest.fixture
def setup(world, settings, tmp_path, client):
    settings.CASEWORK_MAILINGS_DIR = str(tmp_path)
    settings.CASEWORK_JOBS_INLINE = False
    ship_tier1_template()
    ana = mailable_student(world.school_a, first_name="Ana", last_name="Alvarez")
    ben = mailable_student(world.school_a, first_name="Ben", last_name="Brooks", street="40 Oak Lane")
    crossing(ana, world.school_a, SINCE)
    crossing(ben, world.school_a, SINCE)
    client.force_login(world.user("ppw"))
    return {"ana": ana, "ben": ben, "client": client}


def _new(world, school=None):
    return reverse("mailings:new", args=[(school or world.school_a).code])


CROSSED = {"template_key": "tier1_letter", "who": "crossed", "flag": "truant_7_302_2", "crossed_since": "2026-11-16"}


def test_the_form_opens_for_my_school_only(world, setup):
    client = setup["client"]
    response = client.get(_new(world))
    assert response.status_code == 200
    assert b"Generate letters" in response.content
    assert client.get(_new(world, world.school_b)).status_code == 404


def test_preview_counts_the_letters_without_starting_anything(world, setup):
    response = setup["client"].post(_new(world), {**CROSSED, "preview": "1"})
    assert response.status_code == 200
    assert response.context["preview"] == {"students": 2, "letters": 2, "unreachable": 0}
    assert not Mailing.objects.exists()


def test_generate_queues_the_job_and_opens_the_progress_page(world, setup):
    response = setup["client"].post(_new(world), {**CROSSED, "generate": "1"})
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("mailings:detail", args=[mailing.pk])
    assert mailing.criteria == {"crossed_since": "2026-11-16", "flag": "truant_7_302_2"}
    assert mailing.created_by == world.user("ppw") and mailing.school == world.school_a
    assert Job.objects.get(pk=mailing.job_id).kind == "mailings.run"
    assert Job.objects.get(pk=mailing.job_id).args == {"mailing": mailing.pk}  # ids only
    page = setup["client"].get(response["Location"])
    assert b"Waiting" in page.content and b"mailings/progress.js" in page.content


def test_a_date_in_the_future_is_a_clear_error(world, setup):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = setup["client"].post(_new(world), {**CROSSED, "crossed_since": tomorrow.isoformat(), "generate": "1"})
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    assert not Mailing.objects.exists()


def _on_the_list(world, *students):
    for student in students:
        StudentIndicator.objects.create(student=student, school=world.school_a, as_of=SINCE, period_key=YEAR_TO_DATE,
                                        period_kind="year", rule_set=RuleSet.objects.defaults().first(),
                                        calendar_method="dates_listed", values={})


def test_a_tampered_student_id_is_ignored_not_a_500(world, setup):
    _on_the_list(world, setup["ana"], setup["ben"])
    picked = setup["client"].post(_new(world), {"student": ["²", "9" * 30, str(setup["ben"].pk)]})
    assert picked.status_code == 200
    assert "The 1 student selected on the early-warning list" in picked.content.decode()


def test_students_ticked_on_the_list_arrive_picked(world, setup):
    _on_the_list(world, setup["ana"], setup["ben"])
    client = setup["client"]
    picked = client.post(_new(world), {"student": [str(setup["ben"].pk)]})  # from the early-warning list
    assert picked.status_code == 200
    assert "The 1 student selected on the early-warning list" in picked.content.decode()
    assert f'name="student" value="{setup["ben"].pk}"' in picked.content.decode()  # carried to the next POST
    response = client.post(_new(world), {"template_key": "tier1_letter", "who": "selected",
                                         "student": [str(setup["ben"].pk)], "generate": "1"})
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and mailing.criteria == {"students": [setup["ben"].pk]}


def _finished(world, setup) -> Mailing:
    setup["client"].post(_new(world), {**CROSSED, "generate": "1"})
    mailing = Mailing.objects.get()
    assert job_run(mailing.job).status == "done"  # as a worker runs it: real progress reports
    mailing.refresh_from_db()
    return mailing


def test_status_json_and_the_download_is_a_logged_disclosure(world, setup):
    mailing = _finished(world, setup)
    client = setup["client"]
    status = client.get(reverse("mailings:status", args=[mailing.pk])).json()
    assert status["finished"] is True and status["letters"] == 2 and status["progress"]["done"] == 2
    page = client.get(reverse("mailings:detail", args=[mailing.pk]))
    assert b"Download the print-ready PDF" in page.content and b"Mark all 2 letters mailed" in page.content
    before = AccessLog.objects.filter(action=AccessLog.Action.PRINT).count()
    response = client.get(reverse("mailings:pdf", args=[mailing.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_pages(b"".join(response.streaming_content))
    assert len(pages) == 2 and "Ana Alvarez" in pages[0] and "Ben Brooks" in pages[1]
    # No student name in the file name.
    assert "Alvarez" not in response["Content-Disposition"]
    logged = AccessLog.objects.filter(action=AccessLog.Action.PRINT).order_by("student_id")
    assert logged.count() - before == 2
    assert set(logged.values_list("student_id", flat=True)) == {setup["ana"].pk, setup["ben"].pk}


def test_a_school_b_principal_cannot_reach_school_a_mailing(world, setup):
    from casework.core.testing import factories as f

    mailing = _finished(world, setup)
    other = f.user(username="t-principal-b", role="school_admin", schools=[world.school_b])
    setup["client"].force_login(other)
    for name in ("mailings:detail", "mailings:status", "mailings:pdf"):
        assert setup["client"].get(reverse(name, args=[mailing.pk])).status_code == 404
    assert setup["client"].post(reverse("mailings:mark_mailed", args=[mailing.pk]),
                                {"mailed_on": "2026-11-20", "method": "first_class", "version": mailing.version}
                                ).status_code == 404


def test_mark_all_mailed_from_the_page(world, setup):
    mailing = _finished(world, setup)
    today = timezone.localdate().isoformat()
    response = setup["client"].post(reverse("mailings:mark_mailed", args=[mailing.pk]),
                                    {"mailed_on": today, "method": "certified", "version": mailing.version})
    assert response.status_code == 302
    assert Contact.objects.filter(contact_type="letter", case__student__in=[setup["ana"], setup["ben"]]).count() == 2
    mailing.refresh_from_db()
    assert mailing.mailed_method == "certified" and mailing.mailed_on.isoformat() == today


def test_mark_mailed_on_a_stale_copy_keeps_what_was_typed(world, setup):
    from casework.mailings.services import mailing_set_status

    mailing = _finished(world, setup)
    opened_version = mailing.version
    mailing_set_status(actor=None, mailing=mailing, status="done")  # someone else's write in between
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = setup["client"].post(reverse("mailings:mark_mailed", args=[mailing.pk]),
                                    {"mailed_on": yesterday, "method": "certified", "version": opened_version})
    assert response.status_code == 409
    text = response.content.decode()
    assert "changed by someone else since you opened" in text
    assert f'value="{yesterday}"' in text
    assert not Contact.objects.filter(contact_type="letter").exists()


def test_early_warning_list_offers_letters_to_senders_only(world, setup):
    _on_the_list(world, setup["ana"], setup["ben"])
    url = reverse("indicators:early_warning", args=[world.school_a.code])
    page = setup["client"].get(url).content.decode()
    assert reverse("mailings:new", args=[world.school_a.code]) in page
    assert "Letters for selected students" in page
    setup["client"].force_login(world.user("data_steward"))  # reads the list, sends no letters
    page = setup["client"].get(url).content.decode()
    assert "mailings/new" not in page
