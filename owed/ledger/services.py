"""Writes to the ledger. Each function is one transaction and checks its input first.

Named `<entity>_<action>`, keyword-only. Errors are `OwedError` with a message for users.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel import Locale
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from owed.core import invoicing
from owed.core.allocation import OpenItem, allocate
from owed.core.identifiers import (
    IdentifierError,
    normalize_bic,
    normalize_iban,
    normalize_iran_card,
    normalize_promptpay_id,
    normalize_vn_bank_account,
)
from owed.core.money import MoneyError, check_currency, is_exact
from owed.errors import OwedError
from owed.ledger import selectors
from owed.ledger.models import (
    Allocation,
    Client,
    Invoice,
    InvoiceLine,
    Language,
    Membership,
    Organization,
    Payment,
    PaymentAccount,
)

LANGUAGES = {choice.value for choice in Language}


def country_code(value: str) -> str:
    """An upper-case ISO 3166 alpha-2 country code, or `OwedError`."""
    code = (value or "").strip().upper()
    territories = Locale("en").territories
    if len(code) != 2 or not code.isalpha() or code not in territories:
        raise OwedError(f"unknown country {value!r} (use a 2-letter ISO code such as VN)")
    return code


def language_code(value: str) -> str:
    code = (value or "").strip().lower()
    if code not in LANGUAGES:
        raise OwedError(f"unknown language {value!r} (use one of {', '.join(sorted(LANGUAGES))})")
    return code


def currency_code(value: str) -> str:
    try:
        return check_currency(value)
    except MoneyError as exc:
        raise OwedError(str(exc)) from None


def organization_create(
    *,
    name: str,
    country: str,
    currency: str,
    language: str = "en",
    timezone: str = "UTC",
    slug: str | None = None,
) -> Organization:
    """Create an organization; its slug (from the name unless given) must be free."""
    name = (name or "").strip()
    if not name:
        raise OwedError("the organization needs a name")
    if timezone not in zoneinfo.available_timezones():
        raise OwedError(f"unknown time zone {timezone!r} (e.g. Asia/Ho_Chi_Minh)")
    slug = slugify(slug or name)
    if not slug:
        raise OwedError(f"cannot make a short name from {name!r}; pass --slug")
    if Organization.objects.filter(slug=slug).exists():
        raise OwedError(f"an organization named {slug!r} already exists")
    return Organization.objects.create(
        name=name,
        slug=slug,
        country=country_code(country),
        currency=currency_code(currency),
        language=language_code(language),
        timezone=timezone,
    )


def organization_resolve(*, slug: str | None) -> Organization:
    """The organization named by `slug`, or the only one there is."""
    if slug:
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            known = ", ".join(Organization.objects.values_list("slug", flat=True)) or "none"
            raise OwedError(f"no organization {slug!r} (known: {known})")
        return org
    orgs = list(Organization.objects.all()[:2])
    if not orgs:
        raise OwedError("no organization yet: run `owed init` (or `owed demo`) first")
    if len(orgs) > 1:
        known = ", ".join(Organization.objects.values_list("slug", flat=True))
        raise OwedError(f"several organizations ({known}): choose one with --org")
    return orgs[0]


def user_add(
    *, organization: Organization, username: str, password: str, role: str = "owner"
) -> None:
    """Create a user (or reset its password) who can work on the organization's ledger.

    Users are staff but not superusers, so the admin shows them only the organizations
    they belong to; a read-only member may view and not change.

    Django's permissions are per user, so they can only be a first gate: the admin then
    checks the user's role in each object's own organization (see `owed.ledger.admin`).
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if role not in Membership.Role.values:
        raise OwedError(f"unknown role {role!r} (use one of {', '.join(Membership.Role.values)})")
    username = (username or "").strip()
    if not username:
        raise OwedError("a user needs a name")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise OwedError(" ".join(exc.messages)) from None
    User = get_user_model()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = True
        user.is_superuser = False
        user.save()
        Membership.objects.update_or_create(
            organization=organization, user=user, defaults={"role": role}
        )
        user_permissions_sync(user=user)


