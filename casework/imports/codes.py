"""The district's code maps outside attendance: which Casework kind a SIS's calendar event, discipline
action or program type means (`CodeMapping`). Read once per import run, written by `code_mapping_set`.

A value resolves, in order: as one of Casework's own kinds (`holiday`, `out_of_school_suspension`); as
a mapped descriptor exactly (a full URI or a local code); by its code value after "#", ignoring case, so
"Holiday" and uri://ed-fi.org/CalendarEventDescriptor#Holiday read the same. Anything else is unknown:
the importer rejects the row and says how to map it."""

from __future__ import annotations

import shlex

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.attendance.selectors import DescriptorResolver
from casework.calendars.choices import DayKind
from casework.core.services import create_audited, update_audited
from casework.discipline.choices import ActionKind
from casework.programs.choices import ProgramKind

from .models import CodeMapping
from .parsing import fitting_reason

Family = CodeMapping.Family
KINDS: dict[str, type] = {Family.CALENDAR_EVENT: DayKind, Family.DISCIPLINE: ActionKind, Family.PROGRAM: ProgramKind}
# How the message names what was not understood, and the Ed-Fi descriptor a district's own URI extends.
WHAT = {Family.CALENDAR_EVENT: ("calendar day kind", "CalendarEvent"),
        Family.DISCIPLINE: ("discipline action", "Discipline"),
        Family.PROGRAM: ("program", "ProgramType")}

_maps: dict[str, DescriptorResolver] | None = None


def forget() -> None:
    """Read the maps again at the next lookup: after an edit here, and at the start of every import run
    (another process may have edited them; a rolled-back edit must not linger)."""
    global _maps
    _maps = None


def _load() -> dict[str, DescriptorResolver]:
    global _maps
    rows: dict[str, dict[str, str]] = {f: {} for f in KINDS}
    for family, descriptor, value in CodeMapping.objects.values_list("family", "descriptor", "value"):
        rows.setdefault(family, {})[descriptor] = value
    _maps = {family: DescriptorResolver(found) for family, found in rows.items()}
    return _maps


def resolve(family: str, value: str) -> str | None:
    """The Casework kind `value` means in `family`, or None when nobody has mapped it."""
    value = (value or "").strip()
    if value in KINDS[family].values:
        return value
    if not value:
        return None
    return (_maps or _load())[family](value)


def unknown(family: str, value: str) -> str:
    """The reject reason for an unmapped value: the kinds, and the command that maps it, ready to paste.
    At most 300 characters (the longest reason a rejected row keeps)."""
    what, edfi = WHAT[family]
    kinds = ", ".join(KINDS[family].values)
    command = f"casework descriptors set {shlex.quote(value)} <kind> --family {family} --user <you>"
    return fitting_reason(
        f"Unknown {what} {value!r}; use one of {kinds}, an Ed-Fi {edfi} descriptor, or map it: {command}.",
        f"Unknown {what}; use one of {kinds}, or map it: {command}.",
        f"Unknown {what}; use one of {kinds}, or map it with casework descriptors set --family {family}.")


@transaction.atomic
def code_mapping_set(*, actor, family: str, descriptor: str, value: str, notes: str = "") -> CodeMapping:
    """Map a SIS code (Ed-Fi URI or local code) to a Casework kind; replaces that family's previous mapping."""
    descriptor = descriptor.strip()
    if family not in KINDS:
        raise ValidationError({"family": f"Unknown family {family!r}; use one of {', '.join(KINDS)}."})
    if not descriptor:
        raise ValidationError({"descriptor": "Give the descriptor URI or the local code."})
    if value not in KINDS[family].values:
        raise ValidationError({"value": f"Unknown {WHAT[family][0]} kind {value!r}; use one of "
                                        f"{', '.join(KINDS[family].values)}."})
    current = CodeMapping.objects.select_for_update().filter(family=family, descriptor=descriptor).first()
    if current is None:
        mapping = create_audited(CodeMapping, actor=actor, family=family, descriptor=descriptor, value=value,
                                 notes=notes[:200])
    else:
        mapping = update_audited(current, actor=actor, value=value, notes=notes[:200], shipped=False)
    forget()
    return mapping
