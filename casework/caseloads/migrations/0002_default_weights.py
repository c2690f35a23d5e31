"""The weights the district starts with; the director changes them on /caseloads/weights/."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    "attendance": "1.00",
    "discipline": "1.25",
    "homeless": "1.50",
    "home_instruction": "0.75",
    "home_hospital": "1.00",
    "residency": "1.00",
    "custody": "1.50",
    "child_welfare": "2.00",
    "crisis": "2.00",
    "family_services": "1.25",
    "special_education": "1.00",
    "alternative_placement": "1.25",
    "other": "1.00",
}


def ship(apps, schema_editor):
    CaseloadWeight = apps.get_model("caseloads", "CaseloadWeight")
    for case_type, weight in DEFAULTS.items():
        CaseloadWeight.objects.get_or_create(case_type=case_type, defaults={"weight": Decimal(weight)})


class Migration(migrations.Migration):
    dependencies = [("caseloads", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
