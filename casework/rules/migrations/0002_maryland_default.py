"""Ships "Maryland default" 2026.1 from casework/rules/defaults/maryland-2026.1.json.

The file is named by version and never edited once shipped: a change in the law is a new file and a new
migration, so this migration gives the same row on every fresh database."""

import datetime
import json
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "defaults" / "maryland-2026.1.json"


def ship(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    data = json.loads(FILE.read_text(encoding="utf-8"))
    RuleSet.objects.update_or_create(
        name=data["name"], rule_version=data["version"],
        defaults={
            "jurisdiction": data["jurisdiction"],
            "effective_from": datetime.date.fromisoformat(data["effective_from"]),
            "is_default": True,
            "values": data["values"],
            "notes": data["notes"],
        },
    )


def unship(apps, schema_editor):
    data = json.loads(FILE.read_text(encoding="utf-8"))
    apps.get_model("rules", "RuleSet").objects.filter(name=data["name"], rule_version=data["version"],
                                                      is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
