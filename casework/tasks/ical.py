"""iCalendar (RFC 5545) for the personal feed, written by hand: the subset Outlook and Google read
(VCALENDAR, VEVENT, all-day and timed events), with the format's escaping, CRLF lines and 75-octet
folding. No student names ever go in: summaries are "<case number>: <task title>" (titles naming the
student are refused when saved) and a meeting's place stays in Casework (an address can name a family)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings

PRODID = "-//Casework//Pupil Personnel Services//EN"
MEETING_LENGTH = datetime.timedelta(hours=1)  # a meeting has a start, not an end: assume an hour


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Split a content line into CRLF-joined pieces of at most 75 octets, continuations starting
    with a space; never inside a UTF-8 character (RFC 5545 3.1)."""
    pieces: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uid(task) -> str:
    host = getattr(settings, "CASEWORK_CALENDAR_UID_HOST", "casework.invalid")
    return f"task-{task.pk}@{host}"


def event_lines(task, stamp: datetime.datetime) -> list[str]:
    summary = f"{task.case.number}: {task.title}"
    lines = ["BEGIN:VEVENT", f"UID:{_uid(task)}", f"DTSTAMP:{_utc(stamp)}"]
    if task.starts_at is not None:
        lines += [f"DTSTART:{_utc(task.starts_at)}", f"DTEND:{_utc(task.starts_at + MEETING_LENGTH)}"]
    else:
        day = task.due_on
        lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
                  "TRANSP:TRANSPARENT"]  # a due date does not make the PPW busy all day
    lines.append(f"SUMMARY:{escape(summary)}")
    if task.location:
        lines.append("DESCRIPTION:Location: in Casework")
    lines += [f"CATEGORIES:{'Meeting' if task.starts_at is not None else 'Due date'}",
              f"SEQUENCE:{task.version}", "END:VEVENT"]
    return lines


def calendar(tasks: Iterable, *, name: str = "Casework", stamp: datetime.datetime) -> str:
    """The whole feed. `stamp` (DTSTAMP) is when the feed was generated, in UTC."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape(name)}", "X-PUBLISHED-TTL:PT1H"]
    for task in tasks:
        try:
            lines += event_lines(task, stamp)
        except (OverflowError, ValueError):
            continue  # a date at the end of the calendar (a typo saved before dates were checked): leave it out
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
