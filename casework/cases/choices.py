from django.db import models


class CaseType(models.TextChoices):
    """The kinds of work a Pupil Personnel Worker opens a case for."""

    ATTENDANCE = "attendance", "Attendance"
    DISCIPLINE = "discipline", "Discipline proceeding"
    HOMELESS = "homeless", "Homeless / McKinney-Vento"
    HOME_INSTRUCTION = "home_instruction", "Home instruction"
    HOME_HOSPITAL = "home_hospital", "Home & hospital teaching"
    RESIDENCY = "residency", "Residency / enrollment"
    CUSTODY = "custody", "Custody / kinship care"
    CHILD_WELFARE = "child_welfare", "Child welfare"
    CRISIS = "crisis", "Crisis"
    FAMILY_SERVICES = "family_services", "Family services"
    SPECIAL_EDUCATION = "special_education", "Special education / 504 participation"
    ALTERNATIVE_PLACEMENT = "alternative_placement", "Alternative placement"
    OTHER = "other", "Other"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    PENDING_CLOSURE = "pending_closure", "Pending closure"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


# Every status but closed means someone is still working the case.
OPEN_STATUSES = tuple(s for s in CaseStatus.values if s != CaseStatus.CLOSED)


# Child-abuse/neglect and crisis work: only the people named on the case and the director see it.
SENSITIVE_TYPES = (CaseType.CHILD_WELFARE, CaseType.CRISIS)


class EventKind(models.TextChoices):
    """What a case timeline entry is about; the timeline filters on it."""

    REFERRAL = "referral", "Referral"
    STATUS = "status", "Status change"
    ASSIGNMENT = "assignment", "Assignment"
    CONTACT = "contact", "Contact"
    PLAN = "plan", "Plan"
    PROGRESS = "progress", "Progress"
    TASK = "task", "Task"
    DOCUMENT = "document", "Document"
    LETTER = "letter", "Letter"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"
