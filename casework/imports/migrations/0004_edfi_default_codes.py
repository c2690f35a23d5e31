"""Seed the code maps with the Ed-Fi defaults (Data Standard v5 CalendarEventDescriptor,
DisciplineDescriptor and ProgramTypeDescriptor values) and the program names SIS exports commonly use.
A district edits or adds its own afterwards; re-running never overwrites a district's edit."""

from django.db import migrations

# Frozen copy: a migration must not change when the choices do.
EDFI = "uri://ed-fi.org/"
DEFAULTS = {
    "calendar_event": {f"{EDFI}CalendarEventDescriptor#{code}": kind for code, kind in {
        "Instructional day": "instructional", "Make-up day": "make_up",
        "Student late arrival/early dismissal": "short_day", "Holiday": "holiday",
        "Teacher only day": "teacher_only", "Emergency day": "emergency_closure", "Weather day": "weather_closure",
        "Strike": "strike", "Non-instructional day": "non_instructional", "Other": "other"}.items()},
    "discipline": {f"{EDFI}DisciplineDescriptor#{code}": kind for code, kind in {
        "In School Suspension": "in_school_suspension", "Out of School Suspension": "out_of_school_suspension",
        "Expulsion": "expulsion", "Expulsion with Services": "expulsion",
        "Expulsion under Guns Free School Act": "expulsion",
        "Expulsion under Guns Free School Act with Services": "expulsion",
        "Removal from Classroom": "other", "Community Service": "other", "No action for incident": "other",
        "Other": "other"}.items()},
    "program": {
        **{f"{EDFI}ProgramTypeDescriptor#{code}": kind for code, kind in {
            "Homeless": "homeless", "Section 504 Placement": "section_504", "Special Education": "special_education",
            "English as a Second Language (ESL)": "english_learner", "Bilingual": "english_learner",
            "Bilingual Summer": "english_learner", "Title I Part A": "title_i", "Other": "other"}.items()},
        # Names SIS exports use without a URI: local codes.
        "McKinney-Vento": "homeless", "Section 504": "section_504", "IDEA": "special_education",
        "English Learner": "english_learner", "Title I": "title_i", "Foster Care": "foster_care",
        "Home and Hospital": "home_and_hospital",
    },
}


def seed(apps, schema_editor):
    CodeMapping = apps.get_model("imports", "CodeMapping")
    for family, codes in DEFAULTS.items():
        for descriptor, value in codes.items():
            CodeMapping.objects.get_or_create(family=family, descriptor=descriptor,
                                              defaults={"value": value, "shipped": True,
                                                        "notes": "Ed-Fi default" if descriptor.startswith(EDFI)
                                                        else "Common SIS name"})


def unseed(apps, schema_editor):
    CodeMapping = apps.get_model("imports", "CodeMapping")
    for family, codes in DEFAULTS.items():
        CodeMapping.objects.filter(family=family, shipped=True, descriptor__in=list(codes)).delete()


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_code_mapping")]
    operations = [migrations.RunPython(seed, unseed)]
