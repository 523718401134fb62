"""The papers around the invoices: the contract (playbook P3), the payment plan agreement
(L5), the receipt of a payment (P8) and the statement of account.

Each is written in the client's language (or the one given): words from the catalogues
under `translation.override`, dates and amounts from `owed.core.localize`, and in Persian
every left-to-right run isolated with `bidi_text`. `*_data` gathers what a page shows as
text; `*_pdf` prints it. The plan agreement and the receipt are letters (`letter.typ`);
the contract and the statement have templates of their own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from babel import Locale
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from owed.core.localize import (
    LOCALES,
    check_language,
    format_amount,
    format_date,
    format_number,
    format_percent,
)
from owed.core.money import round_money
from owed.documents import texts
from owed.documents.pdf import render_pdf
from owed.documents.services import (
    _common_labels,
    _plain,
    bidi_text,
    letter_data,
    party_data,
    sender_data,
)
from owed.ledger.models import Allocation, Client, Contract, Invoice, Payment

# How far back a statement lists the client's payments.
RECENT_PAYMENTS_DAYS: Final = 90

# The line a party signs on, and the date next to it.
_BLANK: Final = "______________________"


def _language(client: Client, language: str | None) -> str:
    return check_language(language or client.language or client.organization.language or "en")


# The US states whose late-payment law owed knows (owed.law), as each language names them
# in "the law of ..." and "the courts of ...": en, vi, fa, th.
_US_STATES: Final = {
    "NY": ("New York", "New York", "نیویورک", "นิวยอร์ก"),
    "CA": ("California", "California", "کالیفرنیا", "แคลิฟอร์เนีย"),
    "TX": ("Texas", "Texas", "تگزاس", "เท็กซัส"),
    "IL": ("Illinois", "Illinois", "ایلینوی", "อิลลินอยส์"),
    "MA": ("Massachusetts", "Massachusetts", "ماساچوست", "แมสซาชูเซตส์"),
    "FL": ("Florida", "Florida", "فلوریدا", "ฟลอริดา"),
}
_STATE_OF: Final = {
    "en": "the State of {state}",
    "vi": "bang {state}, Hoa Kỳ",
    "fa": "ایالت {state}، ایالات متحده",
    "th": "รัฐ{state} สหรัฐอเมริกา",
}
_LANGUAGE_INDEX: Final = {"en": 0, "vi": 1, "fa": 2, "th": 3}

# English country names read with "the" before them: "the law of the United Kingdom".
_THE_NAMES: Final = frozenset(
    {"Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives", "Seychelles", "Comoros"}
)


def jurisdiction_name(code: str, language: str) -> str:
    """A jurisdiction (GB, US-CA, VN) as the language names it inside a sentence, after
    "the law of" or "the courts of": "the United Kingdom", "Vietnam", "the State of
    California"; a subdivision owed does not know is the country with its code after it
    ("the United States (WA)")."""
    code_language = check_language(language)
    country, _sep, part = (code or "").upper().partition("-")
    if not country:
        return ""
    if country == "US" and part in _US_STATES:
        state = _US_STATES[part][_LANGUAGE_INDEX[code_language]]
        if code_language == "en" and part == "MA":
            return "the Commonwealth of Massachusetts"
        return _STATE_OF[code_language].format(state=state)
    name = Locale.parse(LOCALES[code_language]).territories.get(country, country)
    if code_language == "en" and (
        name.startswith("United ") or name.endswith((" Islands", " Republic")) or name in _THE_NAMES
    ):
        name = f"the {name}"
    return f"{name} ({part})" if part else name


# --- the contract (P3) --------------------------------------------------------------------


def contract_data(
    contract: Contract, language: str | None = None, *, on: date | None = None
) -> dict[str, Any]:
    """What the contract PDF shows, in `language` (default: the client's). The
    small-claims and cap warnings of `owed.law` (worked out on `on`, default the
    organization's today) are a note for the business, not a clause."""
    from owed.law.services import contract_warnings

    client = contract.client
    organization = contract.organization
    code = _language(client, language)
    currency = contract.currency
    day = on or organization.today()

    def money(amount: Decimal) -> str:
        return format_amount(amount, currency, code)

    def percent(value: Decimal) -> str:
        return format_percent(_plain(value), code)

    milestones = list(contract.milestones.order_by("position", "id"))
    changes = list(contract.change_orders.order_by("agreed_on", "id"))
    jurisdiction = contract.jurisdiction or client.country
    with translation.override(code):
        place = jurisdiction_name(jurisdiction, code) if jurisdiction else ""
        law = (
            _("the law of %(jurisdiction)s") % {"jurisdiction": place}
            if place
            else _("the applicable law")
        )
        sections: list[dict[str, Any]] = []

        def section(heading: str, paragraphs: list[str], table=None) -> None:
            sections.append({"heading": heading, "paragraphs": paragraphs, "table": table})

        section(
            _("Parties"),
            [
                _(
                    "This contract is made between %(provider)s (the provider) and "
                    "%(client)s (the client)."
                )
                % {"provider": organization.name, "client": client.name}
            ],
        )
        scope = [contract.title, *[x for x in contract.scope.splitlines() if x.strip()]]
        if contract.starts_on:
            scope.append(
                _("The work starts on %(date)s.") % {"date": format_date(contract.starts_on, code)}
            )
        ends_on = next((c.new_ends_on for c in reversed(changes) if c.new_ends_on), None)
        ends_on = ends_on or contract.ends_on
        if ends_on:
            scope.append(_("The work ends on %(date)s.") % {"date": format_date(ends_on, code)})
        for change in changes:
            scope.append(
                _("Change agreed on %(date)s: %(description)s")
                % {"date": format_date(change.agreed_on, code), "description": change.description}
            )
        section(_("Scope of the work"), scope)

        changed = sum((c.price_change for c in changes), Decimal(0))
        basis = {
            Contract.PriceBasis.FIXED: _("The price is %(price)s, a fixed price."),
            Contract.PriceBasis.HOUR: _("The price is %(price)s per hour."),
            Contract.PriceBasis.DAY: _("The price is %(price)s per day."),
            Contract.PriceBasis.ITEM: _("The price is %(price)s per item."),
        }[Contract.PriceBasis(contract.price_basis)]
        price = [basis % {"price": money(contract.price)}]
        if changed:
            price.append(
                _("With the agreed changes, the price is %(price)s.")
                % {"price": money(contract.price + changed)}
            )
        table = None
        if milestones:
            price.append(_("The price is paid as follows:"))
            table = {
                "headers": ["#", _("Milestone"), _("When due"), _("Amount")],
                "numeric": [0, 3],
                "rows": [
                    [
                        format_number(i, code),
                        m.description,
                        _milestone_due(m, code),
                        _milestone_amount(m, contract, money, percent),
                    ]
                    for i, m in enumerate(milestones, start=1)
                ],
            }
        section(_("Price and payment schedule"), price, table)

        terms = [_("Invoices are paid in %(currency)s.") % {"currency": currency}]
        if contract.payment_methods:
            terms.append(_("Payment methods: %(methods)s.") % {"methods": contract.payment_methods})
        terms.append(_("Each invoice is paid by the due date it states."))
        if contract.grace_days:
            terms.append(
                ngettext(
                    "A payment received within %(days)s day after its due date is on time.",
                    "A payment received within %(days)s days after its due date is on time.",
                    contract.grace_days,
                )
                % {"days": format_number(contract.grace_days, code)}
            )
        section(_("Payment terms"), terms)

        late = [
            _("Late payments bear interest of %(rate)s a year from the due date until paid.")
            % {"rate": percent(contract.interest_rate)}
            if contract.interest_rate
            else _("Late payments bear interest as %(law)s provides, from the due date until paid.")
            % {"law": law}
        ]
        if contract.late_fee:
            late.append(
                _("A fixed fee of %(fee)s is charged with each formal notice and demand letter.")
                % {"fee": money(contract.late_fee)}
            )
        if contract.fee_percent:
            late.append(
                _(
                    "A fee of %(percent)s of the balance is charged with each formal notice "
                    "and demand letter."
                )
                % {"percent": percent(contract.fee_percent)}
            )
        if contract.penalty_percent:
            late.append(
                _("A late payment also costs a penalty of %(percent)s of the late amount.")
                % {"percent": percent(contract.penalty_percent)}
            )
        section(_("Late payment"), late)

        if contract.work_stop_grace_days is not None:
            section(
                _("Stopping the work"),
                [
                    ngettext(
                        "If a payment is more than %(days)s day late, the provider may stop "
                        "the work after written notice until it is paid; the dates of the "
                        "work move by the time lost.",
                        "If a payment is more than %(days)s days late, the provider may stop "
                        "the work after written notice until it is paid; the dates of the "
                        "work move by the time lost.",
                        contract.work_stop_grace_days,
                    )
                    % {"days": format_number(contract.work_stop_grace_days, code)}
                ],
            )
        section(
            _("Intellectual property"),
            [
                _(
                    "The rights in the work pass to the client once the price is paid in "
                    "full. Until then the client may use the work only to review it."
                )
            ],
        )
        section(
            _("Confidentiality"),
            [
                _(
                    "Each party keeps the other's confidential information secret and uses "
                    "it only for this contract."
                )
            ],
        )
        section(
            _("Termination"),
            [
                _(
                    "Either party may end this contract by written notice if the other "
                    "seriously breaches it and does not put it right within 14 days. The "
                    "client pays for the work done until the end."
                )
            ],
        )
        section(
            _("Disputes"),
            [
                _(
                    "This contract is governed by %(law)s. The parties first try to settle "
                    "a dispute between themselves; failing that, the courts of "
                    "%(jurisdiction)s decide."
                )
                % {"law": law, "jurisdiction": place}
                if place
                else _(
                    "The parties first try to settle a dispute between themselves; failing "
                    "that, the competent courts decide."
                )
            ],
        )
        warnings = contract_warnings(contract, on=day)
        dates = [[_("Contract id"), contract.code]]
        if contract.signed_on:
            dates.append([_("Signed on"), format_date(contract.signed_on, code)])
        data = {
            "language": code,
            "title": _("Contract %(code)s") % {"code": contract.code},
            "labels": {
                **_common_labels(),
                "document": _("Contract"),
                "provider": _("Provider"),
                "client": _("Client"),
                "signed_for": _("Signed for %(party)s"),
                "date": _("Date"),
            },
            "sender": sender_data(organization, code),
            "provider": {**party_data_of_org(organization), "role": _("Provider")},
            "client": {
                **party_data(client, code, home_country=organization.country),
                "role": _("Client"),
            },
            "heading": {"title": contract.title, "lines": dates},
            "sections": [
                {**s, "heading": f"{format_number(i, code)}. {s['heading']}"}
                for i, s in enumerate(sections, start=1)
            ],
            "note": (
                {
                    "title": _("Note for %(name)s, not part of the contract")
                    % {"name": organization.name},
                    "lines": warnings,
                }
                if warnings
                else None
            ),
            "signatures": [
                _("Signed for %(party)s") % {"party": organization.name},
                _("Signed for %(party)s") % {"party": client.name},
            ],
        }
    return bidi_text(data, code)


def contract_pdf(
    contract: Contract, language: str | None = None, *, on: date | None = None
) -> bytes:
    """The contract as a PDF in `language` (default: the client's)."""
    return render_pdf("contract", contract_data(contract, language, on=on))


def contracts_of(invoices) -> list[Contract]:
    """The contracts `invoices` are billed under, each once, in invoice order."""
    found: dict[int, Contract] = {}
    for invoice in invoices:
        if invoice.contract_id and invoice.contract_id not in found:
            found[invoice.contract_id] = invoice.contract
    return list(found.values())


def party_data_of_org(organization) -> dict[str, Any]:
    """The organization as a party block shows it."""
    return {
        "name": organization.name,
        "address": [x.strip() for x in organization.address.splitlines() if x.strip()],
        "tax_id": organization.tax_id,
        "attention": "",
    }


def _milestone_due(milestone, code: str) -> str:
    rule = milestone.DueRule
    if milestone.due_rule == rule.ON_DATE and milestone.due_on:
        return format_date(milestone.due_on, code, "short")
    if milestone.due_rule == rule.DAYS_AFTER_INVOICE and milestone.due_days is not None:
        return ngettext(
            "%(days)s day after the invoice", "%(days)s days after the invoice", milestone.due_days
        ) % {"days": format_number(milestone.due_days, code)}
    if milestone.due_rule == rule.ON_SIGNING:
        return _("On signing")
    return _("On completion")


def _milestone_amount(milestone, contract: Contract, money, percent) -> str:
    if milestone.amount is not None:
        return money(milestone.amount)
    amount = round_money(contract.price * milestone.percent / 100, contract.currency)
    return f"{money(amount)} ({percent(milestone.percent)})"


# --- the payment plan agreement (L5) ------------------------------------------------------


def plan_agreement_data(plan, language: str | None = None) -> dict[str, Any]:
    """The payment plan agreement as letter data (see `letter_data`): the instalments
    with their due dates and amounts, the grace days, what a missed instalment does."""
    client = plan.client
    organization = plan.organization
    code = _language(client, language)
    currency = plan.currency
    instalments = list(plan.instalments.order_by("number"))
    numbers = [i.number for i in plan.invoices.order_by("due_date", "id")]

    def money(amount: Decimal) -> str:
        return format_amount(amount, currency, code)

    total = sum((i.amount for i in instalments), Decimal(0))
    part = texts.parts(code)
    with translation.override(code):
        grace = format_number(plan.grace_days, code)
        paragraphs = [
            ngettext(
                "This letter records the payment plan agreed on %(date)s for invoice "
                "%(invoices)s: its balance of %(total)s is paid in %(count)s instalment "
                "instead of at once.",
                "This letter records the payment plan agreed on %(date)s for invoices "
                "%(invoices)s: their balance of %(total)s is paid in %(count)s instalments "
                "instead of at once.",
                len(instalments),
            )
            % {
                "date": format_date(plan.created_on, code),
                "invoices": ", ".join(numbers),
                "total": money(total),
                "count": format_number(len(instalments), code),
            },
            _("Each instalment is paid by its due date, as the table below sets out.")
            + " "
            + ngettext(
                "A payment received within %(days)s day after a due date is on time.",
                "A payment received within %(days)s days after a due date is on time.",
                plan.grace_days,
            )
            % {"days": grace},
            ngettext(
                "If an instalment is still unpaid %(days)s day after its due date, the plan "
                "ends: the whole remaining balance is due at once and collection resumes, "
                "with the interest and costs the contract or the law allows.",
                "If an instalment is still unpaid %(days)s days after its due date, the plan "
                "ends: the whole remaining balance is due at once and collection resumes, "
                "with the interest and costs the contract or the law allows.",
                plan.grace_days,
            )
            % {"days": grace},
            _(
                "While the instalments are paid, we take no other collection steps on these invoices."
            ),
            _("Please sign this letter and return a copy to us."),
            f"{_('Signed for %(party)s') % {'party': client.name}}: {_BLANK}    "
            f"{_('Date')}: {_BLANK}",
        ]
        remaining = total
        rows = []
        for instalment in instalments:
            remaining -= instalment.amount
            rows.append(
                {
                    "number": format_number(instalment.number, code),
                    "due_date": format_date(instalment.due_date, code, "short"),
                    "days_overdue": money(instalment.amount),
                    "balance": money(remaining),
                }
            )
        data = {
            "language": code,
            "sender": sender_data(organization, code),
            "recipient": party_data(client, code, home_country=organization.country),
            "date": format_date(plan.created_on, code),
            "subject": _("Payment plan agreement"),
            "reference": ", ".join(numbers) or client.code,
            "paragraphs": paragraphs,
            "invoices": rows,
            "invoices_total": money(total),
            "labels": {
                "invoice": _("Instalment"),
                "due_date": _("Due date"),
                "days_overdue": _("Amount"),
                "balance": _("Remaining after"),
            },
            "closing": part["closing"],
            "signature": {"name": organization.name},
        }
    return letter_data(data)


def plan_agreement_pdf(plan, language: str | None = None) -> bytes:
    """The payment plan agreement as a PDF in `language` (default: the client's)."""
    return render_pdf("letter", plan_agreement_data(plan, language))


# --- the receipt (P8) ---------------------------------------------------------------------


def receipt_data(
    payment: Payment, language: str | None = None, *, on: date | None = None
) -> dict[str, Any]:
    """The receipt of `payment` as letter data: its date, amount, method and reference,
    the invoices it paid and what remains on them; dated `on` (default: today)."""
    client = payment.client
    organization = payment.organization
    code = _language(client, language)
    currency = payment.currency
    day = on or organization.today()

    def money(amount: Decimal) -> str:
        return format_amount(amount, currency, code)

    allocations = list(
        payment.allocations.select_related("invoice").order_by("invoice__due_date", "invoice_id")
    )
    paid = _paid_by_invoice([a.invoice_id for a in allocations])
    allocated = sum((a.amount for a in allocations), Decimal(0))
    remaining = Decimal(0)
    rows = []
    part = texts.parts(code)
    with translation.override(code):
        for allocation in allocations:
            invoice = allocation.invoice
            left = max(invoice.total - paid.get(invoice.pk, Decimal(0)), Decimal(0))
            remaining += left
            rows.append(
                {
                    "number": invoice.number,
                    "due_date": format_date(invoice.due_date, code, "short"),
                    "days_overdue": format_amount(allocation.amount, invoice.currency, code),
                    "balance": format_amount(left, invoice.currency, code),
                }
            )
        method = str(Payment.Method(payment.method).label)
        first = _("We received your payment of %(amount)s on %(date)s by %(method)s.") % {
            "amount": money(payment.amount),
            "date": format_date(payment.date, code),
            "method": method.lower() if code == "en" else method,
        }
        if payment.reference:
            first += " " + _("Its reference: %(reference)s.") % {"reference": payment.reference}
        paragraphs = [first + " " + _("Thank you.")]
        if rows:
            paragraphs.append(_("It paid the invoices below."))
        if payment.amount > allocated:
            paragraphs.append(
                _("%(amount)s of it is not yet set against an invoice and stays to your credit.")
                % {"amount": money(payment.amount - allocated)}
            )
        if rows and remaining <= 0:
            paragraphs.append(_("These invoices are now paid in full."))
        elif rows:
            paragraphs.append(
                _("Still to pay on these invoices: %(amount)s.") % {"amount": money(remaining)}
            )
        data = {
            "language": code,
            "sender": sender_data(organization, code),
            "recipient": party_data(client, code, home_country=organization.country),
            "date": format_date(day, code),
            "subject": _("Receipt for your payment of %(amount)s")
            % {"amount": money(payment.amount)},
            "title": _("Receipt %(key)s") % {"key": payment.key or payment.pk},
            "reference": payment.key or str(payment.pk),
            "paragraphs": paragraphs,
            "invoices": rows,
            "labels": {
                "days_overdue": _("Paid"),
                "balance": _("Remaining"),
                "total": _("Still to pay"),
            },
            "closing": part["closing"],
            "signature": {"name": organization.name},
        }
        if len(rows) > 1 and len({a.invoice.currency for a in allocations}) == 1:
            data["invoices_total"] = money(remaining)
    return letter_data(data)


def receipt_pdf(payment: Payment, language: str | None = None, *, on: date | None = None) -> bytes:
    """The receipt of `payment` as a PDF in `language` (default: the client's)."""
    return render_pdf("letter", receipt_data(payment, language, on=on))


def _paid_by_invoice(invoice_ids, *, until: date | None = None) -> dict[int, Decimal]:
    rows = Allocation.objects.filter(invoice_id__in=invoice_ids)
    if until is not None:
        rows = rows.filter(payment__date__lte=until)
    return dict(rows.values("invoice").annotate(s=Sum("amount")).values_list("invoice", "s"))


# --- the statement of account -------------------------------------------------------------


def statement_data(client: Client, as_of: date, language: str | None = None) -> dict[str, Any]:
    """The statement of `client`'s account on `as_of`: the invoices open that day (issued,
    not written off, with a balance after the payments received by then) with their due
    dates, days overdue and balances; the totals per currency, and what is overdue; the
    payments of the last `RECENT_PAYMENTS_DAYS` days."""
    organization = client.organization
    code = _language(client, language)
    invoices = list(
        Invoice.objects.filter(organization=organization, client=client, issue_date__lte=as_of)
        .exclude(written_off_on__lte=as_of)
        .order_by("due_date", "id")
    )
    paid = _paid_by_invoice([i.pk for i in invoices], until=as_of)
    rows = []
    due: dict[str, Decimal] = defaultdict(Decimal)
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        balance = invoice.total - paid.get(invoice.pk, Decimal(0))
        if balance <= 0:
            continue
        late = (as_of - invoice.due_date).days
        due[invoice.currency] += balance
        if late > 0:
            overdue[invoice.currency] += balance
        rows.append(
            [
                invoice.number,
                format_date(invoice.issue_date, code, "short"),
                format_date(invoice.due_date, code, "short"),
                format_number(max(late, 0), code),
                format_amount(invoice.total, invoice.currency, code),
                format_amount(balance, invoice.currency, code),
            ]
        )
    payments = Payment.objects.filter(
        organization=organization,
        client=client,
        date__lte=as_of,
        date__gt=as_of - timedelta(days=RECENT_PAYMENTS_DAYS),
    ).order_by("-date", "-id")
    with translation.override(code):
        totals: list[list[str]] = []
        stressed: list[int] = []
        for currency in sorted(due):
            stressed.append(len(totals))
            totals.append(
                [
                    _("Balance due (%(currency)s)") % {"currency": currency},
                    format_amount(due[currency], currency, code),
                ]
            )
            if overdue[currency]:
                totals.append(
                    [_("of which overdue"), format_amount(overdue[currency], currency, code)]
                )
        data = {
            "language": code,
            "title": _("Statement of account %(client)s") % {"client": client.code},
            "labels": {
                **_common_labels(),
                "document": _("Statement of account"),
                "as_of": _("As of"),
                "client_code": _("Client id"),
                "to": _("To"),
                "open": _("Open invoices"),
                "none_open": _("No invoice is open. Thank you."),
                "invoice": _("Invoice"),
                "issue_date": _("Issue date"),
                "due_date": _("Due date"),
                "days_overdue": _("Days overdue"),
                "total": _("Total"),
                "balance": _("Balance"),
                "payments": ngettext(
                    "Payments of the last %(days)s day",
                    "Payments of the last %(days)s days",
                    RECENT_PAYMENTS_DAYS,
                )
                % {"days": format_number(RECENT_PAYMENTS_DAYS, code)},
                "date": _("Date"),
                "method": _("Method"),
                "reference": _("Reference"),
                "amount": _("Amount"),
            },
            "sender": sender_data(organization, code),
            "client": party_data(client, code, home_country=organization.country),
            "statement": {"as_of": format_date(as_of, code), "client_code": client.code},
            "invoices": rows,
            "totals": totals,
            "stressed": stressed,
            "payments": [
                [
                    format_date(p.date, code, "short"),
                    str(Payment.Method(p.method).label),
                    p.reference,
                    format_amount(p.amount, p.currency, code),
                ]
                for p in payments
            ],
        }
    return bidi_text(data, code)


def statement_pdf(client: Client, as_of: date, language: str | None = None) -> bytes:
    """The statement of account as a PDF in `language` (default: the client's)."""
    return render_pdf("statement", statement_data(client, as_of, language))