def user_permissions_sync(*, user) -> None:
    """Give the user the admin permissions their memberships call for (after a change)."""
    from django.contrib.auth.models import Permission

    # Admin permissions are per user, not per organization: a user who may change any
    # of their organizations gets change rights, one who is read-only everywhere views.
    # What decides is the admin's check of the role in the object's organization: a
    # user read-only in one organization and member of another only views the first.
    # The other apps' pages too: collections (read-only there), an organization's own
    # texts for the steps, and its mail (server settings and the outbox).
    permissions = Permission.objects.filter(
        content_type__app_label__in=("ledger", "dunning", "documents", "mail")
    )
    if not Membership.objects.filter(user=user).exclude(role=Membership.Role.READ_ONLY).exists():
        permissions = permissions.filter(codename__startswith="view_")
    user.user_permissions.set(permissions)


def payment_account_normalize(*, account: PaymentAccount) -> None:
    """Check and normalize a payment account's numbers in place, by its kind."""
    from django.core.exceptions import ValidationError

    try:
        kind = account.kind
        if kind == PaymentAccount.Kind.IBAN:
            account.iban = normalize_iban(account.iban)
            account.bic = normalize_bic(account.bic)
        elif kind == PaymentAccount.Kind.VN_BANK:
            account.bank_bin, account.account_number = normalize_vn_bank_account(
                account.bank_bin, account.account_number
            )
        elif kind == PaymentAccount.Kind.PROMPTPAY:
            account.promptpay_id = normalize_promptpay_id(account.promptpay_id)
        elif kind == PaymentAccount.Kind.IR_CARD:
            account.account_number = normalize_iran_card(account.account_number)
        elif kind == PaymentAccount.Kind.OTHER and not account.account_number.strip():
            raise IdentifierError("an account number is needed")
    except IdentifierError as exc:
        raise ValidationError(str(exc)) from None


def payment_account_add(*, organization: Organization, **fields: str) -> PaymentAccount:
    """Add a payment account after checking its numbers; `OwedError` when they are wrong."""
    from django.core.exceptions import ValidationError

    account = PaymentAccount(organization=organization, **fields)
    try:
        payment_account_normalize(account=account)
    except ValidationError as exc:
        raise OwedError(exc.messages[0]) from None
    account.save()
    return account


@dataclass(frozen=True, slots=True)
class LineInput:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = Decimal(0)


@transaction.atomic
def invoice_create(
    *,
    organization: Organization,
    client: Client,
    number: str,
    issue_date: date,
    due_date: date,
    currency: str,
    lines: Sequence[LineInput],
    contract=None,
    milestone=None,
) -> Invoice:
    """Create an invoice with its lines; the total is the sum of the rounded lines.

    The client, contract and milestone must all be the organization's own.
    """
    if client.organization_id != organization.id:
        raise OwedError("that client belongs to another organization")
    if contract is not None:
        if contract.organization_id != organization.id:
            raise OwedError(f"contract {contract.code} belongs to another organization")
        if contract.client_id != client.id:
            raise OwedError(f"contract {contract.code} is with another client")
    if milestone is not None and milestone.organization_id != organization.id:
        raise OwedError("that milestone belongs to another organization")
    currency = currency_code(currency)
    if due_date < issue_date:
        raise OwedError(f"due date {due_date} is before the issue date {issue_date}")
    if not lines:
        raise OwedError("an invoice needs at least one line")
    core_lines = [
        invoicing.Line(x.description, x.quantity, x.unit_price, x.tax_rate) for x in lines
    ]
    for line in core_lines:
        if not is_exact(line.unit_price, currency):
            raise OwedError(f"unit price {line.unit_price} is too precise for {currency}")
    if Invoice.objects.filter(organization=organization, number=number).exists():
        raise OwedError(f"invoice {number} already exists")
    invoice = Invoice.objects.create(
        organization=organization,
        client=client,
        contract=contract,
        milestone=milestone,
        number=number,
        issue_date=issue_date,
        due_date=due_date,
        currency=currency,
        total=invoicing.invoice_total(core_lines, currency),
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            organization=organization,
            invoice=invoice,
            position=i,
            description=x.description,
            quantity=x.quantity,
            unit_price=x.unit_price,
            tax_rate=x.tax_rate,
        )
        for i, x in enumerate(lines, start=1)
    )
    return invoice


