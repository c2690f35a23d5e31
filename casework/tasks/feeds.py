"""Reads for the personal calendar feed. The feed owner's tasks come through the policy like any
page (Task.objects.for_user(owner, "case.work")), so a PPW who lost a school stops seeing its tasks."""

from __future__ import annotations

import datetime

from django.utils import timezone

from . import ical
from .models import CalendarFeed, Task

PAST_DAYS = 60  # open tasks overdue longer than this are on My day, not worth a calendar entry


def live_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def owner_of(token: str):
    """The active user whose live feed this token opens, else None."""
    if not token or len(token) > 100:
        return None
    feed = (CalendarFeed.objects.select_related("user")
            .filter(token_hash=CalendarFeed.hash(token), revoked_at__isnull=True).first())
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def feed_tasks(owner):
    since = timezone.localdate() - datetime.timedelta(days=PAST_DAYS)
    return (Task.objects.for_user(owner, "case.work").open().filter(assignee=owner, due_on__gte=since)
            .select_related("case").order_by("due_on", "pk"))


def calendar_for(owner) -> str:
    return ical.calendar(feed_tasks(owner), name="Casework tasks", stamp=timezone.now())
