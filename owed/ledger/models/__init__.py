"""The receivables ledger: organizations, clients, contracts, invoices and payments.

Every row belongs to one organization, and every query in owed filters by it; a row
links only to rows of its own organization (each model's `clean()` checks it). An
invoice's balance and state are never stored: they are derived from its allocations
(see `owed.ledger.selectors`), so they cannot disagree with the payments.
"""

from owed.ledger.models.clients import Client, Contact
from owed.ledger.models.contracts import ChangeOrder, Contract, Milestone
from owed.ledger.models.invoices import Allocation, Invoice, InvoiceLine, Payment
from owed.ledger.models.organizations import Language, Membership, Organization, PaymentAccount

__all__ = [
    "Allocation",
    "ChangeOrder",
    "Client",
    "Contact",
    "Contract",
    "Invoice",
    "InvoiceLine",
    "Language",
    "Membership",
    "Milestone",
    "Organization",
    "Payment",
    "PaymentAccount",
]
