"""Move the shipped hearing-notice, conference-invitation and attendance-contract wording (English and
Spanish) from blank lines to the meeting placeholders ({{ hearing_date }}, {{ contract_terms }}...).

Only where the active version is still the wording 0002 shipped: a new version is added and the old one
retired (kept, inactive, as the template editor does), so letters made before keep pointing at it. A
district's own wording is never touched; its director can add the placeholders in the editor."""

import importlib

from django.db import migrations

SHIPPED = importlib.import_module("casework.letters.migrations.0002_default_templates").TEMPLATES

WHEN_EN = "Date: ______________________   Time: ____________   Place: ______________________"
WHEN_ES = "Fecha: ______________________   Hora: ____________   Lugar: ______________________"
CHANGES = {
    ("hearing_notice", "en"): [(WHEN_EN, "Meeting: {{ hearing_kind }}\nDate: {{ hearing_date }}\n"
                                         "Time: {{ hearing_time }}\nPlace: {{ hearing_place }}")],
    ("hearing_notice", "es"): [(WHEN_ES, "Reunión: {{ hearing_kind }}\nFecha: {{ hearing_date }}\n"
                                         "Hora: {{ hearing_time }}\nLugar: {{ hearing_place }}")],
    ("conference_invitation", "en"): [(WHEN_EN, "Date: {{ hearing_date }}\nTime: {{ hearing_time }}\n"
                                                "Place: {{ hearing_place }}")],
    ("conference_invitation", "es"): [(WHEN_ES, "Fecha: {{ hearing_date }}\nHora: {{ hearing_time }}\n"
                                                "Lugar: {{ hearing_place }}")],
    ("attendance_contract", "en"): [
        ("The school agrees to:", "The terms agreed at the attendance hearing:\n\n{{ contract_terms }}\n\n"
                                  "The school agrees to:"),
        ("Review date: ______________________", "Review date: {{ follow_up_date }}"),
    ],
    ("attendance_contract", "es"): [
        ("La escuela se compromete a:", "Los compromisos acordados en la audiencia sobre la asistencia escolar:"
                                        "\n\n{{ contract_terms }}\n\nLa escuela se compromete a:"),
        ("Fecha de revisión: ______________________", "Fecha de revisión: {{ follow_up_date }}"),
    ],
}


def new_wording(key: str, language: str) -> tuple[str, str]:
    title, body = SHIPPED[(key, language)]
    for old, new in CHANGES[(key, language)]:
        assert body.count(old) == 1, (key, language, old)
        body = body.replace(old, new)
    return title, body


def forwards(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for key, language in CHANGES:
        shipped_title, shipped_body = SHIPPED[(key, language)]
        active = LetterTemplate.objects.filter(key=key, language=language, is_active=True).first()
        if active is None or active.title != shipped_title or active.body.strip() != shipped_body.strip():
            continue  # the district's own wording (or none): left alone
        latest = LetterTemplate.objects.filter(key=key, language=language).order_by("-version").first()
        # Retire without moving `version`: on a template it is the wording's number (services._retire).
        LetterTemplate.objects.filter(pk=active.pk).update(is_active=False)
        title, body = new_wording(key, language)
        LetterTemplate.objects.create(key=key, language=language, version=latest.version + 1, title=title,
                                      body=body, is_active=True)


class Migration(migrations.Migration):
    dependencies = [("letters", "0002_default_templates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
