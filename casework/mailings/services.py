"""Writes for mailings: start one (the row and its job in one transaction), record the job's outcome,
and "mark all mailed". The letters themselves are written by letters.services."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.core.services import create_audited, update_audited
from casework.jobs.services import job_enqueue
from casework.letters.choices import MailMethod
from casework.schools.models import School

from .models import Mailing, MailingStatus

JOB_KIND = "mailings.run"
CRITERIA_KEYS = {"crossed_since", "flag", "unlawful_at_least", "students"}
# A batch goes on paper: e-mail is for one letter at a time, from the case.
MAIL_METHODS = [(value, label) for value, label in MailMethod.choices if value != MailMethod.EMAIL]


def _check_criteria(criteria: dict) -> None:
    unknown = set(criteria) - CRITERIA_KEYS
    if unknown or not criteria:
        raise ValidationError("Say which students the letters are for.")
    if "students" in criteria and not all(str(i).isdigit() for i in criteria["students"]):
        raise ValidationError("The selected students are not valid.")


@transaction.atomic
def mailing_create(*, actor, school: School, criteria: dict, template_key: str = "tier1_letter") -> Mailing:
    """Record the batch and queue the job that makes its letters (it runs after this commits)."""
    _check_criteria(criteria)
    mailing = create_audited(Mailing, actor=actor, school=school, template_key=template_key, criteria=criteria,
                             created_by=actor if getattr(actor, "is_authenticated", False) else None)
    job = job_enqueue(kind=JOB_KIND, args={"mailing": mailing.pk}, actor=actor, max_attempts=2,
                      unique_key=f"mailing:{mailing.pk}")
    return update_audited(mailing, actor=actor, job=job)


def mailing_set_status(*, actor, mailing: Mailing, status: str, counts: dict | None = None,
                       pdf_name: str | None = None) -> Mailing:
    changes: dict = {"status": status}
    if counts is not None:
        changes["counts"] = counts
    if pdf_name is not None:
        changes["pdf_name"] = pdf_name
    if status in (MailingStatus.DONE, MailingStatus.FAILED):
        changes["finished_at"] = timezone.now()
    return update_audited(mailing, actor=actor, **changes)


@transaction.atomic
def mailing_mark_mailed(*, actor, mailing: Mailing, mailed_on: datetime.date, method: str,
                        expected_version: int | None = None) -> int:
    """Every letter of the batch went out today by `method`: each is logged as a contact on its case
    (letters.services.letter_mark_mailed). Letters already marked mailed are left as they are.
    Returns how many were marked."""
    from casework.letters.services import letter_mark_mailed

    if mailing.status != MailingStatus.DONE:
        raise ValidationError("The letters are not ready yet.")
    if method not in dict(MAIL_METHODS):
        raise ValidationError({"method": "Choose how the letters were sent."})
    if mailed_on > timezone.localdate():
        raise ValidationError({"mailed_on": "The mailing date cannot be in the future."})
    mailing = update_audited(mailing, actor=actor, expected_version=expected_version, mailed_on=mailed_on,
                             mailed_method=method)
    marked = 0
    for letter in letters_of(actor, mailing):
        if getattr(letter, "mailed_on", None):
            continue
        letter_mark_mailed(actor=actor, letter=letter, mailed_on=mailed_on, method=method)
        marked += 1
    return marked


def letters_of(actor, mailing: Mailing):
    """The batch's letters in print order (the order the job made them), through the actor's scope."""
    from casework.letters.models import Letter

    return (Letter.objects.for_user(actor, "mailing.run").filter(mailing=mailing)
            .select_related("case__student").order_by("pk"))
