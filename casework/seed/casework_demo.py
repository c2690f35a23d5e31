"""The casework layer of the demo district: cases, referrals, contacts, plans, tasks and documents,
written through each app's services (so timelines, change records and tasks are as real as a PPW's).

Each app keeps its own part in `<app>/demo.py` (`demo_seed(*, rng, today)`); this runs them in
dependency order, each with its own random stream so one app's change does not reshuffle the others."""

from __future__ import annotations

import datetime
import random
from importlib import import_module

from django.db import transaction

from casework.core.context import Source, audit_context

# Cases first: the others read the open cases. Letters before hearings (a hearing may link its notice)
# and mailings (a batch reuses the letter templates).
DEMO_APPS = ("cases", "enforcement", "referrals", "contacts", "plans", "tasks", "letters", "documents", "hearings",
             "mailings")


def seed_casework(*, seed: int, today: datetime.date) -> None:
    with audit_context(source=Source.SEED), transaction.atomic():
        for app in DEMO_APPS:
            module = import_module(f"casework.{app}.demo")
            module.demo_seed(rng=random.Random(f"{seed}:{app}"), today=today)
