"""Writes for staff accounts, roles and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.audit import services as audit
from casework.core.roles import SCHOOL_SCOPED_ROLES, Role
from casework.core.services import create_audited
from casework.schools.models import School

from .models import ApiToken, RoleAssignment, User


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    title: str = "",
    check_password: bool = True,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"A user named {username!r} already exists."})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, title=title)
    if password:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save(force_insert=True)
    audit.record_change(actor=actor, instance=user, action=audit.CREATE, before=None)
    return user


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, schools: Iterable[School] = (), start_date=None
) -> list[RoleAssignment]:
    """Give `user` the role, district-wide when `schools` is empty."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}. Roles: {', '.join(Role.values)}."})
    schools = list(schools)
    if role in SCHOOL_SCOPED_ROLES and not schools:
        raise ValidationError({"school": f"The {Role(role).label} role needs at least one school."})
    made = []
    for school in schools or [None]:
        existing = RoleAssignment.objects.filter(user=user, role=role, school=school).first()
        if existing is None:
            made.append(
                create_audited(RoleAssignment, actor=actor, user=user, role=role, school=school, start_date=start_date)
            )
    user.__dict__.pop("_casework_grants", None)
    return made


@transaction.atomic
def token_issue(*, actor, user: User, name: str = "") -> str:
    """Create an API token for `user` and return it. It cannot be shown again."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash(key), prefix=key[:8], name=name[:100])
    audit.record_change(
        actor=actor,
        instance=user,
        action=audit.UPDATE,
        before={"api_token": None},
        after={"api_token": f"issued {key[:8]}…"},
    )
    return key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record_change(
        actor=actor,
        instance=token.user,
        action=audit.UPDATE,
        before={"api_token": f"active {token.prefix}…"},
        after={"api_token": "revoked"},
    )
