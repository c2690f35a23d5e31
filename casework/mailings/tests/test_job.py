"""The mailings.run job: exactly the crossed students in scope get a letter, on their attendance case,
in one merged PDF; the skipped are reported; a re-run writes nothing twice; mark-all-mailed logs contacts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casework.cases.models import Case
from casework.contacts.models import Contact
from casework.core.testing import factories as f
from casework.letters.models import Letter
from casework.mailings.jobs import run
from casework.mailings.models import MailingStatus
from casework.mailings.services import mailing_create, mailing_mark_mailed
from casework.mailings.storage import mailing_storage

from .helpers import Progress, crossing, mailable_student, pdf_pages, ship_tier1_template

pytestmark = pytest.mark.django_db
SINCE = datetime.date(2026, 11, 16)


@pytest.fixture
def batch(world, settings, tmp_path):
    settings.CASEWORK_MAILINGS_DIR = str(tmp_path)
    settings.CASEWORK_JOBS_INLINE = False
    ship_tier1_template()
    a = world.school_a
    s = {
        "ana": mailable_student(a, first_name="Ana", last_name="Alvarez"),
        "ben": mailable_student(a, first_name="Ben", last_name="Brooks"),
        "old": mailable_student(a, first_name="Olga", last_name="Oldcross"),      # crossed before SINCE
        "noaddr": f.student(school=a, first_name="Nico", last_name="Noaddress"),  # guardian, no household
        "chronic": mailable_student(a, first_name="Cy", last_name="Chronic"),    # another flag
    }
    f.guardian(student=s["noaddr"], relationship="father", has_custody=True)
    crossing(s["ana"], a, SINCE)
    crossing(s["ben"], a, datetime.date(2026, 11, 20))
    crossing(s["old"], a, datetime.date(2026, 11, 13))
    crossing(s["noaddr"], a, datetime.date(2026, 11, 18))
    crossing(s["chronic"], a, SINCE, flag="chronic_absent")
    # School B's student crossed too, at school B, which the PPW of A does not reach.
    crossing(world.student_b, world.school_b, SINCE)
    return s


def _start(world, actor_role="ppw", **criteria):
    criteria = criteria or {"crossed_since": SINCE.isoformat(), "flag": "truant_7_302_2"}
    return mailing_create(actor=world.user(actor_role), school=world.school_a, criteria=criteria)


def _letters(mailing):
    return list(Letter.objects.filter(mailing=mailing).select_related("case__student").order_by("pk"))


def test_letters_for_exactly_the_crossed_students_on_their_attendance_cases(world, batch):
    mailing = _start(world)
    progress = Progress()
    outcome = run(mailing.job, progress)
    mailing.refresh_from_db()
    letters = _letters(mailing)
    # Ana (11/16) and Ben (11/20) crossed since 11/16 with an address; in name order.
    assert [letter.case.student.last_name for letter in letters] == ["Alvarez", "Brooks"]
    assert all(letter.case.case_type == "attendance" and letter.case.is_open for letter in letters)
    # Opened for the batch, owned by the school's PPW.
    assert all(letter.case.owner == world.user("ppw") for letter in letters)
    assert mailing.status == MailingStatus.DONE
    assert mailing.counts == {"students": 3, "letters": 2, "skipped": {"no guardian address": [batch["noaddr"].pk]}}
    assert outcome == "2 letters, 1 skipped"
    assert progress.calls[0] == (0, 3) and progress.calls[-1] == (3, 3)
    assert mailing.finished_at is not None


def test_an_open_attendance_case_is_reused_not_doubled(world, batch):
    existing = f.case(student=batch["ana"], owner=world.user("supervisor"), opened_on=datetime.date(2026, 9, 1))
    mailing = _start(world)
    run(mailing.job, Progress())
    assert Letter.objects.get(mailing=mailing, case__student=batch["ana"]).case == existing
    assert Case.objects.filter(student=batch["ana"]).count() == 1


def test_rerun_of_the_same_mailing_does_not_double_letters(world, batch):
    mailing = _start(world)
    run(mailing.job, Progress())
    first_pdf = mailing.__class__.objects.get(pk=mailing.pk).pdf_name
    run(mailing.job, Progress())
    mailing.refresh_from_db()
    assert Letter.objects.filter(mailing=mailing).count() == 2
    assert Case.objects.filter(student__in=[batch["ana"], batch["ben"]]).count() == 2
    assert mailing.counts["letters"] == 2
    # The re-rendered PDF replaced the first file.
    assert not mailing_storage().exists(first_pdf) or first_pdf == mailing.pdf_name


def test_a_student_out_of_scope_is_never_included(world, batch):
    # A crossing row naming school B's student at school A (a stale SIS row): the PPW of school A does not
    # reach that student, so neither the list nor the job does.
    crossing(world.student_b, world.school_a, datetime.date(2026, 11, 17))
    mailing = _start(world)
    run(mailing.job, Progress())
    assert world.student_b.pk not in {letter.case.student_id for letter in _letters(mailing)}
    assert not Case.objects.filter(student=world.student_b).exists()
    # The same when picked by id on the early-warning list.
    from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
    from casework.rules.models import RuleSet

    for student, school in ((batch["ana"], world.school_a), (world.student_b, world.school_b)):
        StudentIndicator.objects.create(
            student=student, school=school, as_of=SINCE, period_key=YEAR_TO_DATE, period_kind="year",
            rule_set=RuleSet.objects.defaults().first(), calendar_method="dates_listed", values={})
    picked = _start(world, students=[batch["ana"].pk, world.student_b.pk])
    run(picked.job, Progress())
    assert [letter.case.student_id for letter in _letters(picked)] == [batch["ana"].pk]


def test_the_job_rechecks_scope_with_the_creator(world, batch):
    from casework.accounts.models import RoleAssignment

    mailing = _start(world)
    RoleAssignment.objects.filter(user=world.user("ppw")).delete()  # moved off the school since clicking
    with pytest.raises(Exception, match="no longer within the reach"):
        run(mailing.job, Progress())
    assert not Letter.objects.exists()


def test_merged_pdf_has_one_letter_per_student(world, batch):
    mailing = _start(world)
    run(mailing.job, Progress())
    mailing.refresh_from_db()
    with mailing_storage().open(mailing.pdf_name, "rb") as handle:
        pages = pdf_pages(handle.read())
    assert len(pages) == 2
    assert "Ana Alvarez" in pages[0] and "Ben Brooks" not in pages[0]
    assert "Ben Brooks" in pages[1] and "Ana Alvarez" not in pages[1]
    assert "12 Elm Street" in pages[0]


def test_mark_all_mailed_logs_one_contact_per_letter(world, batch):
    mailing = _start(world)
    run(mailing.job, Progress())
    mailing.refresh_from_db()
    today = timezone.localdate()
    assert mailing_mark_mailed(actor=world.user("ppw"), mailing=mailing, mailed_on=today, method="first_class") == 2
    letters = _letters(mailing)
    assert [letter.mailed_on for letter in letters] == [today, today]
    for letter in letters:
        assert Contact.objects.filter(case=letter.case, contact_type="letter").count() == 1
    # A second "mark all mailed" leaves the already-mailed letters alone.
    mailing.refresh_from_db()
    assert mailing_mark_mailed(actor=world.user("ppw"), mailing=mailing, mailed_on=today, method="first_class") == 0
    assert Contact.objects.filter(case__letters__mailing=mailing).count() == 2


def test_unlawful_count_criterion_picks_the_latest_indicators(world, batch):
    from casework.indicators.models import YEAR_TO_DATE, StudentIndicator
    from casework.rules.models import RuleSet

    def indicator(student, unlawful, as_of):
        StudentIndicator.objects.create(
            student=student, school=world.school_a, as_of=as_of, period_key=YEAR_TO_DATE, period_kind="year",
            rule_set=RuleSet.objects.defaults().first(), calendar_method="dates_listed", days_enrolled=50,
            days_unlawful=unlawful, values={})

    indicator(batch["ana"], 6, datetime.date(2026, 11, 20))
    indicator(batch["ben"], 4, datetime.date(2026, 11, 20))
    indicator(batch["ben"], 9, datetime.date(2026, 11, 1))  # an older count does not count
    mailing = _start(world, unlawful_at_least=5)
    run(mailing.job, Progress())
    assert [letter.case.student.last_name for letter in _letters(mailing)] == ["Alvarez"]


def test_letters_the_pdf_cannot_print_are_named_on_the_page(world, batch):
    from django.test import Client
    from django.urls import reverse

    wang = mailable_student(world.school_a, first_name="Wei", last_name="王")  # mother: "Maria 王"
    crossing(wang, world.school_a, SINCE)
    mailing = _start(world)
    run(mailing.job, Progress())
    mailing.refresh_from_db()
    letter = Letter.objects.get(mailing=mailing, case__student=wang)
    assert mailing.unprintable == [{"letter": letter.pk, "case": letter.case_id, "number": letter.case.number}]
    with mailing_storage().open(mailing.pdf_name, "rb") as handle:
        assert any("Maria \ufffd" in page for page in pdf_pages(handle.read()))  # marked, not dropped
    client = Client()
    client.force_login(world.user("ppw"))
    page = client.get(reverse("mailings:detail", args=[mailing.pk])).content.decode()
    assert "1 letter has characters the PDF cannot print" in page and "Use the Word version of that letter" in page
    assert f'{reverse("letters:case_letters", args=[letter.case_id])}#letter-{letter.pk}' in page
