"""A client's page (`/clients/<code>/`): timeline, contacts, contract terms, payment
history, risk grade, banners for a credit hold or a work stop, and the client's portal
link. The page takes two forms (`form` in the POST): `portal_revoke` and `portal_new`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from owed.ledger.models import Client
from owed.ledger.selectors import annotate_balance
from owed.portal.services import link_current, link_renew, link_revoke
from owed.web.access import Access
from owed.web.selectors import clients as cs
from owed.web.views.base import member_view, page

PORTAL_FORMS = ("portal_revoke", "portal_new")


def _portal_act(request, organization, client, name: str) -> None:
    if name == "portal_revoke":
        if link_revoke(organization=organization, client=client):
            messages.success(
                request,
                _(
                    "Portal link revoked: it no longer opens the client's page. "
                    "The next message carries a new one."
                ),
            )
        else:
            messages.info(request, _("There was no valid portal link to revoke."))
    elif link_renew(organization=organization, client=client).replaced:
        messages.success(
            request, _("New portal link made: the earlier one no longer opens the page.")
        )
    else:
        messages.success(request, _("Portal link made."))


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def client(request, access: Access, code: str):
    organization = access.organization
    found = Client.objects.filter(organization=organization, code=code).first()
    if found is None:
        raise Http404("no such client")
    if request.method == "POST":
        posted = request.POST.get("form")
        if posted not in PORTAL_FORMS:
            return HttpResponseBadRequest(_("This form does not apply to the client."))
        _portal_act(request, organization, found, posted)
        return redirect("web:client", code=found.code)
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
            "portal": link_current(organization=organization, client=found),
        },
    )
