"""The claim file of a client (playbook L11, L12): what a collection agency, a lawyer or a
small-claims court needs, in one PDF and, if asked, one ZIP.

The PDF is a summary (the parties; the invoices claimed with their balance, days overdue,
interest and compensation to date and the legal basis; the total claimed per currency)
and a timeline of everything that happened, oldest first; then the invoices, the letters
sent (the PDF attachments of the client's sent e-mail), the payment history and the
contracts (`owed.documents.papers.contract_pdf`), appended with pypdf.

The ZIP holds that PDF, each invoice and letter on its own, every e-mail sent to the client
as an .eml file (built as `owed.mail.delivery.build_email` sends it) and a manifest.txt.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from email.utils import format_datetime
from typing import Any, Final

from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from owed.core.localize import check_language, format_amount, format_date, format_number
from owed.documents.papers import contract_pdf, contracts_of
from owed.documents.pdf import DocumentError, render_pdf, safe_name
from owed.documents.services import bidi_text, invoice_pdf, party_data, sender_data
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Payment
from owed.ledger.selectors import annotate_balance

# Every file in the ZIP carries this time, so the same dossier gives the same bytes.
_ZIP_TIME: Final = (2000, 1, 1, 0, 0, 0)


@dataclass
class Part:
    """One document of the dossier: its file name in the ZIP and its bytes."""

    name: str
    content: bytes
    title: str = ""


@dataclass
class Dossier:
    """The dossier PDF and its parts, as `dossier_zip` packs them."""

    client: Client
    language: str
    on: date
    pdf: bytes
    summary_pages: int
    invoices: list[Part] = field(default_factory=list)
    letters: list[Part] = field(default_factory=list)
    payments: Part | None = None
    contracts: list[Part] = field(default_factory=list)
    emails: list[Part] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return dossier_file_name(self.client)


def dossier_file_name(client: Client) -> str:
    """The dossier PDF's file name: ``dossier-<client id>.pdf``."""
    return f"dossier-{safe_name(client.code)}.pdf"


# --- choosing the invoices ------------------------------------------------------------------


def dossier_invoices(
    client: Client, *, on: date, numbers: list[str] | None = None
) -> list[Invoice]:
    """The invoices the dossier claims: those `numbers` (each must be the client's), else
    every invoice of the client overdue on `on` with a balance left and not written off."""
    rows = annotate_balance(Invoice.objects.filter(client=client)).select_related(
        "client", "contract", "organization"
    )
    if numbers:
        found = {invoice.number: invoice for invoice in rows.filter(number__in=numbers)}
        missing = [number for number in numbers if number not in found]
        if missing:
            raise OwedError(
                f"client {client.code!r} has no invoice numbered {', '.join(map(repr, missing))}"
            )
        return sorted({found[n].pk: found[n] for n in numbers}.values(), key=_invoice_order)
    chosen = [
        invoice
        for invoice in rows.filter(due_date__lt=on, written_off_on=None)
        if invoice.balance > 0
    ]
    if not chosen:
        raise OwedError(f"client {client.code!r} has no overdue invoice on {on.isoformat()}")
    return sorted(chosen, key=_invoice_order)


def _invoice_order(invoice: Invoice) -> tuple:
    return (invoice.due_date, invoice.issue_date, invoice.number)


# --- the summary and timeline ---------------------------------------------------------------


