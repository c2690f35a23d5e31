"""Maryland's default escalation ladder (../shared/domain/maryland-pps-rules.md §1). Data, shipped by
migration 0002 and reused by tests; a district copies it on /ladder/settings/ to change it."""

from __future__ import annotations

EFFECTIVE_FROM = "2018-07-01"  # HB 319 / SB 160: parent charges only when the child is under 16 (§7-301(e))
NAME = "Maryland default ladder"

# (key, name, trigger, trigger_days, also_after_previous, letter, acts, deadline, required, guarded, repeatable,
#  citation)
STEPS = [
    ("tier1_letter", "Tier 1 school letter", "unlawful_days_at_least", 3, False, "tier1_letter", "school", 5,
     True, False, False, "District attendance policy; Educ. Art. §7-301(c): the parent's duty"),
    ("school_conference", "School conference and attendance improvement plan", "after_step", None, False,
     "conference_invitation", "school", 10, True, False, False, "COMAR 13A.08.01.04 (school-level intervention)"),
    ("ppw_referral", "Referral to the Pupil Personnel Worker", "truant_7_302_2", None, True, "", "school", 0,
     True, False, False, "Educ. Art. §7-302.2: a truant student is referred immediately"),
    ("home_visit", "PPW home visit", "after_step", None, False, "", "ppw", 10, True, False, True,
     "PPW duties: contact with the family before any hearing"),
    ("attendance_hearing", "Attendance hearing and attendance contract", "habitual_truant", None, True,
     "hearing_notice", "ppw", 15, True, False, False,
     "Educ. Art. §7-301; habitual truant (COMAR 13A.08.01.04): hearing with an attendance contract"),
    ("review_board", "Interagency Truancy Review Board referral", "manual", None, False, "review_board_referral",
     "pps_office", 20, False, True, False, "Truancy Review Board (local interagency board)"),
    ("court_petition", "District Court petition (parent of a child under 16) or juvenile (CINS) route", "manual",
     None, False, "petition_cover", "court", 20, False, True, False,
     "Educ. Art. §7-301(e) (child under 16); CJ §3-8A-03(c); CINS petition for habitual truancy"),
]


def create_default(Ladder, LadderStep) -> None:
    """Works with the real models and with a migration's historical ones."""
    import datetime

    ladder = Ladder.objects.create(name=NAME, effective_from=datetime.date.fromisoformat(EFFECTIVE_FROM),
                                   is_default=True, notes="Shipped with Casework. Copy it to change a step.")
    for order, row in enumerate(STEPS, start=1):
        (key, name, trigger, days, after_prev, letter, acts, deadline, required, guarded, repeatable, cite) = row
        LadderStep.objects.create(ladder=ladder, key=key, order=order, name=name, trigger=trigger, trigger_days=days,
                                  also_after_previous=after_prev, letter_template=letter, acts=acts,
                                  deadline_school_days=deadline, required_before_petition=required, guarded=guarded,
                                  repeatable=repeatable, citation=cite)
