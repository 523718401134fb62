"""What every collections service shares: finding invoices and clients, balances, the
interaction log, and having the next run look at invoices again (`replan`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from owed.core.calendar import next_business_day
from owed.dunning.models import Interaction
from owed.dunning.summaries import Said
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.selectors import annotate_balance


def replan(invoice_ids: Sequence[int]) -> None:
    """Have the next run look at these invoices again, whatever their next look was."""
    ids = list(invoice_ids)
    for start in range(0, len(ids), 5000):
        Invoice.objects.filter(pk__in=ids[start : start + 5000]).update(next_step_on=None)


def invoice_find(*, organization: Organization, number: str) -> Invoice:
    try:
        return Invoice.objects.select_related("client").get(
            organization=organization, number=number
        )
    except Invoice.DoesNotExist:
        raise OwedError(f"no invoice numbered {number!r} in {organization.slug}") from None


def client_find(*, organization: Organization, code: str) -> Client:
    try:
        return Client.objects.get(organization=organization, code=code)
    except Client.DoesNotExist:
        raise OwedError(f"no client with id {code!r} in {organization.slug}") from None


def balances_of(invoices: Sequence[Invoice]) -> dict[int, Decimal]:
    return dict(
        annotate_balance(Invoice.objects.filter(pk__in=[i.pk for i in invoices])).values_list(
            "id", "balance"
        )
    )


def not_owed(invoices: Sequence[Invoice]) -> list[Invoice]:
    """The invoices nothing is owed on any more: paid in full or written off."""
    balances = balances_of(invoices)
    return [i for i in invoices if balances.get(i.pk, 0) <= 0 or i.written_off_on]


def require_owed(invoices: Sequence[Invoice], what: str) -> list[Invoice]:
    closed = not_owed(invoices)
    if closed:
        numbers = ", ".join(i.number for i in closed)
        raise OwedError(f"nothing is owed on {numbers}: no {what} needed")
    return list(invoices)


def one_client(invoices: Sequence[Invoice]) -> Client:
    clients = {i.client_id for i in invoices}
    if len(clients) != 1:
        raise OwedError("the invoices belong to different clients; record one client at a time")
    return invoices[0].client


def log_interaction(
    organization: Organization,
    client: Client,
    *,
    on: date,
    channel: str,
    direction: str,
    said: Said | str,
    invoice: Invoice | None = None,
    is_response: bool = False,
    **extra,
) -> Interaction:
    """Log an interaction: `said` is owed's words (a code the pages write in the reader's
    language, `owed.dunning.summaries`) or a user's (shown as written)."""
    if isinstance(said, str):
        summary, code, params = said, "", {}
    else:
        summary, code, params = said.english, said.code.value, said.params
    return Interaction.objects.create(
        organization=organization,
        client=client,
        invoice=invoice,
        channel=channel,
        direction=direction,
        happened_on=on,
        summary=summary[:300],
        code=code,
        params=params,
        is_response=is_response,
        **extra,
    )


VIA: Final = ("", "portal")
"""Where a client said something: "" (to a user, who records it) or "portal" (in the
client portal: logged on the portal channel)."""


def channel_for(via: str, default: str) -> str:
    if via not in VIA:
        raise OwedError(f"unknown source {via!r}")
    return Interaction.Channel.PORTAL if via == "portal" else default


def overdue_invoices(*, organization: Organization, client: Client, on: date) -> list[Invoice]:
    """The client's invoices past their due date with something still owed on `on`."""
    return list(
        annotate_balance(
            Invoice.objects.filter(
                organization=organization, client=client, written_off_on=None, due_date__lt=on
            )
        )
        .filter(balance__gt=0)
        .select_related("client")
        .order_by("due_date", "number")
    )


def next_business(client: Client, day: date) -> date:
    return next_business_day(day, client.country)