def dossier_data(
    client: Client, invoices: list[Invoice], *, on: date, language: str
) -> dict[str, Any]:
    """What the summary pages show, as text in `language`."""
    from owed.law.services import invoice_charges, rate_tables, say

    code = check_language(language)
    tables = rate_tables()  # read once for all the invoices
    organization = client.organization

    def money(amount: Decimal, currency: str) -> str:
        return format_amount(amount, currency, code)

    # One currency (the usual case): the tables show numbers and say the currency once, so
    # that seven columns of long amounts ("IRR 1,629,000,000") fit across the page.
    currencies = {invoice.currency for invoice in invoices}
    single = next(iter(currencies)) if len(currencies) == 1 else None

    def cell(amount: Decimal, currency: str) -> str:
        return format_amount(amount, currency, code, symbol=single is None)

    rows, charges = [], []
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    with translation.override(code):
        for invoice in invoices:
            currency = invoice.currency
            balance = max(invoice.balance, Decimal(0))
            rows.append(
                {
                    "number": invoice.number,
                    # In digits: the table has seven columns to fit on the page.
                    "issue_date": format_date(invoice.issue_date, code, "short"),
                    "due_date": format_date(invoice.due_date, code, "short"),
                    "total": cell(invoice.total, currency),
                    "paid": cell(invoice.paid, currency),
                    "balance": cell(balance, currency),
                    "days_overdue": format_number(max((on - invoice.due_date).days, 0), code),
                }
            )
            totals[currency]["balance"] += balance
            try:
                result = invoice_charges(invoice, until=on, tables=tables)
            except OwedError as exc:
                charges.append(
                    {
                        "number": invoice.number,
                        "interest": "",
                        "compensation": "",
                        "fees": "",
                        "claimed": cell(balance, currency),
                        "basis": _("Interest not worked out: %(reason)s") % {"reason": exc.message},
                    }
                )
                totals[currency]["claimed"] += balance
                continue
            interest = result.interest
            fees = result.fees + result.penalty
            claimed = result.total_due
            charges.append(
                {
                    "number": invoice.number,
                    "interest": cell(interest.interest, currency),
                    "compensation": cell(interest.compensation, currency),
                    "fees": cell(fees, currency),
                    "claimed": cell(claimed, currency),
                    "basis": say(interest.basis, code),
                }
            )
            for name, amount in (
                ("interest", interest.interest),
                ("compensation", interest.compensation),
                ("fees", fees),
                ("claimed", claimed),
            ):
                totals[currency][name] += amount
        data = {
            "language": code,
            "part": "summary",
            "title": _("Claim file: %(client)s") % {"client": client.name},
            "date": _("Prepared on %(date)s") % {"date": format_date(on, code)},
            "labels": _labels(),
            "sender": sender_data(organization, code),
            "client": party_data(client, code, home_country=organization.country),
            "client_code": client.code,
            "invoices": rows,
            "amounts_in": _("Amounts in %(currency)s") % {"currency": single} if single else "",
            "charges": charges,
            "charges_title": _("Interest and compensation to %(date)s")
            % {"date": format_date(on, code)},
            "totals": [
                [
                    currency,
                    money(each["balance"], currency),
                    money(each["interest"], currency),
                    money(each["compensation"], currency),
                    money(each["fees"], currency),
                    money(each["claimed"], currency),
                ]
                for currency, each in sorted(totals.items())
            ],
            "timeline": [
                [format_date(day, code), text] for day, _order, text in timeline(client, on=on)
            ],
        }
    return data


def _labels() -> dict[str, str]:
    return {
        "tax_id": _("Tax id"),
        "page": _("Page {page} of {pages}"),
        "client_code": _("Client id"),
        "creditor": _("Creditor"),
        "debtor": _("Debtor"),
        "invoices": _("Invoices claimed"),
        "invoice": _("Invoice"),
        "issue_date": _("Issue date"),
        "due_date": _("Due date"),
        "total": _("Total"),
        "paid": _("Paid"),
        "balance": _("Balance"),
        "days_overdue": _("Days overdue"),
        "interest": _("Interest"),
        "compensation": _("Compensation for recovery costs"),
        "fees": _("Fees and penalty"),
        "claimed": _("Total claimed"),
        "currency": _("Currency"),
        "basis": _("Legal basis"),
        "timeline": _("Timeline"),
        "date": _("Date"),
        "event": _("What happened"),
        "nothing": _("Nothing recorded."),
        "enclosures": _("Enclosures"),
        "payments": _("Payment history"),
        "amount": _("Amount"),
        "method": _("Method"),
        "reference": _("Reference"),
        "allocated": _("Paid against"),
        "no_payments": _("No payment received."),
    }


