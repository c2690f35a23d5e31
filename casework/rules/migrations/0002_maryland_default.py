"""Ships "Maryland default" 2026.1 from casework/rules/defaults/maryland-2026.1.json.

The file is named by version and never edited once shipped: a change in the law is a new file and a new
migration, so this migration gives the same row on every fresh database."""

from django.db import migrations

from casework.rules.definition import ship_default, unship_default

FILE = "maryland-2026.1.json"


def ship(apps, schema_editor):
    ship_default(apps, FILE)


def unship(apps, schema_editor):
    unship_default(apps, FILE)


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
