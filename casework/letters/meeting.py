"""The placeholders of a meeting letter (hearing notice, conference invitation, attendance contract),
filled from a hearing in the letter's language. Without a hearing each prints a fill-in line, so a letter
printed to be completed by hand still reads right (never a literal {{ ... }})."""

from __future__ import annotations

from django.utils import timezone

FILL_IN = "________________"
FILL_IN_LONG = "____________________________________________________________"

# Synthetic examples for the template editor's preview (merged into render.SAMPLE_CONTEXT).
MEETING_SAMPLE = {
    "hearing_kind": "attendance hearing", "hearing_date": "Tuesday, December 1, 2026", "hearing_time": "9:30 AM",
    "hearing_place": "Sample Middle School, main office conference room",
    "contract_terms": "Jordan will be in school by 7:45 every day; Pat will call the office by 8:30 on any "
                      "day of absence; the school will check in with Jordan each Monday.",
    "follow_up_date": "January 12, 2027",
}
MEETING_SAMPLE_ES = {
    "hearing_kind": "audiencia sobre la asistencia escolar", "hearing_date": "martes, 1 de diciembre de 2026",
    "hearing_time": "9:30 a. m.", "hearing_place": "Sample Middle School, sala de reuniones de la oficina principal",
    "contract_terms": "Jordan llegará a la escuela antes de las 7:45 todos los días; Pat llamará a la oficina "
                      "antes de las 8:30 cualquier día de ausencia; la escuela se reunirá con Jordan cada lunes.",
    "follow_up_date": "12 de enero de 2027",
}

# The hearing kinds as a family reads them (hearings.choices.HearingKind values), mid-sentence.
KIND_WORDS = {
    "en": {"attendance_hearing": "attendance hearing", "review_board": "Interagency Truancy Review Board meeting",
           "district_court": "District Court hearing"},
    "es": {"attendance_hearing": "audiencia sobre la asistencia escolar",
           "review_board": "reunión de la Junta Interinstitucional de Revisión de Ausentismo Escolar "
                           "(Interagency Truancy Review Board)",
           "district_court": "audiencia ante el Tribunal de Distrito"},
}
_WEEKDAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
             "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")}


def _words(language: str) -> str:
    # A district-added language (fr, pt...) gets English dates until it is added here.
    return "es" if language == "es" else "en"


def meeting_time(at, language: str) -> str:
    """9:30 AM / 9:30 a. m. (the Spanish style of the RAE), from the local wall-clock time."""
    hour = at.hour % 12 or 12
    if _words(language) == "es":
        return f"{hour}:{at.minute:02d} {'a. m.' if at.hour < 12 else 'p. m.'}"
    return f"{hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def meeting_context(hearing, language: str) -> dict[str, str]:
    """The six meeting placeholders: from `hearing` (its kind, local date and time, place, agreements and
    follow-up date), or fill-in lines where there is no hearing or the hearing lacks that detail."""
    from .render import _long_date

    blank = {"hearing_kind": FILL_IN, "hearing_date": FILL_IN, "hearing_time": FILL_IN, "hearing_place": FILL_IN,
             "contract_terms": FILL_IN_LONG, "follow_up_date": FILL_IN}
    if hearing is None:
        return blank
    words = _words(language)
    when = timezone.localtime(hearing.scheduled_at)
    day = when.date()
    filled = {
        "hearing_kind": KIND_WORDS[words].get(hearing.kind, hearing.get_kind_display()),
        "hearing_date": f"{_WEEKDAYS[words][day.weekday()]}, {_long_date(day, words)}",
        "hearing_time": meeting_time(when, words),
        "hearing_place": hearing.place.strip(),
        "contract_terms": hearing.agreements.strip(),
        "follow_up_date": _long_date(hearing.follow_up_on, words) if hearing.follow_up_on else "",
    }
    return {k: v or blank[k] for k, v in filled.items()}