def _open_balances(invoices: Sequence[Invoice], organization: Organization) -> dict[int, Decimal]:
    rows = selectors.invoices_with_balance(organization=organization).filter(
        pk__in=[inv.pk for inv in invoices]
    )
    return {row.pk: row.balance for row in rows}


@transaction.atomic
def payment_record(
    *,
    organization: Organization,
    client: Client,
    date: date,
    amount: Decimal,
    currency: str,
    invoices: Sequence[Invoice] = (),
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
    key: str | None = None,
) -> Payment:
    """Record a payment and allocate it to `invoices` in order, each up to its balance.

    With no invoices named, the client's open invoices in that currency are paid oldest
    due date first. Whatever is left over stays with the client as credit.
    """
    if client.organization_id != organization.id:
        raise OwedError("that client belongs to another organization")
    currency = currency_code(currency)
    if amount <= 0 or not is_exact(amount, currency):
        raise OwedError(f"amount {amount} is not a positive amount of {currency}")
    targets = list(invoices)
    for invoice in targets:
        if invoice.organization_id != organization.id or invoice.client_id != client.id:
            raise OwedError(f"invoice {invoice.number} is not this client's")
        if invoice.currency != currency:
            raise OwedError(
                f"payment currency {currency} differs from invoice {invoice.number}'s "
                f"{invoice.currency}"
            )
    if not targets:
        targets = list(
            Invoice.objects.filter(
                organization=organization, client=client, currency=currency, written_off_on=None
            ).order_by("due_date", "number")
        )
    # Lock the invoices so two payments recorded at once cannot both take one balance.
    locked = list(
        Invoice.objects.select_for_update().filter(pk__in=[t.pk for t in targets]).order_by("pk")
    )
    balances = _open_balances(locked, organization)
    payment = Payment.objects.create(
        organization=organization,
        client=client,
        key=key or f"manual/{uuid.uuid4().hex}",
        date=date,
        amount=amount,
        currency=currency,
        method=method,
        reference=reference,
    )
    result = allocate(amount, [OpenItem(t.pk, balances.get(t.pk, Decimal(0))) for t in targets])
    Allocation.objects.bulk_create(
        Allocation(organization=organization, payment=payment, invoice_id=a.key, amount=a.amount)
        for a in result.allocations
    )
    # Less is owed now: the collections run looks at these invoices again.
    Invoice.objects.filter(pk__in=[a.key for a in result.allocations]).update(next_step_on=None)
    return payment


def invoice_total_refresh(*, invoice: Invoice) -> Invoice:
    """Set the invoice's total to the sum of its rounded lines (after lines were edited)."""
    lines = [
        invoicing.Line(line.description, line.quantity, line.unit_price, line.tax_rate)
        for line in invoice.lines.all()
    ]
    if lines:
        total = invoicing.invoice_total(lines, invoice.currency)
        if total != invoice.total:
            invoice.total = total
            invoice.save(update_fields=["total"])
    return invoice


@transaction.atomic
def invoice_write_off(*, invoice: Invoice, on: date) -> Invoice:
    """Give up on the invoice's balance: it leaves the receivables but keeps its history."""
    if invoice.written_off_on is not None:
        raise OwedError(f"invoice {invoice.number} was already written off")
    invoice.written_off_on = on
    invoice.save(update_fields=["written_off_on"])
    return invoice
