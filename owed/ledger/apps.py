from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "owed.ledger"
    label = "ledger"
    verbose_name = "Ledger"
