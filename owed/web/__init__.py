"""The back office: the web pages a business works its receivables from (Today,
Receivables, client and invoice pages), a thin shell over the ledger and collections
services."""
