"""How to pay, from the ledger's payment accounts: the account kept for the invoice's
currency (else one kept for any), with the QR code its kind and the currency allow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from owed.core.qr import epc_payload, vietqr_payload
from owed.documents.services import payment_account_for, payment_data
from owed.ledger.services import payment_account_add

pytestmark = pytest.mark.django_db


def _pay(org, amount: str, currency: str, language: str = "en") -> dict | None:
    return payment_data(
        organization=org,
        amount=Decimal(amount),
        currency=currency,
        reference="INV-1",
        language=language,
    )


def test_a_eur_amount_to_a_sepa_account_gets_an_epc_code(studio):
    payment = _pay(studio, "120.50", "EUR")

    expected = epc_payload(
        "Lotus Studio", "DE89370400440532013000", Decimal("120.50"), text="INV-1", bic="COBADEFFXXX"
    )
    assert payment["qr_payload"] == expected
    assert payment["title"] == "Pay by SEPA transfer"
    assert ["IBAN", "DE89 3704 0044 0532 0130 00"] in payment["lines"]


def test_the_account_kept_for_the_currency_comes_before_one_kept_for_any(studio):
    assert payment_account_for(studio, "EUR").iban == "DE89370400440532013000"
    assert payment_account_for(studio, "VND").kind == "vn_bank"
    assert payment_account_for(studio, "GBP").iban == "IR062960000000100324200001"


def test_an_account_outside_sepa_is_shown_as_text_even_for_euros(org):
    payment_account_add(
        organization=org, kind="iban", holder="Lotus", iban="IR062960000000100324200001"
    )

    payment = _pay(org, "10.00", "EUR", "fa")

    assert payment["qr_payload"] is None and payment["qr_svg"] is None
    assert payment["title"] == "پرداخت با انتقال بانکی"


def test_a_vietnamese_account_for_any_currency_carries_vietqr_for_dong_only(org):
    payment_account_add(
        organization=org, kind="vn_bank", holder="LOTUS", bank_bin="970436", account_number="12345"
    )

    dong, dollars = _pay(org, "500000", "VND", "vi"), _pay(org, "20.00", "USD")

    assert dong["qr_payload"] == vietqr_payload("970436", "12345", Decimal(500000), "INV-1")
    assert dollars["qr_payload"] is None
    assert ["Account number", "12345"] in dollars["lines"]


def test_an_iranian_card_and_another_account_are_given_as_text(org):
    payment_account_add(
        organization=org,
        kind="ir_card",
        holder="Lotus",
        account_number="6037991234567893",
        currency="IRR",
    )
    payment_account_add(
        organization=org, kind="other", holder="Lotus", account_number="99-12", currency="THB"
    )

    card, other = _pay(org, "1000000", "IRR"), _pay(org, "10.00", "THB")

    assert card["qr_payload"] is None
    assert ["Card number", "6037 9912 3456 7893"] in card["lines"]
    assert other["qr_payload"] is None
    assert ["Account number", "99-12"] in other["lines"]


def test_no_account_for_the_currency_means_no_payment_block(org):
    payment_account_add(
        organization=org,
        kind="promptpay",
        holder="Lotus",
        promptpay_id="0812345678",
        currency="THB",
    )

    assert _pay(org, "10.00", "USD") is None
    assert _pay(org, "0", "THB") is None
