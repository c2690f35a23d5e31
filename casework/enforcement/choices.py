from django.db import models


class Trigger(models.TextChoices):
    """What makes a ladder step due. Data triggers read the stored indicators (year to date)."""

    UNLAWFUL_DAYS = "unlawful_days_at_least", "Unlawful absences this year reach N"
    TRUANT_7_302_2 = "truant_7_302_2", "Truant under Educ. Art. §7-302.2"
    HABITUAL_TRUANT = "habitual_truant", "Habitual truant (COMAR 13A.08.01.04)"
    AFTER_STEP = "after_step", "After the previous step is done"
    MANUAL = "manual", "Started by staff"


DATA_TRIGGERS = (Trigger.UNLAWFUL_DAYS, Trigger.TRUANT_7_302_2, Trigger.HABITUAL_TRUANT)


class Acts(models.TextChoices):
    """Who carries the step out."""

    SCHOOL = "school", "School"
    PPW = "ppw", "Pupil Personnel Worker"
    PPS_OFFICE = "pps_office", "PPS office"
    REVIEW_BOARD = "review_board", "Truancy Review Board"
    COURT = "court", "Court"


class EventStatus(models.TextChoices):
    DUE = "due", "Due"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    REPEATED = "repeated", "Due again (repeat)"


# Still waiting for someone to act.
OPEN_EVENT = (EventStatus.DUE, EventStatus.REPEATED)
# The step counts as dealt with for the petition guard (a skip always carries its reason).
SETTLED = (EventStatus.DONE, EventStatus.SKIPPED)
