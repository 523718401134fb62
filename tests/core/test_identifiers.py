import pytest

from owed.core.identifiers import (
    IdentifierError,
    normalize_iban,
    normalize_iran_card,
    normalize_promptpay_id,
    normalize_tax_id,
    normalize_vn_bank_account,
    tax_id_is_checked,
)


def test_an_iranian_sheba_number_is_checked_as_an_iban():
    assert normalize_iban("IR06 2960 0000 0010 0324 2000 01") == "IR062960000000100324200001"
    with pytest.raises(IdentifierError, match="not valid"):
        normalize_iban("IR062960000000100324200002")


def test_a_german_iban_is_compacted():
    assert normalize_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_a_vietnamese_tax_code_is_checked():
    assert normalize_tax_id("0100233488", "VN") == "0100233488"
    with pytest.raises(IdentifierError, match="not a valid VN number"):
        normalize_tax_id("0100233489", "VN")


def test_a_tax_id_of_a_country_without_a_checker_is_kept_as_written():
    assert not tax_id_is_checked("IR")
    assert normalize_tax_id("10101234567", "IR") == "10101234567"


def test_a_gb_vat_number_is_checked():
    assert normalize_tax_id("GB 980 7806 84", "GB") == "980780684"


def test_vietnamese_bank_bin_must_be_six_digits():
    assert normalize_vn_bank_account("970436", "0071 0001 23456") == ("970436", "0071000123456")
    with pytest.raises(IdentifierError, match="6 digits"):
        normalize_vn_bank_account("97043", "123")


def test_promptpay_ids():
    assert normalize_promptpay_id("+66 81 234 5678") == "0812345678"
    assert normalize_promptpay_id("1-1017-00203-45-0") == "1101700203450"
    with pytest.raises(IdentifierError, match="check digit"):
        normalize_promptpay_id("1101700203451")
    with pytest.raises(IdentifierError, match="mobile number"):
        normalize_promptpay_id("12345")


def test_iranian_card_numbers_use_luhn():
    assert normalize_iran_card("6037-9975-9999-9993") == "6037997599999993"
    with pytest.raises(IdentifierError):
        normalize_iran_card("6037997599999990")
