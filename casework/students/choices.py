from django.db import models


class Grade(models.TextChoices):
    """Ed-Fi GradeLevelDescriptor values Maryland uses, shortened to the codes a PPW writes."""

    PK = "PK", "Pre-K"
    KG = "KG", "Kindergarten"
    G01 = "01", "Grade 1"
    G02 = "02", "Grade 2"
    G03 = "03", "Grade 3"
    G04 = "04", "Grade 4"
    G05 = "05", "Grade 5"
    G06 = "06", "Grade 6"
    G07 = "07", "Grade 7"
    G08 = "08", "Grade 8"
    G09 = "09", "Grade 9"
    G10 = "10", "Grade 10"
    G11 = "11", "Grade 11"
    G12 = "12", "Grade 12"
    UG = "UG", "Ungraded"


# The grade as a list column shows it under a "Grade" heading: "K", "3", "12".
GRADE_SHORT = {"PK": "Pre-K", "KG": "K", "UG": "Ungraded"}


def grade_short(code: str) -> str:
    return GRADE_SHORT.get(code, code.lstrip("0") or code)


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    NONBINARY = "X", "Non-binary"
    UNKNOWN = "U", "Not reported"


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEPMOTHER = "stepmother", "Stepmother"
    STEPFATHER = "stepfather", "Stepfather"
    GRANDMOTHER = "grandmother", "Grandmother"
    GRANDFATHER = "grandfather", "Grandfather"
    AUNT = "aunt", "Aunt"
    UNCLE = "uncle", "Uncle"
    SIBLING = "sibling", "Adult sibling"
    FOSTER_PARENT = "foster_parent", "Foster parent"
    KINSHIP_CAREGIVER = "kinship_caregiver", "Informal kinship caregiver"
    LEGAL_GUARDIAN = "legal_guardian", "Court-appointed guardian"
    FAMILY_FRIEND = "family_friend", "Family friend"
    OTHER = "other", "Other"


class AddressType(models.TextChoices):
    HOME = "home", "Home"
    MAILING = "mailing", "Mailing"
    SHELTER = "shelter", "Shelter"
    TEMPORARY = "temporary", "Temporary (doubled-up, motel)"
