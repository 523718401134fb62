"""Documents from the ledger: the data each template shows, and its PDF.

`invoice_data` gathers everything an invoice shows (playbook P6) as ready text in the
reader's language; `invoice_pdf` prints it. `letter_pdf` prints the generic letter the
collection steps fill (L5, L7-L10); its data is described in docs/documents.md and built
with `sender_data`, `party_data` and `payment_data`.

Words come from Django's catalogues under `translation.override(language)`; dates,
amounts and numbers from `owed.core.localize`. In Persian every left-to-right run
(invoice numbers, e-mail addresses, IBANs, Latin names) is isolated with
`localize.bidi_safe`, so the right-to-left page cannot reorder it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from babel import Locale
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from owed.core import invoicing
from owed.core.localize import (
    LOCALES,
    bidi_safe,
    check_language,
    format_amount,
    format_date,
    format_number,
    format_percent,
)
from owed.core.qr import QRError, epc_payload, promptpay_payload, qr_svg, vietqr_payload
from owed.documents.pdf import DocumentError, render_pdf
from owed.ledger.models import Client, Contact, Invoice, Organization, PaymentAccount
from owed.ledger.selectors import annotate_balance

# Values kept exactly as they are, also in Persian: what a template draws rather than
# reads, and the page label, whose {page} and {pages} the template fills in.
_VERBATIM: Final = frozenset({"qr_svg", "qr_payload", "language", "direction", "page"})


# Invoices


def invoice_data(invoice: Invoice, language: str | None = None) -> dict[str, Any]:
    """What the invoice PDF shows, as text in `language` (default: the client's).

    Amounts: each line's `amount` is its net (quantity x unit price, rounded); the tax
    is the sum of the lines' rounded tax; the total is the invoice's total, tax included;
    `paid` is what payments allocated to it; `balance` is total minus paid, the amount
    the payment QR code asks for.
    """
    client = invoice.client
    code = check_language(language or client.language)
    organization = invoice.organization
    row = annotate_balance(Invoice.objects.filter(pk=invoice.pk)).get()
    currency = invoice.currency
    lines = list(invoice.lines.order_by("position", "id"))
    amounts = [
        invoicing.line_amounts(
            invoicing.Line(x.description, x.quantity, x.unit_price, x.tax_rate), currency
        )
        for x in lines
    ]
    subtotal = sum((a.net for a in amounts), Decimal(0))
    tax = sum((a.tax for a in amounts), Decimal(0))

    def money(amount: Decimal) -> str:
        return format_amount(amount, currency, code)

    with translation.override(code):
        terms = _invoice_terms(invoice, row.balance, money, code)
        data = {
            "language": code,
            "title": _("Invoice %(number)s") % {"number": invoice.number},
            "labels": _invoice_labels(),
            "sender": sender_data(organization, code),
            "client": party_data(client, code, home_country=organization.country),
            "invoice": {
                "number": invoice.number,
                "issue_date": format_date(invoice.issue_date, code),
                "due_date": format_date(invoice.due_date, code),
                "client_code": client.code,
                "contract": invoice.contract.code if invoice.contract_id else "",
            },
            "lines": [
                {
                    "description": line.description,
                    "quantity": format_number(_plain(line.quantity), code),
                    "unit_price": money(line.unit_price),
                    "tax_rate": format_percent(_plain(line.tax_rate), code),
                    "amount": money(each.net),
                }
                for line, each in zip(lines, amounts, strict=True)
            ],
            "totals": {
                "subtotal": money(subtotal),
                "tax": money(tax),
                "total": money(invoice.total),
                "paid": money(row.paid),
                "balance": money(max(row.balance, Decimal(0))),
            },
            "paid_in_full": row.balance <= 0,
            "due_line": (
                _("Paid in full. Thank you.")
                if row.balance <= 0
                else _("Due on %(date)s") % {"date": format_date(invoice.due_date, code)}
            ),
            "terms": terms,
            "payment": (
                payment_data(
                    organization=organization,
                    amount=row.balance,
                    currency=currency,
                    reference=invoice.number,
                    language=code,
                )
                if row.balance > 0
                else None
            ),
        }
    return bidi_text(data, code)


def invoice_pdf(invoice: Invoice, language: str | None = None) -> bytes:
    """The invoice as a PDF in `language` (default: the client's)."""
    return render_pdf("invoice", invoice_data(invoice, language))


def _invoice_labels() -> dict[str, str]:
    return {
        **_common_labels(),
        "document": _("Invoice"),
        "number": _("Invoice number"),
        "issue_date": _("Issue date"),
        "due_date": _("Due date"),
        "client_code": _("Client id"),
        "contract": _("Contract"),
        "bill_to": _("Bill to"),
        "description": _("Description"),
        "quantity": _("Qty"),
        "unit_price": _("Unit price"),
        "tax_rate": _("Tax"),
        "amount": _("Amount"),
        "subtotal": _("Subtotal"),
        "tax": _("Tax"),
        "total": _("Total"),
        "paid": _("Paid"),
        "balance_due": _("Balance due"),
        "terms": _("Payment terms"),
    }


def _common_labels() -> dict[str, str]:
    return {
        "tax_id": _("Tax id"),
        # {page} and {pages} are filled in by the template, in the language's digits.
        "page": _("Page {page} of {pages}"),
    }


def _invoice_terms(invoice: Invoice, balance: Decimal, money, code: str) -> list[str]:
    days = (invoice.due_date - invoice.issue_date).days
    if days > 0:
        terms = [
            ngettext(
                "Payment within %(days)s day of the issue date.",
                "Payment within %(days)s days of the issue date.",
                days,
            )
            % {"days": format_number(days, code)}
        ]
    else:
        terms = [_("Payment is due on receipt.")]
    if balance > 0:
        terms.append(
            _(
                "Please pay %(amount)s by %(date)s and quote the invoice number %(number)s "
                "as the payment reference."
            )
            % {
                "amount": money(balance),
                "date": format_date(invoice.due_date, code),
                "number": invoice.number,
            }
        )
    contract = invoice.contract if invoice.contract_id else None
    if contract is not None and contract.interest_rate:
        terms.append(
            _("Under contract %(contract)s, late payments bear interest of %(rate)s a year.")
            % {
                "contract": contract.code,
                "rate": format_percent(_plain(contract.interest_rate), code),
            }
        )
    if contract is not None and contract.late_fee and contract.currency == invoice.currency:
        terms.append(
            _("Under contract %(contract)s, a late payment also costs a fixed fee of %(fee)s.")
            % {"contract": contract.code, "fee": money(contract.late_fee)}
        )
    return terms


# Parts every document shares


def sender_data(organization: Organization, language: str) -> dict[str, Any]:
    """The organization as the letterhead shows it."""
    return {
        "name": organization.name,
        "address": _lines(organization.address),
        "tax_id": organization.tax_id,
        "email": organization.email,
        "phone": organization.phone,
        "website": organization.website,
    }


def party_data(client: Client, language: str, *, home_country: str = "") -> dict[str, Any]:
    """The client as an address block shows it: name, address, tax id, billing contact.

    The country is written, in `language`, when it is not `home_country` (as post
    within one country leaves it out).
    """
    code = check_language(language)
    address = _lines(client.address)
    if client.country and client.country != home_country:
        name = Locale.parse(LOCALES[code]).territories.get(client.country, client.country)
        if not address or address[-1].casefold() != name.casefold():
            address.append(name)
    attention = ""
    contact = (
        client.contacts.filter(role=Contact.Role.BILLING).exclude(name="").first()
        if client.pk
        else None
    )
    if contact is not None:
        with translation.override(code):
            attention = _("For the attention of %(name)s") % {"name": contact.name}
    return {
        "name": client.name,
        "address": address,
        "tax_id": client.tax_id,
        "attention": attention,
    }


def payment_data(
    *,
    organization: Organization,
    amount: Decimal,
    currency: str,
    reference: str,
    language: str,
    accounts: Sequence[PaymentAccount] | None = None,
) -> dict[str, Any] | None:
    """How to pay `amount`: the organization's payment account for `currency`, as labelled
    lines, with a QR code asking for `amount` with `reference` where the account has one.

    The account is `payment_account_for(organization, currency, accounts)`: a page that
    shows several invoices reads the accounts once and passes them. The QR code: VietQR for
    a Vietnamese bank account and VND, PromptPay for THB, EPC (SEPA) for an IBAN in the
    SEPA zone and EUR; any other account or currency is shown as text only. None when no
    account takes the currency or `amount` is not more than zero.
    """
    code = check_language(language)
    if amount <= 0:
        return None
    account = payment_account_for(organization, currency, accounts)
    if account is None:
        return None
    payload = _qr_payload(account, amount, currency, reference)
    kind = PaymentAccount.Kind
    with translation.override(code):
        if account.kind == kind.VN_BANK and payload:
            title = _("Pay by bank transfer (VietQR)")
        elif account.kind == kind.PROMPTPAY:
            title = _("Pay with PromptPay")
        elif account.kind == kind.IBAN and payload:
            title = _("Pay by SEPA transfer")
        else:
            title = _("Pay by bank transfer")
        number = account.account_number
        rows = [
            (_("Account holder"), account.holder),
            (_("Bank"), account.bank_name),
            (_("Account number"), number if account.kind in (kind.VN_BANK, kind.OTHER) else ""),
            (_("Card number"), _grouped(number) if account.kind == kind.IR_CARD else ""),
            (_("IBAN"), _grouped(account.iban) if account.kind == kind.IBAN else ""),
            (_("BIC"), account.bic if account.kind == kind.IBAN else ""),
            (_("PromptPay id"), account.promptpay_id if account.kind == kind.PROMPTPAY else ""),
            (_("Amount"), format_amount(amount, currency, code)),
            (_("Reference"), reference),
        ]
        return {
            "title": title,
            "lines": [[label, value] for label, value in rows if value],
            "qr_payload": payload,
            "qr_svg": qr_svg(payload) if payload else None,
            "qr_caption": _("Scan with your banking app"),
        }


def payment_accounts(organization: Organization) -> list[PaymentAccount]:
    """The organization's payment accounts, by id (what `payment_account_for` chooses from)."""
    return list(PaymentAccount.objects.filter(organization=organization).order_by("id"))


def payment_account_for(
    organization: Organization,
    currency: str,
    accounts: Sequence[PaymentAccount] | None = None,
) -> PaymentAccount | None:
    """The account a client pays `currency` into: the first (by id) kept for that
    currency, else the first kept for any currency (blank); None when there is none.

    `accounts`, when given, is `payment_accounts(organization)` read once before (no query)."""
    if accounts is None:
        accounts = payment_accounts(organization)
    else:
        accounts = sorted(
            (a for a in accounts if a.organization_id == organization.pk), key=lambda a: a.pk
        )
    for wanted in (currency, ""):
        for account in accounts:
            if account.currency == wanted:
                return account
    return None


# The one currency each kind's QR code carries; an IBAN's code (EPC) only in the SEPA zone.
_QR_CURRENCY: Final = {
    PaymentAccount.Kind.VN_BANK: "VND",
    PaymentAccount.Kind.PROMPTPAY: "THB",
    PaymentAccount.Kind.IBAN: "EUR",
}


def _qr_payload(
    account: PaymentAccount, amount: Decimal, currency: str, reference: str
) -> str | None:
    """The QR payload paying `amount` with `reference`; None where no code can carry it."""
    kind = PaymentAccount.Kind
    if _QR_CURRENCY.get(account.kind) != currency:
        return None
    try:
        if account.kind == kind.VN_BANK:
            try:
                return vietqr_payload(account.bank_bin, account.account_number, amount, reference)
            except QRError:
                # A reference a VietQR code cannot hold: the amount alone still helps.
                return vietqr_payload(account.bank_bin, account.account_number, amount)
        if account.kind == kind.PROMPTPAY:
            return promptpay_payload(account.promptpay_id, amount)
        if account.kind == kind.IBAN:
            # Outside the SEPA zone (an Iranian Sheba, a UK account) `epc_payload` refuses.
            return epc_payload(
                account.holder, account.iban, amount, text=reference, bic=account.bic or None
            )
    except QRError:
        return None
    return None


# Letters


def letter_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` checked and completed for the letter template: the labels the caller left
    out in the letter's language, the place-and-date line, and in Persian every
    left-to-right run isolated (doing that twice changes nothing).

    The keys of `data` are described in docs/documents.md; `DocumentError` lists what is
    missing or of the wrong type.
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"letter data must be a mapping, not {type(data).__name__}")
    code = check_language(str(data.get("language", "")))
    _check_letter(data)
    with translation.override(code):
        labels = {**_letter_labels(), **dict(data.get("labels") or {})}
        place = data.get("place") or ""
        dateline = (
            _("%(place)s, %(date)s") % {"place": place, "date": data["date"]}
            if place
            else data["date"]
        )
    letter = {
        **data,
        "language": code,
        "title": data.get("title") or data["subject"],
        "labels": labels,
        "dateline": dateline,
    }
    return bidi_text(letter, code)


def letter_pdf(data: Mapping[str, Any]) -> bytes:
    """The generic letter as a PDF; `data` as `letter_data` takes it."""
    return render_pdf("letter", letter_data(data))


def _letter_labels() -> dict[str, str]:
    return {
        **_common_labels(),
        "reference": _("Our reference"),
        "subject": _("Subject"),
        "invoice": _("Invoice"),
        "due_date": _("Due date"),
        "days_overdue": _("Days overdue"),
        "balance": _("Balance"),
        "total": _("Total"),
        "principal": _("Principal"),
        "interest": _("Interest"),
        "compensation": _("Compensation for recovery costs"),
        "claimed": _("Total claimed"),
        "basis": _("Legal basis"),
        "deadline": _("Final date for payment"),
        "enclosures": _("Enclosures"),
    }


def _check_letter(data: Mapping[str, Any]) -> None:
    """`DocumentError` naming what a letter's data lacks or has of the wrong type."""
    problems = []
    for key in ("date", "subject"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"{key!r} must be a non-empty string")
    for key in ("sender", "recipient"):
        part = data.get(key)
        if not isinstance(part, Mapping) or not isinstance(part.get("name"), str):
            problems.append(f"{key!r} must be a mapping with a 'name'")
    paragraphs = data.get("paragraphs")
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        problems.append("'paragraphs' must be a list of strings")
    invoices = data.get("invoices") or []
    wanted = {"number", "due_date", "days_overdue", "balance"}
    if not isinstance(invoices, list) or not all(
        isinstance(row, Mapping) and wanted <= row.keys() for row in invoices
    ):
        problems.append(f"'invoices' must be a list of mappings with {', '.join(sorted(wanted))}")
    amounts = data.get("amounts")
    if amounts is not None and not (
        isinstance(amounts, Mapping) and {"principal", "total"} <= amounts.keys()
    ):
        problems.append("'amounts' must be a mapping with at least 'principal' and 'total'")
    deadline = data.get("deadline")
    if deadline is not None and not (isinstance(deadline, Mapping) and "date" in deadline):
        problems.append("'deadline' must be a mapping with a 'date'")
    if problems:
        raise DocumentError("the letter cannot be made", details=problems)


# Text helpers


def bidi_text(value: Any, language: str) -> Any:
    """`value` (a str, or lists and dicts of them) with every string made bidi-safe for
    `language`; QR codes and payloads stay exactly as they are."""
    if check_language(language) != "fa":
        return value
    if isinstance(value, str):
        return bidi_safe(value, language)
    if isinstance(value, Mapping):
        return {
            key: item if key in _VERBATIM else bidi_text(item, language)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [bidi_text(item, language) for item in value]
    return value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros (1.500 -> 1.5, 10.000 -> 10), never in exponent form."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _grouped(iban: str) -> str:
    """An IBAN in groups of four, as it is printed."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
