from django.db import models


class ProgramKind(models.TextChoices):
    HOMELESS = "homeless", "McKinney-Vento (homeless)"
    SECTION_504 = "section_504", "Section 504 plan"
    SPECIAL_EDUCATION = "special_education", "Special education (IEP)"
    ENGLISH_LEARNER = "english_learner", "English learner services"
    TITLE_I = "title_i", "Title I"
    FOSTER_CARE = "foster_care", "Foster care (ESSA school stability)"
    HOME_AND_HOSPITAL = "home_and_hospital", "Home and hospital teaching"
    OTHER = "other", "Other program"


class NighttimeResidence(models.TextChoices):
    """Primary nighttime residence of a homeless student: the federal EDFacts categories
    (Ed-Fi HomelessPrimaryNighttimeResidenceDescriptor)."""

    SHELTERS = "shelters", "Shelters / transitional housing"
    DOUBLED_UP = "doubled_up", "Doubled-up (sharing the housing of others)"
    UNSHELTERED = "unsheltered", "Unsheltered (car, park, abandoned building, ...)"
    HOTELS_MOTELS = "hotels_motels", "Hotels / motels"


EDFI_NIGHTTIME_RESIDENCE: dict[str, str] = {
    "Shelters": NighttimeResidence.SHELTERS,
    "Doubled-up": NighttimeResidence.DOUBLED_UP,
    "Unsheltered": NighttimeResidence.UNSHELTERED,
    "Hotels/motels": NighttimeResidence.HOTELS_MOTELS,
}
