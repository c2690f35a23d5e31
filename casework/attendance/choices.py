from django.db import models


class AttendanceCategory(models.TextChoices):
    """What the school recorded for a student's day, mapped from the SIS's descriptors.

    Values match the rules engine's marks where they exist (`casework/rules/engine.py` Mark);
    out-of-school suspension is its SUSPENSION mark, partial day counts as a part-day mark by minutes."""

    PRESENT = "present", "Present"
    EXCUSED = "excused", "Excused absence"
    UNEXCUSED = "unexcused", "Unexcused absence"
    TARDY = "tardy", "Tardy"
    EARLY_DEPARTURE = "early_departure", "Early departure"
    PARTIAL = "partial", "Partial day"
    IN_SCHOOL_SUSPENSION = "in_school_suspension", "In-school suspension"
    OUT_OF_SCHOOL_SUSPENSION = "out_of_school_suspension", "Out-of-school suspension"


ABSENCES = frozenset({AttendanceCategory.EXCUSED, AttendanceCategory.UNEXCUSED,
                      AttendanceCategory.OUT_OF_SCHOOL_SUSPENSION})


class LawfulReason(models.TextChoices):
    """The lawful absence reasons of COMAR 13A.08.01.03 A-J and Educ. Art. 7-301.1 (pregnancy and
    parenting). Whether a code makes an absence lawful is the rule set's decision (rules are data);
    these are the codes Maryland's default knows, for labels and forms. A district may add local codes."""

    A = "A", "A. Death in the immediate family"
    B = "B", "B. Illness of the student"
    C = "C", "C. Court summons"
    D = "D", "D. Hazardous weather"
    E = "E", "E. Work approved or sponsored by the school, school system or MSDE"
    F = "F", "F. Religious holiday"
    G = "G", "G. State emergency"
    H = "H", "H. Suspension"
    I = "I", "I. Lack of authorized transportation"  # noqa: E741 - COMAR's own letter
    J = "J", "J. Other emergency or good and sufficient cause"
    PP_BIRTH = "PP-BIRTH", "Pregnancy: labor, delivery and recovery"
    PP_PRENATAL = "PP-PRENATAL", "Pregnancy: prenatal or postnatal appointment"
    PP_CHILD = "PP-CHILD", "Parenting: the student's child's illness or appointment"
    PP_LEGAL = "PP-LEGAL", "Parenting: family-law legal appointment"
    PP_LACTATION = "PP-LACTATION", "Parenting: lactation"


# The Ed-Fi default AttendanceEventCategoryDescriptor values (Data Standard v5) and their category.
EDFI_NAMESPACE = "uri://ed-fi.org/AttendanceEventCategoryDescriptor"
EDFI_DEFAULTS: dict[str, str] = {
    "In Attendance": AttendanceCategory.PRESENT,
    "Present": AttendanceCategory.PRESENT,
    "Excused Absence": AttendanceCategory.EXCUSED,
    "Unexcused Absence": AttendanceCategory.UNEXCUSED,
    "Tardy": AttendanceCategory.TARDY,
    "Early departure": AttendanceCategory.EARLY_DEPARTURE,
    "Partial": AttendanceCategory.PARTIAL,
}
