from django.db import models


class HearingKind(models.TextChoices):
    """The three meetings of the compulsory-attendance ladder a PPW schedules and attends."""

    ATTENDANCE_HEARING = "attendance_hearing", "Attendance hearing (family, PPW and administrator)"
    REVIEW_BOARD = "review_board", "Interagency Truancy Review Board"
    DISTRICT_COURT = "district_court", "District Court hearing"


# Short names for titles, calendar entries and timeline lines (no student name anywhere in them).
SHORT_NAMES = {
    HearingKind.ATTENDANCE_HEARING: "Attendance hearing",
    HearingKind.REVIEW_BOARD: "Truancy Review Board",
    HearingKind.DISTRICT_COURT: "District Court hearing",
}


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


class FamilyAttendance(models.TextChoices):
    """What a court asks about every hearing: did the family come?"""

    ATTENDED = "attended", "Family attended"
    REFUSED = "refused", "Family refused to attend"
    NO_SHOW = "no_show", "Family did not come (no word)"


class NoticeMethod(models.TextChoices):
    FIRST_CLASS = "first_class", "First-class mail"
    CERTIFIED = "certified", "Certified mail"
    HAND_DELIVERED = "hand_delivered", "Hand delivered"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone call"


class PacketKind(models.TextChoices):
    """The two packets generated from the record; the value is also the URL segment."""

    REVIEW_BOARD = "review_board", "Truancy Review Board packet"
    DISTRICT_COURT = "district_court", "District Court petition packet"


# The disclosure's purpose as the access log records it.
PACKET_PURPOSES = {
    PacketKind.REVIEW_BOARD: "truancy review board packet",
    PacketKind.DISTRICT_COURT: "district court petition",
}
