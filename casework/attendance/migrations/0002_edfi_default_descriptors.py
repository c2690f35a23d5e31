"""Seed the Ed-Fi default AttendanceEventCategoryDescriptor values (Data Standard v5). A district edits
or adds its own mappings afterwards; re-running never overwrites a district's edit."""

from django.db import migrations

NAMESPACE = "uri://ed-fi.org/AttendanceEventCategoryDescriptor"
# Frozen copy: a migration must not change when choices.py does.
DEFAULTS = {
    "In Attendance": "present",
    "Present": "present",
    "Excused Absence": "excused",
    "Unexcused Absence": "unexcused",
    "Tardy": "tardy",
    "Early departure": "early_departure",
    "Partial": "partial",
}


def seed(apps, schema_editor):
    DescriptorMapping = apps.get_model("attendance", "DescriptorMapping")
    for code, category in DEFAULTS.items():
        DescriptorMapping.objects.get_or_create(
            descriptor=f"{NAMESPACE}#{code}",
            defaults={"category": category, "shipped": True, "notes": "Ed-Fi default"},
        )


def unseed(apps, schema_editor):
    DescriptorMapping = apps.get_model("attendance", "DescriptorMapping")
    DescriptorMapping.objects.filter(shipped=True, descriptor__in=[f"{NAMESPACE}#{c}" for c in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("attendance", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
