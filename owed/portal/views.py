"""The client portal's pages: no log-in, the link's token is the key.

Every page is in the client's language and the organization's time zone. What the client
tells the business goes through the collection services (`owed.dunning.services`), which
log it on the client's record as a response and have the invoices planned again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Final
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from owed.core.localize import format_amount, format_date, format_number
from owed.documents.pdf import DocumentError
from owed.documents.services import (
    invoice_pdf,
    payment_account_for,
    payment_accounts,
    payment_data,
)
from owed.dunning import summaries
from owed.dunning.models import Dispute, Promise
from owed.dunning.services import dispute_open, promise_record, reply_log
from owed.errors import OwedError
from owed.ledger.models import Invoice, Organization, PaymentAccount
from owed.ledger.selectors import annotate_balance
from owed.portal import links
from owed.portal import selectors as requests_selectors
from owed.portal.forms import FORMS, PromiseForm
from owed.portal.models import PortalLink
from owed.portal.requests import (
    PAUSE_DAYS,
    Refusal,
    RequestRefused,
    payment_claim_create,
    plan_request_create,
)
from owed.portal.services import link_visited
from owed.web.throttle import Throttle, client_address

INVALID = 422
TOO_MANY = 429
SOURCE = "client portal"
LANGUAGES = ("en", "vi", "fa", "th")

UNKNOWN_TOKENS = Throttle("portal-unknown-tokens", limit=20, window=10 * 60)
"""An address that tried `limit` unknown tokens in `window` seconds gets 429 for any other
unknown token until the window has passed; valid links (and known, expired or revoked ones)
are answered as usual."""


def _language(code: str) -> str:
    return code if code in LANGUAGES else "en"


def _texts(languages: list[str], make: Callable[[], dict]) -> list[dict]:
    """`make()`'s texts in each language (once each), with the language and direction."""
    texts = []
    for code in dict.fromkeys(languages):
        with translation.override(code):
            texts.append(
                {"language": code, "direction": "rtl" if code == "fa" else "ltr", **make()}
            )
    return texts


