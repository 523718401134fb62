# The daily run writes tens of thousands of action lines; they are read by their action,
# never by invoice, so their index by invoice goes (it cost the run a random page per line).
# Dropped by name: on SQLite, Django's AlterField would copy the whole table to do it.

import django.db.models.deletion
from django.db import migrations, models

INDEX = "dunning_actionline_invoice_id_34f4ba15"


class Migration(migrations.Migration):
    dependencies = [
        ("dunning", "0005_interaction_summary_code"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="actionline",
                    name="invoice",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ledger.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "dunning_actionline" ("invoice_id")',
                ),
            ],
        ),
    ]
