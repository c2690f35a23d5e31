"""Shared set-up for the mailings tests: a Tier 1 template, students with and without a mailing address,
hand-made flag crossings."""

from __future__ import annotations

import datetime
import io

from casework.core.testing import factories as f
from casework.indicators.models import FlagCrossing
from casework.rules.models import RuleSet
from casework.students import services as st

TIER1_BODY = ("Dear {{ guardian_name }},\n\n{{ student_name }} has {{ unlawful_absence_count }} unlawful "
              "absences this year ({{ law_cited }}).\n\nCase {{ case_number }}")


def ship_tier1_template():
    """The district's shipped Tier 1 letter (letters' data migration), or a plain one if it was flushed."""
    from casework.letters.models import LetterTemplate
    from casework.letters.services import letter_template_save

    shipped = LetterTemplate.objects.active().filter(key="tier1_letter", language="en").first()
    if shipped is not None:
        return shipped
    return letter_template_save(actor=None, key="tier1_letter", language="en", title="Tier 1 attendance letter",
                                body=TIER1_BODY)


def mailable_student(school, *, first_name: str, last_name: str, street: str = "12 Elm Street"):
    """A student whose mother receives mail at a current household address."""
    student = f.student(school=school, first_name=first_name, last_name=last_name)
    household = st.household_create(actor=None, label=f"{last_name} household")
    st.household_move(actor=None, household=household, moved_on=datetime.date(2024, 7, 1), street=street,
                      city="Annapolis", postal_code="21401")
    f.guardian(student=student, first_name="Maria", last_name=last_name, household=household,
               relationship="mother", has_custody=True, lives_with=True)
    return student


def crossing(student, school, crossed_on, flag="truant_7_302_2", **fields) -> FlagCrossing:
    return FlagCrossing.objects.create(student=student, school=school, flag=flag, crossed_on=crossed_on,
                                       rule_set=RuleSet.objects.defaults().first(),
                                       explanation=f"{flag} raised", **fields)


class Progress:
    """Records what the job reports, as the jobs runner's callback would store it."""

    def __init__(self):
        self.calls: list[tuple[int, int | None]] = []

    def __call__(self, done, total=None, message=""):
        self.calls.append((done, total))


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
