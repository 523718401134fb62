# Actions lose their index by client and day: a run wrote it at a random place for each
# action (a page of an index of millions of rows each). The index by day, organization and
# client is written at its end only (the day first: the organization's actions over a
# range of days keep their own index, `action_due`). A client's actions are found through its invoices
# (`action_invoice`, now partial: only the actions tied to an invoice) and, for the others,
# the small partial index `action_client_other`.
# The index by invoice is dropped by name: on SQLite, Django's AlterField would copy the
# whole table to do it.

import django.db.models.deletion
from django.db import migrations, models

INDEX = "dunning_action_invoice_id_e237d455"


class Migration(migrations.Migration):
    dependencies = [
        ("dunning", "0006_actionline_no_invoice_index"),
        ("ledger", "0006_organization_portal_promise_max_days"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="action", name="action_client_day"),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["decided_on", "organization", "status", "client"], name="action_day"
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("invoice__isnull", False)),
                fields=["invoice"],
                name="action_invoice",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("invoice__isnull", True)),
                fields=["client", "decided_on"],
                name="action_client_other",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="action",
                    name="invoice",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="For a ladder step: the invoice whose step this is.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actions",
                        to="ledger.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "dunning_action" ("invoice_id")',
                ),
            ],
        ),
    ]
