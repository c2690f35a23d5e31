"""The district's starting intervention library (issue 4). Editable afterwards on /interventions/;
written directly (a migration cannot call services) and only where the name is not taken yet."""

from django.db import migrations

DEFAULTS = [
    # (name, tier, description)
    ("Parent conference", 1, "A meeting with the parent or guardian about attendance or behavior and what helps."),
    ("Attendance incentive", 1, "Recognition or rewards for attendance goals met, school-wide or for the student."),
    ("Wake-up call", 1, "A morning call or text to the family on school days."),
    ("Check-in/check-out", 2, "A daily check-in with a named adult at arrival and a check-out before dismissal."),
    ("Attendance contract", 2, "A written agreement with the student and family: expectations, supports, review date."),
    ("Mentoring", 2, "Regular meetings with an adult mentor at school or from a community program."),
    ("Counseling referral", 2, "Referral to the school counselor, psychologist or social worker."),
    ("Transportation", 2, "Help getting to school: bus route change, McKinney-Vento transportation, passes."),
    ("Home visit schedule", 2, "Planned home visits by the PPW at a set frequency."),
    ("Schedule change", 2, "A change to the student's class schedule or school day."),
    ("Referral to community agency", 2, "Referral to a community agency (health, housing, family services)."),
    ("Level 1 school-based alternative program", 3, "An alternative program within the student's school."),
    ("Level 2 non-school-based alternative program", 3, "An alternative program outside the home school."),
]


def add_defaults(apps, schema_editor):
    Intervention = apps.get_model("plans", "Intervention")
    taken = set(Intervention.objects.values_list("name", flat=True))
    Intervention.objects.bulk_create([Intervention(name=n, tier=t, description=d) for n, t, d in DEFAULTS
                                      if n not in taken])


def remove_defaults(apps, schema_editor):
    Intervention = apps.get_model("plans", "Intervention")
    Intervention.objects.filter(name__in=[n for n, _, _ in DEFAULTS], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
