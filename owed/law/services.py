"""What a user may charge a late client: interest, fees, penalty and compensation under the
law that governs the invoice, the rate tables with the users' own rows, small-claims
checks on contracts and factoring quotes. The arithmetic is `owed.core`'s; this module
reads the ledger and the rate rows and hands them over.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext

from owed.core import claims, rates
from owed.core.basis import _R_IR_NO_DEMAND, missing_rate
from owed.core.interest import (
    LAWS,
    Basis,
    Caveat,
    CaveatCode,
    InterestError,
    InterestResult,
    Reason,
    check_contract_rate,
    contract_penalty,
    statutory_interest,
    step_fee,
)
from owed.core.localize import (
    LanguageError,
    bidi_safe,
    check_language,
    format_date,
    format_number,
    to_persian_digits,
)
from owed.core.money import percent_of, round_money
from owed.dunning.models import Action
from owed.dunning.snapshot import CONTACTED
from owed.errors import OwedError
from owed.law.models import RateEntry
from owed.ledger.models import Allocation, Client, Contract, Invoice, Milestone

FORMAL_LETTERS = ("formal_notice", "demand_letter")
"""The steps that are formal letters: each charges the contract's late fees once, and the
first is the creditor's demand for payment (Iran, Art. 522, counts from it)."""

# Member states whose late-payment rules owed takes from the Directive's default (DE and
# FR have rules of their own).
EU_STATES = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "GR", "HU", "IE", "IT"),
        *("LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
    }
)

UK_CODES = frozenset({"GB", "UK", "GB-ENG", "GB-WLS", "GB-NIR", "GB-SCT"})


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def say(text: Basis | Caveat | Reason, language: str | None = None) -> str:
    """A basis, warning or reason in `language` (default: the active one): the sentence
    from the catalogues, its dates in the language's calendar and its figures in its
    digits; in Persian, the left-to-right runs (an Act's English title) isolated."""
    language = language or translation.get_language() or "en"
    try:
        language = check_language(language)
    except LanguageError:
        language = "en"
    values = {}
    for key, value in text.values.items():
        if _ISO_DAY.fullmatch(value):
            value = format_date(date.fromisoformat(value), language)
        elif key.endswith("year"):  # a year is written without a thousands separator
            value = to_persian_digits(value) if language == "fa" else value
        elif _NUMBER.fullmatch(value) and language != "en":
            value = format_number(Decimal(value), language)
        values[key] = value
    with translation.override(language):
        sentence = gettext(text.template).format_map(values)
    if language == "fa":
        sentence = sentence.replace("%", "٪")  # the Persian percent sign
    return bidi_safe(sentence, language)


def reason(error: InterestError | rates.UnknownRateError, language: str | None = None) -> str:
    """Why interest cannot be worked out, in `language` (default: the active one), as
    `say` writes a basis: a rate a table lacks, or what the law needs and the debt lacks.
    An error without a translatable reason (input only a program gives) is its English."""
    if isinstance(error, rates.UnknownRateError):
        return say(missing_rate(error.table, error.day), language)
    if error.reason is not None:
        return say(error.reason, language)
    return str(error)


# --- rate tables ---------------------------------------------------------------------------


def rate_tables() -> dict[str, rates.RateTable]:
    """Every rate table: the shipped rows with the users' rows over them."""
    added: dict[str, list[rates.RateRow]] = {name: [] for name in rates.TABLES}
    for entry in RateEntry.objects.all():
        added.setdefault(entry.table, []).append(entry.to_core())
    return {name: rates.load_table(name, rows) for name, rows in added.items()}


def rate_table(name: str) -> rates.RateTable:
    if name not in rates.TABLES:
        raise OwedError(f"no rate table {name!r} (tables: {', '.join(sorted(rates.TABLES))})")
    return rate_tables()[name]


