"""The words of a referral: why a school refers a student, how soon, and where the referral stands."""

from django.db import models

from casework.cases.choices import CaseType


class ReasonCategory(models.TextChoices):
    ATTENDANCE = "attendance", "Attendance"
    BEHAVIOUR = "behaviour", "Behaviour / discipline"
    ACADEMIC = "academic", "Academic"
    FAMILY = "family", "Family / welfare"
    HOMELESSNESS = "homelessness", "Homelessness / housing"
    RESIDENCY = "residency", "Residency / enrollment"
    HEALTH = "health", "Health / home & hospital"
    HOME_INSTRUCTION = "home_instruction", "Home instruction"
    MENTAL_HEALTH = "mental_health", "Mental health / substance"
    CRISIS = "crisis", "Crisis"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon (this week)"
    URGENT = "urgent", "Urgent (today)"


# Triage order: urgent first. A dict so the queue can sort in the database with a Case/When.
URGENCY_RANK = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    FORWARDED = "forwarded", "Forwarded"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned to the school"
    WITHDRAWN = "withdrawn", "Withdrawn by the referrer"


# Waiting for a PPW's decision; every other status is final.
WAITING_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.FORWARDED)
CLOSED_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.RETURNED, ReferralStatus.WITHDRAWN)


# The case a PPW usually opens for a reason; the accept form preselects it (the PPW may pick another).
REASON_TO_CASE_TYPE: dict[str, str] = {
    ReasonCategory.ATTENDANCE: CaseType.ATTENDANCE,
    ReasonCategory.BEHAVIOUR: CaseType.DISCIPLINE,
    ReasonCategory.HOMELESSNESS: CaseType.HOMELESS,
    ReasonCategory.RESIDENCY: CaseType.RESIDENCY,
    ReasonCategory.HEALTH: CaseType.HOME_HOSPITAL,
    ReasonCategory.HOME_INSTRUCTION: CaseType.HOME_INSTRUCTION,
    ReasonCategory.FAMILY: CaseType.FAMILY_SERVICES,
    ReasonCategory.CRISIS: CaseType.CRISIS,
    ReasonCategory.MENTAL_HEALTH: CaseType.FAMILY_SERVICES,
    ReasonCategory.ACADEMIC: CaseType.OTHER,
    ReasonCategory.OTHER: CaseType.OTHER,
}


# The open cases a new referral is probably about (the duplicate flag): wider than the default type, since
# "family / welfare" reported at school is often already a child-welfare or custody case, and a crisis a
# child-welfare one. The PPW still decides; the flag only says "look at this case first".
REASON_TO_MATCHING_CASE_TYPES: dict[str, frozenset[str]] = {
    **{reason: frozenset({case_type}) for reason, case_type in REASON_TO_CASE_TYPE.items()},
    ReasonCategory.BEHAVIOUR: frozenset({CaseType.DISCIPLINE, CaseType.ALTERNATIVE_PLACEMENT}),
    ReasonCategory.FAMILY: frozenset({CaseType.FAMILY_SERVICES, CaseType.CHILD_WELFARE, CaseType.CUSTODY}),
    ReasonCategory.MENTAL_HEALTH: frozenset({CaseType.FAMILY_SERVICES, CaseType.CRISIS}),
    ReasonCategory.CRISIS: frozenset({CaseType.CRISIS, CaseType.CHILD_WELFARE}),
}


def matching_case_types(reasons: list[str]) -> set[str]:
    """Case types an open case may have for this referral to be flagged as a likely duplicate."""
    return set().union(*(REASON_TO_MATCHING_CASE_TYPES.get(r, frozenset()) for r in reasons))


def default_case_type(reasons: list[str]) -> str:
    """The first reason's case type, preferring a specific one over "other" (academic + attendance ->
    attendance)."""
    types = [REASON_TO_CASE_TYPE[r] for r in reasons if r in REASON_TO_CASE_TYPE]
    specific = [t for t in types if t != CaseType.OTHER]
    return (specific or types or [CaseType.OTHER])[0]
