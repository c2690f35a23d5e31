from django.db import models


class MailMethod(models.TextChoices):
    FIRST_CLASS = "first_class", "First-class mail"
    CERTIFIED = "certified", "Certified mail"
    HAND_DELIVERED = "hand_delivered", "Hand delivered"
    EMAIL = "email", "E-mail"


# The letters a district ships by default, in escalation order (enforcement's ladder names them by key).
TEMPLATE_KEYS = {
    "tier1_letter": "Tier 1 attendance warning letter",
    "conference_invitation": "Invitation to an attendance conference",
    "hearing_notice": "Notice of attendance hearing",
    "attendance_contract": "Attendance contract",
    "review_board_referral": "Referral to the Truancy Review Board",
    "petition_cover": "District Court petition cover letter",
}

# A guardian's preferred language as the SIS spells it -> the template language code. Anything already a
# two-letter code is taken as is, so a district that adds e.g. "fr" templates needs no code change.
LANGUAGE_NAMES = {
    "english": "en", "inglés": "en", "ingles": "en",
    "spanish": "es", "español": "es", "espanol": "es", "castellano": "es",
    "french": "fr", "français": "fr", "francais": "fr",
    "portuguese": "pt", "português": "pt", "portugues": "pt",
    "chinese": "zh", "mandarin": "zh", "cantonese": "zh",
    "vietnamese": "vi", "tiếng việt": "vi",
    "korean": "ko", "arabic": "ar", "amharic": "am", "haitian creole": "ht", "creole": "ht",
    "russian": "ru", "tagalog": "tl", "urdu": "ur", "hindi": "hi", "bengali": "bn", "nepali": "ne",
    "swahili": "sw", "yoruba": "yo", "igbo": "ig", "tigrinya": "ti", "dari": "prs", "pashto": "ps",
}

LANGUAGE_LABELS = {"en": "English", "es": "Español (Spanish)", "fr": "Français (French)",
                   "pt": "Português (Portuguese)", "zh": "Chinese", "vi": "Tiếng Việt (Vietnamese)",
                   "ko": "Korean", "ar": "Arabic", "am": "Amharic", "ht": "Haitian Creole"}


def language_label(code: str) -> str:
    return LANGUAGE_LABELS.get(code, code)
