from django.db import models


class Tier(models.IntegerChoices):
    """MTSS tiers: universal, targeted, intensive."""

    ONE = 1, "Tier 1 (universal)"
    TWO = 2, "Tier 2 (targeted)"
    THREE = 3, "Tier 3 (intensive)"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DISCONTINUED = "discontinued", "Discontinued"


class Metric(models.TextChoices):
    """What a goal measures, per school week."""

    ATTENDANCE_RATE = "attendance_rate", "Attendance rate"
    UNLAWFUL_ABSENCES = "unlawful_absences", "Unlawful absences"
    DAYS_SUSPENDED = "days_suspended", "Days suspended"
    OTHER = "other", "Other"


# Metrics the attendance record can fill in week by week ("Pull from attendance").
PULLED_METRICS = frozenset({Metric.ATTENDANCE_RATE, Metric.UNLAWFUL_ABSENCES, Metric.DAYS_SUSPENDED})

# How a value reads in a sentence and on the chart's axis.
METRIC_UNITS = {
    Metric.ATTENDANCE_RATE: "%",
    Metric.UNLAWFUL_ABSENCES: " days a week",
    Metric.DAYS_SUSPENDED: " days a week",
    Metric.OTHER: "",
}


class Comparator(models.TextChoices):
    AT_LEAST = "at_least", "at least"
    AT_MOST = "at_most", "at most"


class PointSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    INDICATORS = "indicators", "Attendance record"


class FamilyResponse(models.TextChoices):
    """The family's answer to a service on the plan (blank: none recorded yet). A court asks whether
    services were offered and refused, so a refusal or a drop-out carries the family's reason."""

    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"
    STOPPED = "stopped", "Accepted, then stopped"


# Answers that need a reason or note (what the family said, who said it).
RESPONSES_NEEDING_REASON = frozenset({FamilyResponse.REFUSED, FamilyResponse.STOPPED})
