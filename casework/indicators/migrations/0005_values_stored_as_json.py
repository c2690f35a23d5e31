"""Snapshot `values` as PostgreSQL `json` instead of `jsonb` (models.StoredJSONField). Only the type
changes, and only on PostgreSQL: SQLite stores text either way, so its table is not rebuilt."""

from django.db import migrations

import casework.indicators.models


def _alter(type_: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'ALTER TABLE indicators_studentindicator ALTER COLUMN "values" TYPE {type_} '
                                  f'USING "values"::{type_}')
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0004_single_column_indexes_dropped"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="studentindicator",
                    name="values",
                    field=casework.indicators.models.StoredJSONField(
                        help_text="The period's counts, rates, band and flags with explanations"),
                ),
            ],
            database_operations=[migrations.RunPython(_alter("json"), _alter("jsonb"))],
        ),
    ]
