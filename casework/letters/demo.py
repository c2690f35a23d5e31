"""Demo letters: a Tier 1 warning letter on about 30 open attendance cases (in Spanish where the guardian
prefers Spanish), most recorded as mailed, one returned by the post office. Written through the services,
so each mailing is also a contact and the returned one a verify-address task."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from casework.cases.choices import CaseType
from casework.cases.models import Case

from . import services
from .choices import MailMethod

HOW_MANY = 30


def demo_seed(*, rng: random.Random, today: datetime.date) -> None:
    cases = list(Case.objects.open().filter(case_type=CaseType.ATTENDANCE).select_related("student", "owner")
                 .order_by("pk"))
    rng.shuffle(cases)
    made = []
    for case in cases[:HOW_MANY]:
        # The services date mailings by the real clock (a letter cannot be mailed before it exists).
        as_of = min(today, timezone.localdate())
        letter = services.letter_create(actor=case.owner, case=case, template_key="tier1_letter", as_of=as_of)
        made.append(letter)
    mailed_on = timezone.localdate()
    for i, letter in enumerate(made):
        if i % 5 == 4:
            continue  # some still waiting to go out
        method = MailMethod.CERTIFIED if i % 3 == 0 else MailMethod.FIRST_CLASS
        services.letter_mark_mailed(actor=letter.case.owner, letter=letter, mailed_on=mailed_on, method=method)
    returned = [letter for i, letter in enumerate(made) if i % 5 != 4][:1]
    for letter in returned:
        services.letter_return(actor=letter.case.owner, letter=letter, returned_on=mailed_on,
                               reason="Moved, left no forwarding address")