def _secure(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: never send it to another site as a referrer, never cache or index the page.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def gone(request: HttpRequest, link: PortalLink | None) -> HttpResponse:
    """The polite "link not valid" page (404), in English and the client's language."""
    language = _language(link.client.language) if link is not None else "en"

    def texts() -> dict:
        return {
            "title": _("This link no longer works"),
            "body": _(
                "The link may have expired or been replaced by a newer one. "
                "Please use the link in our latest message, or reply to it and "
                "we will send you a new one."
            ),
        }

    with translation.override("en"):
        context = {"texts": _texts(["en", language], texts)}
        response = render(request, "portal/gone.html", context, status=404)
    return _secure(response)


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    """The plain "too many attempts" page (429), in English and the browser's language."""
    minutes = max(1, -(-wait // 60))
    browser = _language(translation.get_language_from_request(request))

    def texts() -> dict:
        shown = format_number(minutes, translation.get_language())
        return {
            "title": _("Too many attempts"),
            "body": ngettext(
                "Too many links that do not work were opened from your address. "
                "Please try again in %(minutes)s minute.",
                "Too many links that do not work were opened from your address. "
                "Please try again in %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": shown},
        }

    with translation.override("en"):
        context = {"texts": _texts(["en", browser], texts)}
        response = render(request, "portal/gone.html", context, status=TOO_MANY)
    response["Retry-After"] = str(wait)
    return _secure(response)


def _unknown(request: HttpRequest) -> HttpResponse:
    """An unknown or tampered token: counted against the address, refused politely."""
    address = client_address(request)
    wait = UNKNOWN_TOKENS.blocked_for(address)
    if wait:
        return too_many(request, wait)
    UNKNOWN_TOKENS.record_failure(address)
    return gone(request, None)


def portal_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A portal page: `view(request, link, ...)` with a valid link, in the client's language."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        link = links.find(token)
        if link is None:
            return _unknown(request)
        if not links.is_valid(link):
            return gone(request, link)
        link_visited(link)
        request.portal_token = token
        language = _language(link.client.language)
        timezone.activate(ZoneInfo(link.organization.timezone or "UTC"))
        try:
            with translation.override(language):
                request.LANGUAGE_CODE = language
                try:
                    response = view(request, link, *args, **kwargs)
                except Http404:
                    response = gone(request, link)
        finally:
            timezone.deactivate()
        response.setdefault("Content-Language", language)
        return _secure(response)

    return wrapper


def _open_invoices(link: PortalLink) -> list[Invoice]:
    return list(
        annotate_balance(Invoice.objects.filter(organization=link.organization, client=link.client))
        .filter(written_off_on=None, balance__gt=0)
        .order_by("due_date", "number")
    )


def _forms(organization: Organization, today, invoices, data=None, files=None, only=None) -> dict:
    choices = [(i.pk, i.number) for i in invoices]
    made = {}
    for name, form in FORMS.items():
        options = {"prefix": name, "today": today, "invoices": choices}
        if form is PromiseForm:
            options["max_days"] = organization.portal_promise_max_days
        bound = (data, files) if name == only else (None, None)
        made[name] = form(*bound, **options)
    return made


def _paused() -> str:
    return ngettext(
        "We send no reminders about these invoices until we answer, for %(days)s day at most.",
        "We send no reminders about these invoices until we answer, for %(days)s days at most.",
        PAUSE_DAYS,
    ) % {"days": format_number(PAUSE_DAYS, translation.get_language())}


def _act(name: str, link: PortalLink, form, invoices: list[Invoice], today) -> str:
    organization, client = link.organization, link.client
    chosen = form.chosen({i.pk: i for i in invoices})
    numbers = ", ".join(i.number for i in chosen)
    data = form.cleaned_data
    if name == "paid":
        payment_claim_create(
            organization=organization,
            client=client,
            invoices=chosen,
            paid_on=data["paid_on"],
            on=today,
            amount=data.get("amount"),
            reference=data.get("reference") or "",
            proof=data.get("proof"),
        )
        return " ".join(
            [_("Thank you. We will check our account and update your invoices."), _paused()]
        )
    if name == "plan":
        plan_request_create(
            organization=organization,
            client=client,
            invoices=chosen,
            instalments=data["instalments"],
            every_days=data["every_days"],
            on=today,
            note=data.get("note") or "",
        )
        return " ".join(
            [_("Thank you. We will answer your request for a payment plan here."), _paused()]
        )
    if name == "promise":
        promise_record(
            organization=organization,
            invoices=chosen,
            until=data["until"],
            on=today,
            via="portal",
        )
        return _("Thank you. We have noted that you will pay by %(date)s.") % {
            "date": format_date(data["until"], translation.get_language())
        }
    if name == "dispute":
        (invoice,) = chosen
        dispute_open(
            organization=organization,
            invoice=invoice,
            reason=data["reason"],
            on=today,
            via="portal",
        )
        return _("Thank you. We will look into it and stop the reminders meanwhile.")
    reply_log(
        organization=organization,
        client=client,
        on=today,
        note=f"The client confirms receiving {numbers} (via the {SOURCE}).",
        said=summaries.portal_received(invoices=chosen),
        via="portal",
    )
    return _("Thank you for confirming.")


@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def home(request: HttpRequest, link: PortalLink) -> HttpResponse:
    organization, client = link.organization, link.client
    today = organization.today()
    invoices = _open_invoices(link)
    posted = request.POST.get("form") if request.method == "POST" else None
    if posted is not None and posted not in FORMS:
        posted = None
    forms = _forms(organization, today, invoices, request.POST, request.FILES, only=posted)
    status = 200
    if posted:
        form = forms[posted]
        if not invoices:
            form.add_error(None, _("Nothing is owed at the moment."))
        elif form.is_valid():
            try:
                message = _act(posted, link, form, invoices, today)
            except OwedError as exc:
                form.add_error(None, _service_message(exc))
            else:
                messages.success(request, message)
                return redirect("portal:home", request.portal_token)
        status = INVALID
    language = translation.get_language()
    promised = Promise.objects.filter(
        organization=organization, client=client, until__gte=today
    ).prefetch_related("invoices")
    promised_until: dict[int, object] = {}
    for promise in promised:
        for invoice in promise.invoices.all():
            promised_until[invoice.pk] = max(
                promise.until, promised_until.get(invoice.pk, promise.until)
            )
    disputed = set(
        Dispute.objects.filter(
            organization=organization, invoice__client=client, resolved_on=None
        ).values_list("invoice_id", flat=True)
    )
    accounts = payment_accounts(organization) if invoices else []
    rows = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        rows.append(
            {
                "invoice": invoice,
                "days_late": max(0, (today - invoice.due_date).days),
                "promised_until": promised_until.get(invoice.pk),
                "disputed": invoice.pk in disputed,
                "payment": _payment(organization, invoice, language, accounts),
            }
        )
        totals[invoice.currency] += invoice.balance
    asked = requests_selectors.of_client(organization=organization, client=client)
    context = {
        "link": link,
        "token": request.portal_token,
        "organization": organization,
        "client": client,
        "language": language,
        "direction": "rtl" if language == "fa" else "ltr",
        "today": today,
        "rows": rows,
        "totals": [format_amount(a, c, language) for c, a in sorted(totals.items())],
        "forms": forms,
        "pay": any(row["payment"] for row in rows),
        "ways_to_pay": _ways_to_pay(organization, rows, accounts),
        "posted": posted,
        "promise_max_days": organization.portal_promise_max_days,
        "plan_requests": asked["plan_requests"],
        "payment_claims": asked["payment_claims"],
        "pause_days": PAUSE_DAYS,
    }
    return render(request, "portal/home.html", context, status=status)


def _payment(
    organization, invoice: Invoice, language: str, accounts: list[PaymentAccount]
) -> dict | None:
    try:
        return payment_data(
            organization=organization,
            amount=invoice.balance,
            currency=invoice.currency,
            reference=invoice.number,
            language=language,
            accounts=accounts,
        )
    except (OwedError, ValueError):
        return None


def _ways_to_pay(organization, rows: list[dict], accounts: list[PaymentAccount]) -> list[dict]:
    """How to pay, once per account and currency: the account's details, then for each
    invoice paid into it its amount, reference and QR code."""
    shown_once = {_("Amount"), _("Reference")}
    ways: dict[tuple[int, str], dict] = {}
    for row in rows:
        payment, invoice = row["payment"], row["invoice"]
        if not payment:
            continue
        account = payment_account_for(organization, invoice.currency, accounts)
        key = (account.pk if account else 0, invoice.currency)
        if key not in ways:
            ways[key] = {
                "title": payment["title"],
                "currency": invoice.currency,
                "lines": [line for line in payment["lines"] if line[0] not in shown_once],
                "invoices": [],
            }
        ways[key]["invoices"].append(
            {
                "invoice": invoice,
                "lines": [line for line in payment["lines"] if line[0] in shown_once],
                "qr_svg": payment["qr_svg"],
                "qr_caption": payment["qr_caption"],
            }
        )
    return list(ways.values())


_REFUSALS: Final = {
    Refusal.ASKED_ALREADY: _lazy(
        "You have already asked for a payment plan for one of these invoices: we will answer "
        "it here."
    ),
    Refusal.UNDER_A_PLAN: _lazy("One of these invoices is already under a payment plan."),
    Refusal.CURRENCIES: _lazy(
        "A payment plan covers invoices of one currency: choose the invoices of one currency."
    ),
    Refusal.NOTHING_OWED: _lazy("Nothing is owed on this invoice any more."),
}


def _service_message(exc: OwedError) -> str:
    if isinstance(exc, RequestRefused) and exc.refusal in _REFUSALS:
        return str(_REFUSALS[exc.refusal])
    text = str(getattr(exc, "message", exc))
    if "already has an open dispute" in text:
        return _("This invoice is already being looked into.")
    if "nothing is owed" in text:
        return _("Nothing is owed on this invoice any more.")
    return _("We could not record this. Please reply to our message instead.")


@require_http_methods(["GET", "HEAD"])
@portal_view
def invoice_download(request: HttpRequest, link: PortalLink, pk: int) -> HttpResponse:
    invoice = Invoice.objects.filter(
        organization=link.organization, client=link.client, pk=pk
    ).first()
    if invoice is None:
        raise Http404("no such invoice")
    try:
        pdf = invoice_pdf(invoice, translation.get_language())
    except DocumentError:
        raise Http404("no PDF") from None
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in invoice.number)
    response["Content-Disposition"] = f'attachment; filename="invoice-{name}.pdf"'
    return response
