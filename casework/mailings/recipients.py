"""Who a mailing writes to: the students its criteria pick at its school, through the asking user's
policy scope (mailing.run), and which of them a letter can actually reach (a guardian with an address)."""

from __future__ import annotations

import datetime

from django.db.models import Max, QuerySet

from casework.indicators.models import FlagCrossing, Flags, StudentIndicator
from casework.schools.models import School
from casework.students.models import Student, StudentGuardian

ACTION = "mailing.run"

# The flags a Tier 1 batch is usually about (compulsory attendance, Educ. Art. 7-301 / 7-302.2).
TRIGGER_FLAGS = [
    (Flags.TRUANT_7_302_2.value, Flags.TRUANT_7_302_2.label),
    (Flags.HABITUAL_TRUANT.value, Flags.HABITUAL_TRUANT.label),
    (Flags.CHRONIC_ABSENT.value, Flags.CHRONIC_ABSENT.label),
]

NO_GUARDIAN = "no guardian on record"
NO_MAIL = "no guardian who may receive mail"
NO_ADDRESS = "no guardian address"


def recipients(user, school: School, criteria: dict) -> QuerySet[Student]:
    """The students `criteria` pick at `school` that `user` may send letters to, in mailing order."""
    students = Student.objects.for_user(user, ACTION)
    if "students" in criteria:
        ids = [int(i) for i in criteria["students"]]
        # Picked on the school's list: still only students the school's indicators know.
        at_school = StudentIndicator.objects.for_user(user, ACTION).filter(school=school, student_id__in=ids)
        students = students.filter(pk__in=at_school.values("student_id"))
    elif "crossed_since" in criteria:
        since = datetime.date.fromisoformat(criteria["crossed_since"])
        crossings = FlagCrossing.objects.for_user(user, ACTION).filter(
            school=school, flag=criteria.get("flag", Flags.TRUANT_7_302_2), crossed_on__gte=since,
            cleared_on__isnull=True)
        students = students.filter(pk__in=crossings.values("student_id"))
    elif "unlawful_at_least" in criteria:
        indicators = StudentIndicator.objects.for_user(user, ACTION).filter(school=school).year_to_date()
        latest = indicators.aggregate(latest=Max("as_of"))["latest"]
        picked = indicators.filter(as_of=latest, days_unlawful__gte=float(criteria["unlawful_at_least"]))
        students = students.filter(pk__in=picked.values("student_id"))
    else:
        return students.none()
    return students.order_by("last_name", "first_name", "pk")


def guardian_links(user, student_ids) -> dict[int, list[StudentGuardian]]:
    """Each student's guardian links in contact order, read once for a whole batch."""
    found: dict[int, list[StudentGuardian]] = {pk: [] for pk in student_ids}
    for link in (StudentGuardian.objects.for_user(user, ACTION).filter(student_id__in=list(found))
                 .select_related("guardian__household").order_by("student_id", "contact_order", "id")):
        found[link.student_id].append(link)
    return found


def letter_guardian(user, student: Student, batch=None):
    """(guardian, None) for the guardian the letter goes to, or (None, why no letter can be mailed).

    The same choice as letters.services.default_guardian (custody or lives with, may be contacted,
    receives school mail, by contact order), but a batch skips a student rather than print an envelope
    with no address on it. `batch` (letters.render.LetterBatch): the links and addresses read for all."""
    if batch is not None:
        links = batch.links.get(student.pk, [])
    else:
        links = list(StudentGuardian.objects.for_user(user, ACTION).filter(student=student)
                     .select_related("guardian__household").order_by("contact_order", "id"))
    if not links:
        return None, NO_GUARDIAN
    mailable = [link for link in links if link.receives_mail and not link.no_contact]
    if not mailable:
        return None, NO_MAIL
    mailable.sort(key=lambda link: not (link.has_custody or link.lives_with))  # stable: contact order kept
    for link in mailable:
        if batch is not None:
            reachable = batch.current_address(link.guardian.household_id or student.household_id) is not None
        else:
            household = link.guardian.household or student.household
            reachable = household is not None and household.current_address is not None
        if reachable:
            return link.guardian, None
    return None, NO_ADDRESS
