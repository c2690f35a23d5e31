from django.db import models


class DocumentType(models.TextChoices):
    SIGNED_FORM = "signed_form", "Signed form"
    MEDICAL_NOTE = "medical_note", "Medical note"
    COURT_ORDER = "court_order", "Court order"
    SCHOOL_RECORD = "school_record", "School record"
    CORRESPONDENCE = "correspondence", "Correspondence"
    PHOTO = "photo", "Photo"
    OTHER = "other", "Other"
