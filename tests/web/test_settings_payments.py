"""Payment details: an owner adds, changes and deletes the accounts clients pay into; each
number is checked with a message on its field; each account's QR code is previewed for a
sample amount, as letters print it; another organization's accounts are not there."""

from __future__ import annotations

from decimal import Decimal

import pytest

from owed.core.qr import epc_payload, promptpay_payload, qr_svg, vietqr_payload
from owed.ledger.models import PaymentAccount
from owed.ledger.services import payment_account_add
from tests.web.settings_pages import forms_in

pytestmark = pytest.mark.django_db

VIETCOMBANK = {
    "kind": "vn_bank",
    "label": "Vietcombank VND",
    "holder": "CONG TY LOTUS",
    "bank_name": "Vietcombank",
    "bank_bin": "970436",
    "account_number": "0071000123456",
    "currency": "VND",
}
SHEBA = "IR062960000000100324200001"


def add(web, **fields):
    return web.post("/settings/payment/add/", fields)


def test_an_owner_adds_a_vietqr_account_and_sees_its_qr_code(web, org):
    response = add(web, **VIETCOMBANK)
    account = PaymentAccount.objects.get(organization=org)
    assert response.status_code == 302
    assert response["Location"] == f"/settings/payment/{account.pk}/"
    assert (account.bank_bin, account.account_number) == ("970436", "0071000123456")
    page = web.get(response["Location"]).content.decode()
    assert "Payment account added" in page
    assert f'src="/settings/payment/{account.pk}/qr.svg?v=' in page
    assert "1.500.000" in page or "1,500,000" in page  # the sample amount
    image = web.get(f"/settings/payment/{account.pk}/qr.svg")
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    payload = vietqr_payload("970436", "0071000123456", Decimal(1_500_000), "INV-0001")
    assert image.content.decode() == qr_svg(payload)


def test_the_preview_is_the_qr_code_a_letter_prints_for_the_same_amount(web, org):
    from owed.documents.services import payment_data
    from owed.web.selectors.settings import SAMPLE_REFERENCE, qr_sample

    add(web, **VIETCOMBANK)
    account = PaymentAccount.objects.get(organization=org)
    sample = qr_sample(account)
    letter = payment_data(
        organization=org,
        amount=sample.amount,
        currency="VND",
        reference=SAMPLE_REFERENCE,
        language="en",
    )
    assert letter["qr_payload"] == sample.payload


def test_a_promptpay_account_gets_a_promptpay_code(web, org):
    response = add(web, kind="promptpay", holder="Lotus Co", promptpay_id="081-234-5678")
    assert response.status_code == 302
    account = PaymentAccount.objects.get(organization=org)
    assert account.promptpay_id == "0812345678"
    image = web.get(f"/settings/payment/{account.pk}/qr.svg").content.decode()
    assert image == qr_svg(promptpay_payload("0812345678", Decimal("1500.00")))


def test_a_sepa_iban_gets_an_epc_code_and_a_sheba_number_none(web, org):
    add(web, kind="iban", holder="Lotus GmbH", iban="DE89 3704 0044 0532 0130 00", currency="EUR")
    add(web, kind="iban", holder="Lotus Tehran", iban=SHEBA, currency="IRR")
    german, iranian = PaymentAccount.objects.filter(organization=org).order_by("id")
    assert german.iban == "DE89370400440532013000"
    image = web.get(f"/settings/payment/{german.pk}/qr.svg").content.decode()
    payload = epc_payload(
        "Lotus GmbH", "DE89370400440532013000", Decimal("150.00"), text="INV-0001"
    )
    assert image == qr_svg(payload)
    assert web.get(f"/settings/payment/{iranian.pk}/qr.svg").status_code == 404
    assert "IR06 2960 0000 0010 0324 2000 01" in web.get("/settings/payment/").content.decode()
    page = web.get(f"/settings/payment/{iranian.pk}/").content.decode()
    assert "letters show it as text" in page


def test_a_sheba_number_typed_with_persian_digits_and_without_ir_is_read(web, org):
    digits = SHEBA[2:].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = add(web, kind="iban", holder="لوتوس", iban=digits)
    assert response.status_code == 302
    assert PaymentAccount.objects.get(organization=org).iban == SHEBA


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        (
            {"kind": "iban", "iban": "DE89370400440532013001"},
            "iban",
            "The check digits (the 3rd and 4th characters) do not match",
        ),
        (
            {"kind": "iban", "iban": "DE8937040044053201300"},
            "iban",
            "An IBAN from DE has 22 characters; this one has 21.",
        ),
        ({"kind": "iban", "iban": "XX89370400440532013000"}, "iban", "XX is not one"),
        ({"kind": "iban", "iban": ""}, "iban", "Give the IBAN or Sheba number."),
        (
            {"kind": "iban", "iban": SHEBA[:-1] + "2"},
            "iban",
            "The check digits (the 3rd and 4th characters) do not match",
        ),
        (
            {"kind": "iban", "iban": SHEBA, "bic": "NOTABIC"},
            "bic",
            "This is not a valid BIC (8 or 11 letters and digits).",
        ),
        (
            {"kind": "vn_bank", "bank_bin": "97043", "account_number": "123"},
            "bank_bin",
            "A bank BIN is 6 digits, e.g. 970436.",
        ),
        (
            {"kind": "vn_bank", "bank_bin": "970436", "account_number": "0071-0001-2345-6789-0123"},
            "account_number",
            "An account number is 1 to 19 letters or digits.",
        ),
        (
            {"kind": "vn_bank", "bank_bin": "", "account_number": "1"},
            "bank_bin",
            "Give the bank&#x27;s 6-digit BIN",
        ),
        (
            {"kind": "promptpay", "promptpay_id": "1234567890124"},
            "promptpay_id",
            "This 13-digit id has a wrong check digit",
        ),
        (
            {"kind": "promptpay", "promptpay_id": "12345"},
            "promptpay_id",
            "A PromptPay id is a mobile number (0XXXXXXXXX)",
        ),
        (
            {"kind": "ir_card", "account_number": "6037991234567890"},
            "account_number",
            "The card number&#x27;s check digit does not match",
        ),
        ({"kind": "other", "account_number": ""}, "account_number", "Give the account number."),
        ({"kind": "other", "account_number": "1", "currency": "ABC"}, "currency", "ABC is an"),
        ({"kind": "bitcoin"}, "kind", "Select a valid choice."),
    ],
)
def test_a_wrong_number_is_refused_with_a_message_on_its_field(web, org, fields, field, error):
    response = add(web, holder="Lotus", **fields)
    assert response.status_code == 422
    page = response.content.decode()
    errors = page.split(f'id="id_{field}_error"', 1)
    assert len(errors) == 2, f"no error on {field}"
    assert error in errors[1].split("</ul>", 1)[0]
    assert not PaymentAccount.objects.exists()


