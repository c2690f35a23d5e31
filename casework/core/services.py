"""Generic audited writes that domain services build on. Each runs in one transaction with its
change record, so a record never exists without the trace of who made it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

from casework.audit import services as audit

from .errors import ConflictError
from .models import AuditedModel

M = TypeVar("M", bound=AuditedModel)


@transaction.atomic
def create_audited(model: type[M], *, actor, derive: Callable[[M], None] | None = None, **fields: Any) -> M:
    """`derive` fills derived fields (search keys) before validation."""
    instance = model(**fields)
    if derive:
        derive(instance)
    instance.full_clean()
    instance.save(force_insert=True)
    audit.record_change(actor=actor, instance=instance, action=audit.CREATE, before=None)
    return instance


@transaction.atomic
def update_audited(instance: M, *, actor, expected_version: int | None = None,
                   derive: Callable[[M], None] | None = None, **changes: Any) -> M:
    """Apply `changes` to the current row. With expected_version, refuse if someone wrote in between."""
    model = type(instance)
    fields = {f.name for f in model._meta.concrete_fields} | {f.attname for f in model._meta.concrete_fields}
    unknown = sorted(set(changes) - fields)
    if unknown:  # a misspelt name would otherwise be set as a plain attribute and silently not saved
        raise TypeError(f"{model.__name__} has no field {', '.join(unknown)}")
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(model._meta.verbose_name, current.pk, expected_version, current.version)
    before = audit.snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    if audit.snapshot(current) == before:
        return current  # nothing changed: no write, no record
    if derive:
        derive(current)
    current.full_clean()
    current.version += 1
    current.save()
    audit.record_change(actor=actor, instance=current, action=audit.UPDATE, before=before)
    return current


@transaction.atomic
def delete_audited(instance: AuditedModel, *, actor, expected_version: int | None = None) -> None:
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(model._meta.verbose_name, current.pk, expected_version, current.version)
    instance = current
    before = audit.snapshot(instance)
    audit.record_change(actor=actor, instance=instance, action=audit.DELETE, before=before, after=None)
    instance.delete()
