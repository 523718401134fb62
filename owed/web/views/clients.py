"""A client's page (`/clients/<code>/`): timeline, contacts, contract terms, payment
history, risk grade, and banners for a credit hold or a work stop."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_GET

from owed.ledger.models import Client
from owed.ledger.selectors import annotate_balance
from owed.web.access import Access
from owed.web.selectors import clients as cs
from owed.web.views.base import member_view, page


@require_GET
@member_view
def client(request, access: Access, code: str):
    organization = access.organization
    found = Client.objects.filter(organization=organization, code=code).first()
    if found is None:
        raise Http404("no such client")
    today = organization.today()
    events, truncated = cs.timeline(organization=organization, client=found)
    hold, stops = cs.holds(organization=organization, client=found)
    open_invoices = list(
        annotate_balance(found.invoices.filter(organization=organization, written_off_on=None))
        .filter(balance__gt=0)
        .order_by("due_date", "number")
    )
    for invoice in open_invoices:
        invoice.days_late = max(0, (today - invoice.due_date).days)
    return page(
        request,
        access,
        "web/client.html",
        {
            "client": found,
            "today": today,
            "events": events,
            "truncated": truncated,
            "hold": hold,
            "stops": stops,
            "record": cs.payment_record(organization=organization, client=found, today=today),
            "contacts": list(found.contacts.filter(organization=organization)),
            "contracts": cs.contracts(organization=organization, client=found),
            "open_invoices": open_invoices,
        },
    )