def rate_add(*, table: str, valid_from: date, rate: Decimal, source: str) -> RateEntry:
    """Add (or correct) a rate row; it wins over a shipped row of the same day."""
    if table not in rates.TABLES:
        raise OwedError(f"no rate table {table!r} (tables: {', '.join(sorted(rates.TABLES))})")
    entry = RateEntry(table=table, valid_from=valid_from, rate=rate, source=source.strip())
    try:
        entry.full_clean()
    except ValidationError as exc:
        raise OwedError(_validation_text(exc)) from None
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise OwedError(
            f"{table} already has a rate from {valid_from} that you added; "
            "remove it in the admin first to change it"
        ) from None
    return entry


# --- which law --------------------------------------------------------------------------


def law_for(jurisdiction: str, *, market_rate: Decimal | None = None) -> str:
    """The law key (`owed.core.interest.LAWS`) of a jurisdiction code such as GB, DE,
    US-NY or VN (an ISO country, or country-subdivision for the United States)."""
    code = (jurisdiction or "").strip().upper()
    if code in UK_CODES:
        return "GB"
    if code in EU_STATES:
        return "EU"
    if code == "VN" and market_rate is not None:
        return "VN-COMMERCIAL"
    if code in LAWS:
        return code
    if code == "US":
        raise OwedError(
            gettext("for the United States, name the state: %(examples)s")
            % {"examples": "US-NY, US-CA, US-TX, ..."}
        )
    if not code:
        raise OwedError(
            gettext("the invoice has no governing jurisdiction and its client no country")
        )
    raise OwedError(
        gettext(
            "owed has no late-payment interest rules for %(code)s (it knows %(laws)s and the "
            "EU member states); put an agreed rate on the contract"
        )
        % {"code": code, "laws": ", ".join(LAWS)}
    )


# --- an invoice's charges -------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceCharges:
    """What may be charged on a late invoice on `until`, and why."""

    invoice: Invoice
    until: date
    law: str
    interest: InterestResult
    fees: Decimal
    fee_steps: int
    penalty: Decimal
    warnings: tuple[str, ...]

    @property
    def total_due(self) -> Decimal:
        """What is still owed, interest and compensation included (`interest.outstanding`),
        plus the fees and the penalty: the figure a formal letter claims."""
        return self.interest.outstanding + self.fees + self.penalty


def invoice_charges(
    invoice: Invoice,
    *,
    until: date,
    reference_rate: Decimal | None = None,
    tables: Mapping[str, rates.RateTable] | None = None,
) -> InvoiceCharges:
    """Interest, compensation, fees and penalty on `invoice` up to `until`, under the
    contract's jurisdiction (else the client's country) and the contract's terms.

    `tables` (default: `rate_tables()`, one query) lets a caller looping over invoices
    read the rate tables once."""
    contract: Contract | None = invoice.contract
    client: Client = invoice.client
    jurisdiction = (contract.jurisdiction if contract else "") or client.country
    market_rate = contract.market_rate if contract else None
    law = law_for(jurisdiction, market_rate=market_rate)
    payments = list(
        Allocation.objects.filter(invoice=invoice)
        .values_list("payment__date", "amount")
        .order_by("payment__date", "id")
    )
    # The formal letters taken up to `until`, in one query: the first is the demand, and
    # each distinct one charges the fees.
    letters = list(
        Action.objects.filter(
            invoice=invoice,
            step__in=FORMAL_LETTERS,
            decided_on__lte=until,
            status__in=CONTACTED,
        ).values_list("step", "decided_on")
    )
    demand_on = min((day for _step, day in letters), default=None)
    fee_steps = len({step for step, _day in letters})
    try:
        result = statutory_interest(
            law,
            invoice.total,
            invoice.currency,
            invoice.due_date,
            until,
            debtor="b2c" if client.kind == Client.Kind.INDIVIDUAL else "b2b",
            tables=rate_tables() if tables is None else tables,
            demand_on=demand_on,
            contract_rate=contract.interest_rate if contract else None,
            market_rate=market_rate if law == "VN-COMMERCIAL" else None,
            payments=payments,
            allocation=(contract.allocation_order or None) if contract else None,
            reference_rate=reference_rate,
        )
    except (InterestError, rates.UnknownRateError) as exc:
        message = reason(exc)
        if isinstance(exc, InterestError) and exc.reason and exc.reason.template == _R_IR_NO_DEMAND:
            # The ledger's demand is a formal letter: say which.
            message += " " + gettext(
                "The first formal notice or demand letter sent to the client is the demand."
            )
        raise OwedError(message) from None
    warnings = [say(w) for w in result.warnings]
    # Fees and the penalty are on the invoice's balance on `until` (what the ledger says
    # is unpaid), not on the interest.
    balance = max(invoice.total - sum((a for d, a in payments if d <= until), Decimal(0)), 0)
    fees = Decimal(0)
    if contract and fee_steps and (contract.late_fee or contract.fee_percent):
        each = step_fee(contract.late_fee, contract.fee_percent, balance, invoice.currency)
        fees = round_money(each * fee_steps, invoice.currency)
    penalty = Decimal(0)
    if contract and contract.penalty_percent and law in ("VN", "VN-COMMERCIAL"):
        charged = contract_penalty(balance, invoice.currency, contract.penalty_percent, law=law)
        penalty = charged.amount
        if charged.warning:
            warnings.append(say(charged.warning))
    return InvoiceCharges(
        invoice=invoice,
        until=until,
        law=law,
        interest=result,
        fees=fees,
        fee_steps=fee_steps,
        penalty=penalty,
        warnings=tuple(warnings),
    )


