"""Reading the portal's requests and claims: for Today's "Client requests", the API, the
command line and the client's own portal page. Each list is a fixed number of queries
whatever its length (invoices, balances and instalments are prefetched)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from owed.dunning.models import Instalment, Plan
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.selectors import annotate_balance
from owed.portal.models import PaymentClaim, PlanRequest


def _invoices() -> Prefetch:
    return Prefetch(
        "invoices", queryset=annotate_balance(Invoice.objects.all()).order_by("due_date", "number")
    )


def plan_requests(*, organization: Organization) -> QuerySet[PlanRequest]:
    """The organization's plan requests, newest first, with their client, invoices (and
    balances), the user who decided and the plan made with its instalments."""
    plans = Plan.objects.prefetch_related(
        Prefetch("instalments", queryset=Instalment.objects.order_by("number"))
    )
    return (
        PlanRequest.objects.filter(organization=organization)
        .select_related("client", "decided_by")
        .prefetch_related(_invoices(), Prefetch("plan", queryset=plans))
        .order_by("-created_at", "-id")
    )


def payment_claims(*, organization: Organization) -> QuerySet[PaymentClaim]:
    """The organization's payment claims, newest first, with their client and invoices."""
    return (
        PaymentClaim.objects.filter(organization=organization)
        .select_related("client", "decided_by")
        .prefetch_related(_invoices())
        .order_by("-created_at", "-id")
    )


def totals(invoices) -> list[tuple[str, Decimal]]:
    """The invoices' balances summed by currency, as (currency, amount), by currency."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        sums[invoice.currency] += invoice.balance
    return sorted(sums.items())


def pending(*, organization: Organization, limit: int = 50) -> dict:
    """What waits for a decision on Today: the pending plan requests and payment claims,
    oldest first (the first asked is the first answered), at most `limit` of each, and how
    many there are in all."""
    requests = plan_requests(organization=organization).filter(status=PlanRequest.Status.PENDING)
    claims = payment_claims(organization=organization).filter(status=PaymentClaim.Status.PENDING)
    shown_requests = list(requests.order_by("created_at", "id")[:limit])
    shown_claims = list(claims.order_by("created_at", "id")[:limit])
    return {
        "plan_requests": shown_requests,
        "plan_requests_count": (
            requests.count() if len(shown_requests) == limit else len(shown_requests)
        ),
        "payment_claims": shown_claims,
        "payment_claims_count": claims.count() if len(shown_claims) == limit else len(shown_claims),
    }


def of_client(*, organization: Organization, client: Client, limit: int = 10) -> dict:
    """The client's latest plan requests and payment claims, for its portal page."""
    return {
        "plan_requests": list(
            plan_requests(organization=organization).filter(client=client)[:limit]
        ),
        "payment_claims": list(
            payment_claims(organization=organization).filter(client=client)[:limit]
        ),
    }