def timeline(client: Client, *, on: date) -> list[tuple[date, int, str]]:
    """(day, order, text) of every step, e-mail, contact, promise, plan, dispute, hold and
    work stop of the client up to `on`, oldest first; words in the active language."""
    from owed.dunning.labels import step_label
    from owed.dunning.models import (
        Action,
        Dispute,
        Hold,
        Interaction,
        Plan,
        Promise,
        WorkStop,
    )
    from owed.dunning.selectors import client_actions
    from owed.dunning.summaries import outcome_text, summary_text

    entries: list[tuple[date, int, str]] = []

    def add(day: date | None, order: int, text: str) -> None:
        if day is not None and day <= on:
            entries.append((day, order, text))

    actions = (
        client_actions(organization=client.organization, client=client)
        .filter(status__in=(Action.Status.SENT, Action.Status.DONE))
        .prefetch_related("lines__invoice")
        .order_by("decided_on", "id")
    )
    for action in actions:
        numbers = ", ".join(line.invoice.number for line in action.lines.all())
        text = step_label(action.step)
        if numbers:
            text = _("%(step)s: %(invoices)s") % {"step": text, "invoices": numbers}
        add(action.decided_on, 1, text)
    for message in _sent_messages(client):
        add(message.sent_at.date(), 2, _("E-mail sent: %(subject)s") % {"subject": message.subject})
    for contact in Interaction.objects.filter(client=client).order_by("happened_on", "id"):
        # owed's own summaries in the dossier's language; what someone wrote as written.
        parts = [
            f"{contact.get_channel_display()}, {contact.get_direction_display()}: "
            f"{summary_text(contact)}"
        ]
        if contact.reason:
            parts.append(_("Reason: %(reason)s") % {"reason": contact.get_reason_display()})
        if contact.outcome:
            parts.append(_("Outcome: %(outcome)s") % {"outcome": outcome_text(contact)})
        add(contact.happened_on, 3, " · ".join(parts))
    for promise in Promise.objects.filter(client=client).prefetch_related("invoices"):
        add(
            promise.made_on,
            4,
            _("Promise to pay %(invoices)s by %(date)s (%(status)s)")
            % {
                "invoices": ", ".join(sorted(i.number for i in promise.invoices.all())),
                "date": format_date(promise.until, translation.get_language()),
                "status": promise.get_status_display(),
            },
        )
    for plan in Plan.objects.filter(client=client):
        amount = format_amount(plan.total, plan.currency, translation.get_language())
        add(
            plan.created_on,
            5,
            _("Payment plan of %(amount)s agreed (%(status)s)")
            % {"amount": amount, "status": plan.get_status_display()},
        )
        add(plan.broken_on, 5, _("Payment plan broken"))
    for dispute in Dispute.objects.filter(invoice__client=client).select_related("invoice"):
        number = dispute.invoice.number
        add(
            dispute.opened_on,
            6,
            _("Dispute on %(invoice)s: %(reason)s") % {"invoice": number, "reason": dispute.reason},
        )
        add(
            dispute.resolved_on,
            6,
            _("Dispute on %(invoice)s resolved: %(resolution)s")
            % {"invoice": number, "resolution": dispute.resolution},
        )
    for hold in Hold.objects.filter(client=client):
        add(hold.since, 7, _("Credit hold placed"))
        add(hold.lifted_on, 7, _("Credit hold lifted"))
    for stop in WorkStop.objects.filter(contract__client=client).select_related("contract"):
        code = stop.contract.code
        add(stop.since, 8, _("Work stopped under contract %(contract)s") % {"contract": code})
        add(stop.lifted_on, 8, _("Work resumed under contract %(contract)s") % {"contract": code})
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return entries


def _sent_messages(client: Client):
    from owed.mail.models import Message

    return (
        Message.objects.filter(
            client=client, organization=client.organization, status=Message.Status.SENT
        )
        .exclude(sent_at=None)
        .prefetch_related("attachments")
        .order_by("sent_at", "id")
    )


def payments_data(client: Client, *, on: date, language: str) -> dict[str, Any]:
    """The payment history page: every payment of the client up to `on`, oldest first."""
    code = check_language(language)
    organization = client.organization
    payments = (
        Payment.objects.filter(client=client, date__lte=on)
        .prefetch_related("allocations__invoice")
        .order_by("date", "id")
    )
    with translation.override(code):
        rows = [
            [
                format_date(payment.date, code),
                format_amount(payment.amount, payment.currency, code),
                payment.get_method_display(),
                payment.reference,
                ", ".join(a.invoice.number for a in payment.allocations.all()),
            ]
            for payment in payments
        ]
        return {
            "language": code,
            "part": "payments",
            "title": _("Payment history"),
            "date": _("Prepared on %(date)s") % {"date": format_date(on, code)},
            "labels": _labels(),
            "sender": sender_data(organization, code),
            "client": party_data(client, code, home_country=organization.country),
            "client_code": client.code,
            "payments": rows,
        }


# --- the dossier ------------------------------------------------------------------------------


