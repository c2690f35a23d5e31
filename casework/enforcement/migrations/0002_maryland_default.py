from django.db import migrations

from casework.enforcement.defaults import create_default


def forwards(apps, schema_editor):
    create_default(apps.get_model("enforcement", "Ladder"), apps.get_model("enforcement", "LadderStep"))


def backwards(apps, schema_editor):
    apps.get_model("enforcement", "Ladder").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
