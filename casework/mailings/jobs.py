"""The "mailings.run" job: make one letter per picked student and the batch's merged print-ready PDF.

Re-runnable: a student who already has a letter in this mailing is not written to twice (a retry after a
crash picks up where the last attempt stopped). Each student is its own transaction, so one bad record
skips that student instead of losing the batch.

Kept short for SQLite, where a transaction holds the one write lock from its first statement (IMMEDIATE)
and every page that writes its access-log row waits for it: all that the letters read (letters.render.
letter_batch: templates, schools, guardians, addresses, absences by one rules-engine run) and the open
cases are read before the loop, outside any transaction, so a student's transaction only writes (about 27
statements for a new case and its letter, 12 for a letter on an open case: mailings/tests/
test_batch_queries.py); and on SQLite the job leaves the lock free for a moment after each letter so a
waiting page gets its turn."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import RoleAssignment
from casework.cases.choices import CaseType
from casework.cases.models import Case
from casework.cases.services import case_open, hold_for_case_opening
from casework.core.pacing import WriterPacing
from casework.core.roles import Role
from casework.jobs.registry import JobError, job_handler

from . import recipients as rc
from .models import Mailing, MailingStatus
from .services import JOB_KIND, letters_of, mailing_set_status
from .storage import mailing_storage, new_stored_name

COULD_NOT_MAKE = "the letter could not be made"


def school_ppw(school):
    """The PPW assigned to the school (the first by name when several are): owner of cases opened here."""
    assignment = (RoleAssignment.objects.active(timezone.localdate()).filter(role=Role.PPW, school=school)
                  .select_related("user").order_by("user__last_name", "user__first_name", "user_id").first())
    return assignment.user if assignment else None


def open_cases(actor, student_ids) -> dict[int, Case]:
    """Each student's open attendance case (the oldest), read once for the whole batch."""
    found: dict[int, Case] = {}
    rows = (Case.objects.for_user(actor, rc.ACTION).open().select_related("owner")  # the letter names the PPW
            .filter(student_id__in=student_ids, case_type=CaseType.ATTENDANCE).order_by("-opened_on", "-pk"))
    for case in rows:
        found[case.student_id] = case  # the oldest comes last and wins
    return found


def attendance_case(actor, student, owner, found: Case | None = None) -> Case:
    """The student's open attendance case, or a new one owned by the school's PPW. `found` was read before
    the loop; one look inside the letter's transaction confirms it, since a batch runs for minutes while the
    nightly ladder or a PPW may open or close this student's case: never a second open case, never a letter
    on a closed one."""
    def open_now() -> int | None:
        return (Case.objects.for_user(actor, rc.ACTION).open().filter(student=student, case_type=CaseType.ATTENDANCE)
                .order_by("opened_on", "pk").values_list("pk", flat=True).first())

    now_open = open_now()
    if now_open is None:  # about to open one: wait for anyone else opening one, then look again
        hold_for_case_opening(student.pk)
        now_open = open_now()
    if found is not None and found.pk == now_open:
        found.student = student  # the row already read (with its household): no lookup a letter
        return found
    if now_open is not None:
        case = Case.objects.select_related("owner").get(pk=now_open)
        case.student = student
        return case
    return case_open(actor=actor, student=student, case_type=CaseType.ATTENDANCE, owner=owner)


@job_handler(JOB_KIND)
def run(job, progress) -> str:
    from casework.letters.models import Letter
    from casework.letters.render import letter_batch, letter_unprintable, letters_pdf
    from casework.letters.services import letter_create

    actor = job.created_by
    if actor is None:
        raise JobError("The person who started this mailing no longer has an account.")
    # The creator's scope today, not when they clicked: a PPW moved to another school sends nothing here.
    mailing = Mailing.objects.for_user(actor, rc.ACTION).filter(pk=job.args.get("mailing")).first()
    if mailing is None:
        raise JobError("This mailing is no longer within the reach of the person who started it.")
    mailing = mailing_set_status(actor=actor, mailing=mailing, status=MailingStatus.RUNNING)
    try:
        students = list(rc.recipients(actor, mailing.school, mailing.criteria).select_related("household"))
        total = len(students)
        progress(0, total, "Making letters")
        done_ids = set(Letter.objects.for_user(actor, rc.ACTION).filter(mailing=mailing)
                       .values_list("case__student_id", flat=True))
        owner = school_ppw(mailing.school)
        todo_students = [s for s in students if s.pk not in done_ids]
        todo = [s.pk for s in todo_students]
        as_of = timezone.localdate()
        # Everything a letter reads that can be read for all at once: templates, schools, guardians,
        # addresses, absences (one rules-engine run), open cases. A letter's transaction then mostly writes.
        batch = letter_batch(template_key=mailing.template_key, school=mailing.school, students=todo_students,
                             links=rc.guardian_links(actor, todo), as_of=as_of)
        cases = open_cases(actor, todo)
        pacing = WriterPacing()  # SQLite: a page waiting to write gets in between letters
        skipped: dict[str, list[int]] = {}
        for i, student in enumerate(students, start=1):
            if student.pk not in done_ids:
                guardian, reason = rc.letter_guardian(actor, student, batch)
                if reason is None:
                    try:
                        with transaction.atomic():
                            case = attendance_case(actor, student, owner, cases.get(student.pk))
                            letter_create(actor=actor, case=case, template_key=mailing.template_key,
                                          guardian=guardian, mailing=mailing, batch=batch)
                    except ValidationError:
                        reason = COULD_NOT_MAKE
                    pacing.breathe()
                if reason is not None:
                    skipped.setdefault(reason, []).append(student.pk)
            progress(i, total, f"{i} of {total} students")
        letters = list(letters_of(actor, mailing))
        pdf_name = ""
        if letters:
            progress(total, total, "Putting the letters into one PDF")
            pdf_name = mailing_storage().save(new_stored_name(), ContentFile(letters_pdf(letters)))
            if mailing.pdf_name and mailing.pdf_name != pdf_name:
                mailing_storage().delete(mailing.pdf_name)  # a re-run replaces the previous file
        # Letters whose PDF shows some of a name as "\ufffd" (Chinese, Korean, Amharic...): the page says to
        # print those from their Word copy.
        unprintable = [{"letter": lt.pk, "case": lt.case_id, "number": lt.case.number}
                       for lt in letters if letter_unprintable(lt)]
        counts = {"students": total, "letters": len(letters), "skipped": skipped}
        if unprintable:
            counts["unprintable"] = unprintable
        mailing_set_status(actor=actor, mailing=mailing, status=MailingStatus.DONE, counts=counts, pdf_name=pdf_name)
    except Exception:
        mailing.refresh_from_db()
        mailing_set_status(actor=actor, mailing=mailing, status=MailingStatus.FAILED)
        raise
    skipped_n = sum(len(v) for v in skipped.values())
    return f"{len(letters)} letters, {skipped_n} skipped"