def dossier_build(
    client: Client,
    *,
    on: date,
    numbers: list[str] | None = None,
    language: str | None = None,
) -> Dossier:
    """The dossier of `client` on `on`, in `language` (default: the organization's)."""
    code = check_language(language or client.organization.language or "en")
    invoices = dossier_invoices(client, on=on, numbers=numbers)
    summary = render_pdf(
        "dossier", _ready(dossier_data(client, invoices, on=on, language=code), code)
    )

    parts_invoices = [
        Part(f"invoices/{safe_name(i.number)}.pdf", invoice_pdf(i, code), i.number)
        for i in invoices
    ]
    letters: list[Part] = []
    emails: list[Part] = []
    messages = list(_sent_messages(client))
    for index, message in enumerate(messages, start=1):
        day = message.sent_at.date().isoformat()
        emails.append(
            Part(
                f"emails/{index:02d}-{day}-{safe_name(message.subject)[:60]}.eml",
                message_eml(message),
                message.subject,
            )
        )
        for attachment in message.attachments.all():
            if _is_pdf(attachment):
                letters.append(
                    Part(
                        f"letters/{index:02d}-{day}-{safe_name(attachment.filename)}",
                        bytes(attachment.content),
                        attachment.filename,
                    )
                )
    payments = Part(
        "payments.pdf",
        render_pdf("dossier", _ready(payments_data(client, on=on, language=code), code)),
        "payments",
    )
    contracts = _contracts(invoices, code)

    writer = PdfWriter()
    for document in (
        [summary]
        + [p.content for p in parts_invoices + letters]
        + [payments.content]
        + [p.content for p in contracts]
    ):
        try:
            writer.append(PdfReader(io.BytesIO(document)))
        except Exception as exc:  # a stored attachment that is not a readable PDF
            raise DocumentError(f"a document of the dossier cannot be read as PDF: {exc}") from None
    writer.add_metadata({"/Title": f"Dossier {client.code}", "/Producer": "owed"})
    out = io.BytesIO()
    writer.write(out)
    return Dossier(
        client=client,
        language=code,
        on=on,
        pdf=out.getvalue(),
        summary_pages=len(PdfReader(io.BytesIO(summary)).pages),
        invoices=parts_invoices,
        letters=letters,
        payments=payments,
        contracts=contracts,
        emails=emails,
    )


def _ready(data: dict[str, Any], language: str) -> dict[str, Any]:
    """`data` with every text made bidi-safe, the part's name kept as the template reads it."""
    return {**bidi_text(data, language), "part": data["part"]}


def _is_pdf(attachment) -> bool:
    return attachment.content_type == "application/pdf" or attachment.filename.lower().endswith(
        ".pdf"
    )


def _contracts(invoices: list[Invoice], language: str) -> list[Part]:
    """The contracts of the invoices as PDF."""
    return [
        Part(f"contracts/{safe_name(c.code)}.pdf", contract_pdf(c, language), c.code)
        for c in contracts_of(invoices)
    ]


def message_eml(message) -> bytes:
    """The message as the .eml file of what was sent: built as delivery builds it, dated
    when it was sent."""
    from owed.mail.delivery import build_email
    from owed.mail.models import MailServer

    organization = message.organization
    server = MailServer.objects.filter(organization=organization).first() or MailServer(
        organization=organization,
        from_address=organization.email or "noreply@localhost",
        from_name=organization.name,
    )
    mail = build_email(message, server)
    if message.sent_at:
        mail.extra_headers["Date"] = format_datetime(message.sent_at)
    return mail.message().as_bytes()


def dossier_zip(dossier: Dossier) -> bytes:
    """The ZIP: the dossier PDF, each invoice, letter and contract, every e-mail as .eml,
    and manifest.txt listing them."""
    files: list[tuple[str, bytes, str]] = [(dossier.file_name, dossier.pdf, "dossier")]
    files += [(p.name, p.content, f"invoice {p.title}") for p in dossier.invoices]
    files += [(p.name, p.content, f"letter {p.title}") for p in dossier.letters]
    files += [(p.name, p.content, f"contract {p.title}") for p in dossier.contracts]
    files += [(p.name, p.content, f"e-mail: {p.title}") for p in dossier.emails]
    client = dossier.client
    manifest = [
        f"Dossier of {client.name} ({client.code}), {client.organization.name}",
        f"Prepared on {dossier.on.isoformat()}, language {dossier.language}",
        "",
    ] + [f"{name}\t{len(content)} bytes\t{what}" for name, content, what in files]
    files.append(("manifest.txt", ("\n".join(manifest) + "\n").encode(), "manifest"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content, _what in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
