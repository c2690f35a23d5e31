"""Contacts and check-ins for tests, through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casework.contacts import services
from casework.contacts.choices import ContactType


def contact(*, case, actor=None, contact_type: str = ContactType.PHONE_CALL, occurred_at=None,
            summary: str = "Spoke about attendance.", **fields):
    when = occurred_at or timezone.now() - datetime.timedelta(hours=2)
    fields.setdefault("reached", True)  # the service asks; most tests' contacts reached someone
    return services.contact_log(actor=actor, case=case, contact_type=contact_type, occurred_at=when,
                                summary=summary, **fields)


def home_visit(*, case, worker, minutes: int = 60, now=None):
    now = now or timezone.now()
    return services.home_visit_check_in(actor=worker, case=case, now=now,
                                        expected_back_at=now + datetime.timedelta(minutes=minutes))
