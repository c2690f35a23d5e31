"""Ships "Maryland default" 2026.2 from casework/rules/defaults/maryland-2026.2.json.

2026.2 adds `school_day_minutes`. It has the same effective date as 2026.1 (the law did not change; the
rule set only names a length 2026.1 lacked), so it is the default in force on every date: among defaults
with one effective date the later row wins (`rules.selectors.default_in_force`). 2026.1 stays, so an
indicator stored under it can still be read against it."""

from django.db import migrations

from casework.rules.definition import ship_default, unship_default

FILE = "maryland-2026.2.json"


def ship(apps, schema_editor):
    ship_default(apps, FILE)


def unship(apps, schema_editor):
    unship_default(apps, FILE)


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_maryland_default")]

    operations = [migrations.RunPython(ship, unship)]
