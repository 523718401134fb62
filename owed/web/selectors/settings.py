"""Reads for the settings pages: the payment accounts with what each is used for and its
QR code for a sample amount, the members with their roles, the mail server."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.utils.translation import gettext as _

from owed.core.identifiers import IdentifierError, check_iban
from owed.core.qr import QRError, epc_payload, promptpay_payload, vietqr_payload
from owed.ledger.models import Membership, Organization, PaymentAccount
from owed.mail.models import MailServer

# The one currency each kind's QR code carries (an IBAN's, EPC, in the SEPA zone only);
# the same rule the letters follow (`owed.documents.services.payment_block`).
QR_CURRENCY: Final = {
    PaymentAccount.Kind.VN_BANK: "VND",
    PaymentAccount.Kind.PROMPTPAY: "THB",
    PaymentAccount.Kind.IBAN: "EUR",
}
SAMPLE_AMOUNTS: Final = {
    "VND": Decimal(1_500_000),
    "THB": Decimal("1500.00"),
    "EUR": Decimal("150.00"),
}
SAMPLE_REFERENCE: Final = "INV-0001"


@dataclass(frozen=True, slots=True)
class QrSample:
    """The QR code a letter would print for this account, asking for a sample amount;
    `payload` is empty and `reason` says why when no code fits."""

    payload: str = ""
    amount: Decimal | None = None
    currency: str = ""
    reference: str = SAMPLE_REFERENCE
    reason: str = ""

    @property
    def version(self) -> str:
        """A short digest of the payload for the image's address, so that a changed
        account's image is fetched again rather than taken from the browser's cache."""
        return hashlib.sha256(self.payload.encode()).hexdigest()[:12] if self.payload else ""


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: PaymentAccount
    used_for: str
    """The currency letters ask clients to pay into this account: its own currency when
    it is the first account kept for it, "*" when it is the first kept for any currency
    (then for every currency without an account of its own), "" when an earlier account
    takes its place."""
    qr: QrSample
    number: str
    """The account's number as a reader writes it (an IBAN in groups of four)."""


def qr_sample(account: PaymentAccount) -> QrSample:
    currency = QR_CURRENCY.get(account.kind)
    if currency is None:
        return QrSample(
            reason=_("No QR code standard fits this kind of account: letters show it as text.")
        )
    if account.currency and account.currency != currency:
        return QrSample(
            reason=_(
                "Its QR code would carry %(qr)s only, and the account is kept for %(currency)s: "
                "letters show it as text."
            )
            % {"qr": currency, "currency": account.currency}
        )
    amount = SAMPLE_AMOUNTS[currency]
    try:
        if account.kind == PaymentAccount.Kind.VN_BANK:
            payload = vietqr_payload(
                account.bank_bin, account.account_number, amount, SAMPLE_REFERENCE
            )
        elif account.kind == PaymentAccount.Kind.PROMPTPAY:
            payload = promptpay_payload(account.promptpay_id, amount)
        else:
            payload = epc_payload(
                account.holder, account.iban, amount, text=SAMPLE_REFERENCE, bic=account.bic or None
            )
    except QRError as exc:
        return QrSample(
            reason=_("No QR code for this account (%(why)s): letters show it as text.")
            % {"why": exc}
        )
    return QrSample(payload=payload, amount=amount, currency=currency)


def account_number(account: PaymentAccount) -> str:
    """The account's number as a reader writes it: an IBAN or card in groups of four."""
    if account.kind == PaymentAccount.Kind.IBAN:
        try:
            return check_iban(account.iban).formatted
        except IdentifierError:
            return account.iban
    if account.kind == PaymentAccount.Kind.PROMPTPAY:
        return account.promptpay_id
    if account.kind == PaymentAccount.Kind.IR_CARD:
        digits = account.account_number
        return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    return account.account_number


def payment_accounts(*, organization: Organization) -> list[AccountRow]:
    """The organization's accounts in the order letters pick them (oldest first)."""
    accounts = list(PaymentAccount.objects.filter(organization=organization).order_by("id"))
    first: dict[str, int] = {}
    for account in accounts:
        first.setdefault(account.currency or "*", account.pk)
    return [
        AccountRow(
            account=account,
            used_for=(account.currency or "*")
            if first[account.currency or "*"] == account.pk
            else "",
            qr=qr_sample(account),
            number=account_number(account),
        )
        for account in accounts
    ]


def payment_account_of(*, organization: Organization, pk: int) -> PaymentAccount | None:
    return PaymentAccount.objects.filter(organization=organization, pk=pk).first()


def members(*, organization: Organization) -> list[Membership]:
    return list(
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__username")
    )


def membership_of(*, organization: Organization, pk: int) -> Membership | None:
    return (
        Membership.objects.filter(organization=organization, pk=pk).select_related("user").first()
    )


def mail_server_of(*, organization: Organization) -> MailServer | None:
    return MailServer.objects.filter(organization=organization).first()