# --- small claims and factoring -------------------------------------------------------------


def contract_warnings(contract: Contract, *, on: date) -> list[str]:
    """What to tell a user saving `contract`: an agreed rate or penalty above the law's
    cap (`contract_cap_warnings`), and amounts too large for the small-claims court
    (`contract_claim_warnings`)."""
    return contract_cap_warnings(contract) + contract_claim_warnings(contract, on=on)


def contract_cap_warnings(contract: Contract) -> list[str]:
    """An agreed interest rate or penalty above what the contract's law allows."""
    try:
        law = law_for(
            contract.jurisdiction or contract.client.country, market_rate=contract.market_rate
        )
    except OwedError:
        return []
    found = []
    if contract.interest_rate is not None:
        check = check_contract_rate(law, contract.interest_rate)
        if check.warning:
            found.append(say(check.warning))
    if contract.penalty_percent and law in ("VN", "VN-COMMERCIAL"):
        penalty = contract_penalty(
            contract.price, contract.currency, contract.penalty_percent, law=law
        )
        if penalty.warning:
            found.append(say(penalty.warning))
    return found


def contract_claim_warnings(contract: Contract, *, on: date) -> list[str]:
    """Warnings for a contract whose payments could not go to the small-claims court of
    its jurisdiction: one per milestone (or for the whole price) above the limit."""
    jurisdiction = (contract.jurisdiction or contract.client.country or "").upper()
    kind = "individual" if contract.client.kind == Client.Kind.INDIVIDUAL else "business"
    amounts: list[tuple[str, Decimal]] = []
    milestones = list(Milestone.objects.filter(contract=contract).order_by("position"))
    for milestone in milestones:
        amount = percent_of(contract.price, milestone.percent, contract.currency)
        amounts.append((milestone.description, amount))
    if not milestones:
        amounts.append((contract.title, contract.price))
    found = []
    for label, amount in amounts:
        try:
            check = claims.check_claim(amount, contract.currency, jurisdiction, on, kind)
        except claims.ClaimError as exc:
            return [str(exc)]  # e.g. a contract in another currency than the court's
        if check.warning and check.warning.code is CaveatCode.ABOVE_LIMIT:
            found.append(f"{label}: {say(check.warning)}")
    return found


def invoice_factoring(invoice: Invoice, *, advance: Decimal, fee: Decimal) -> claims.Quote:
    """What the invoice's open balance would fetch from a factor."""
    paid = Allocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or 0
    balance = invoice.total - paid
    if balance <= 0:
        raise OwedError(f"invoice {invoice.number} has nothing left to pay")
    try:
        return claims.factoring_quote(balance, invoice.currency, advance, fee)
    except (claims.ClaimError, ValueError) as exc:
        raise OwedError(str(exc)) from None


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
