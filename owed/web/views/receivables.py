"""Receivables (`/receivables/`): aging per currency, the filtered list and its CSV."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.views.decorators.http import require_GET

from owed.core.localize import format_date
from owed.ledger.models import Client
from owed.ledger.presenters import amount_text
from owed.ledger.tables import guard
from owed.web.access import Access
from owed.web.selectors import receivables as rs
from owed.web.templatetags.owed_web import page_language
from owed.web.views.base import member_view, page

PER_PAGE = 50


def _filters(query: QueryDict, currencies: list[str]) -> tuple[dict, list[str]]:
    """The filters from the query string; a value that is not one of the choices is
    dropped (and said so) rather than failing."""
    wanted = {
        "client": query.get("client", "").strip()[:64],
        "bucket": query.get("bucket", "").strip(),
        "currency": query.get("currency", "").strip().upper()[:3],
        "search": query.get("q", "").strip()[:64],
    }
    ignored = []
    if wanted["bucket"] and wanted["bucket"] not in rs.BUCKETS:
        ignored.append("bucket")
        wanted["bucket"] = ""
    if wanted["currency"] and wanted["currency"] not in currencies:
        ignored.append("currency")
        wanted["currency"] = ""
    return wanted, ignored


@require_GET
@member_view
def receivables(request, access: Access):
    organization = access.organization
    today = organization.today()
    currencies = rs.currencies(organization=organization)
    filters, ignored = _filters(request.GET, currencies)
    invoices = rs.filtered(organization=organization, today=today, **filters)
    paginator = Paginator(invoices, PER_PAGE)
    listing = paginator.get_page(request.GET.get("page"))
    rows = []
    for inv in listing.object_list:
        days = max(0, (today - inv.due_date).days)  # every invoice listed is open
        rows.append({"invoice": inv, "days_late": days, "bucket": rs.bucket_of(days)})
    query = request.GET.copy()
    query.pop("page", None)
    return page(
        request,
        access,
        "web/receivables.html",
        {
            "nav": "receivables",
            "today": today,
            "aging": rs.aging(invoices=rs.open_invoices(organization=organization), today=today),
            "filtered_aging": rs.aging(invoices=invoices, today=today)
            if any(filters.values())
            else None,
            "buckets": rs.BUCKETS,
            "currencies": currencies,
            "clients": Client.objects.filter(organization=organization)
            .order_by("name")
            .values_list("code", "name"),
            "filters": filters,
            "ignored": ignored,
            "listing": listing,
            "rows": rows,
            "query": query.urlencode(),
        },
    )


@require_GET
@member_view
def receivables_csv(request, access: Access):
    """The filtered list as CSV: ISO dates and plain amounts (as `owed import` reads
    them), with the due date also in the user's language and calendar."""
    organization = access.organization
    today = organization.today()
    filters, _ = _filters(request.GET, rs.currencies(organization=organization))
    invoices = rs.filtered(organization=organization, today=today, **filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="receivables-{organization.slug}-{today.isoformat()}.csv"'
    )
    response.write("\ufeff")  # a BOM, so that spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    language = page_language()
    writer.writerow(
        [
            "invoice_no",
            "client_id",
            "client_name",
            "issue_date",
            "due_date",
            "due_date_local",
            "days_late",
            "bucket",
            "currency",
            "total",
            "paid",
            "balance",
        ]
    )
    for inv in invoices.iterator(chunk_size=2000):
        days = max(0, (today - inv.due_date).days)
        writer.writerow(
            [
                guard(inv.number),
                guard(inv.client.code),
                guard(inv.client.name),
                inv.issue_date.isoformat(),
                inv.due_date.isoformat(),
                format_date(inv.due_date, language, "short"),
                days,
                rs.bucket_of(days),
                inv.currency,
                amount_text(inv.total, inv.currency),
                amount_text(inv.paid, inv.currency),
                amount_text(inv.balance, inv.currency),
            ]
        )
    return response