def test_the_form_says_which_kind_uses_which_number(web, org):
    page = web.get("/settings/payment/add/").content.decode()
    assert 'class="field field-text kind-field for-iban"' in page  # the IBAN
    assert "kind-field for-vn_bank for-ir_card for-other" in page  # the account number
    assert "kind-form" in page


def test_an_account_changed_to_another_kind_keeps_no_stale_number(web, org):
    add(web, kind="iban", holder="Lotus", iban=SHEBA, bic="BKMTIRTHXXX")
    account = PaymentAccount.objects.get(organization=org)
    response = web.post(f"/settings/payment/{account.pk}/", {**VIETCOMBANK, "iban": SHEBA})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.kind == "vn_bank" and account.iban == "" and account.bic == ""
    assert account.label == "Vietcombank VND"


def test_an_owner_deletes_an_account(web, org):
    add(web, **VIETCOMBANK)
    account = PaymentAccount.objects.get(organization=org)
    assert web.get(f"/settings/payment/{account.pk}/delete/").status_code == 405
    response = web.post(f"/settings/payment/{account.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/settings/payment/"
    assert not PaymentAccount.objects.exists()
    assert (
        "Payment account deleted: Vietcombank VND."
        in web.get("/settings/payment/").content.decode()
    )


def test_the_list_says_which_account_letters_use_for_each_currency(web, org):
    for fields in (
        {
            "kind": "other",
            "holder": "A",
            "account_number": "1",
            "currency": "VND",
            "label": "First VND",
        },
        {
            "kind": "other",
            "holder": "B",
            "account_number": "2",
            "currency": "VND",
            "label": "Second VND",
        },
        {"kind": "other", "holder": "C", "account_number": "3", "label": "Anything"},
    ):
        add(web, **fields)
    page = web.get("/settings/payment/").content.decode()
    first, second, anything = (
        page.split(f"<bdi>{label}</bdi>", 1)[1].split("</li>", 1)[0]
        for label in ("First VND", "Second VND", "Anything")
    )
    assert "Used for VND" in first
    assert "Not used: an earlier account takes its currency" in second
    assert "Used for every currency without an account of its own" in anything


def test_the_list_takes_as_many_queries_for_many_accounts_as_for_one(
    web, org, django_assert_max_num_queries
):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert web.get("/settings/payment/").status_code == 200
        return len(queries)

    payment_account_add(
        organization=org, kind="vn_bank", holder="A", bank_bin="970436", account_number="1"
    )
    one = count()
    for n in range(2, 12):
        payment_account_add(
            organization=org, kind="promptpay", holder=f"P{n}", promptpay_id="0812345678"
        )
    with django_assert_max_num_queries(one):
        assert web.get("/settings/payment/").status_code == 200


@pytest.mark.parametrize("who", ["web_member", "web_reader"])
def test_a_member_or_reader_sees_the_accounts_and_their_codes_without_forms(request, org, who):
    account = payment_account_add(organization=org, **{**VIETCOMBANK, "kind": "vn_bank"})
    http = request.getfixturevalue(who)
    listing = http.get("/settings/payment/").content.decode()
    assert "0071000123456" in listing and "Add a payment account" not in listing
    page = http.get(f"/settings/payment/{account.pk}/").content.decode()
    assert forms_in(page) == 0 and "0071000123456" in page
    assert http.get(f"/settings/payment/{account.pk}/qr.svg").status_code == 200
    assert forms_in(http.get("/settings/payment/add/").content.decode()) == 0
    assert add(http, **VIETCOMBANK).status_code == 403
    assert http.post(f"/settings/payment/{account.pk}/", VIETCOMBANK).status_code == 403
    assert http.post(f"/settings/payment/{account.pk}/delete/").status_code == 403
    assert PaymentAccount.objects.count() == 1


def test_another_organizations_account_is_not_found(web, org, other_org):
    theirs = payment_account_add(
        organization=other_org, kind="iban", holder="Other Ltd", iban="GB29NWBK60161331926819"
    )
    for url in (f"/settings/payment/{theirs.pk}/", f"/settings/payment/{theirs.pk}/qr.svg"):
        assert web.get(url).status_code == 404
    assert web.post(f"/settings/payment/{theirs.pk}/", VIETCOMBANK).status_code == 404
    assert web.post(f"/settings/payment/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.kind == "iban" and theirs.holder == "Other Ltd"
    assert "Other Ltd" not in web.get("/settings/payment/").content.decode()
