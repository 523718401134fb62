"""Checks for tax ids, bank accounts and payment ids, with messages fit for a user.

Tax ids use python-stdnum where it covers the country; bank accounts use schwifty, which
also knows Iranian Sheba numbers (python-stdnum's IBAN registry does not).
"""

from __future__ import annotations

import re

import schwifty
from schwifty.exceptions import SchwiftyException
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin as th_pin
from stdnum.th import tin as th_tin
from stdnum.util import get_cc_module


class IdentifierError(ValueError):
    """An identifier that is not well formed; the message says which and why."""


# The kinds of tax or registration number tried per country, most common first.
_TAX_ID_MODULES = ("vat", "tin", "mst", "ein", "utr", "stnr", "siren", "pin")


def _tax_modules(country: str) -> list:
    modules = []
    for name in _TAX_ID_MODULES:
        try:
            module = get_cc_module(country.lower(), name)
        except (ImportError, ValueError):
            module = None
        if module is not None:
            modules.append(module)
    return modules


def tax_id_is_checked(country: str) -> bool:
    """Whether owed can check a tax id of `country` (False: it is kept as written)."""
    return bool(_tax_modules(country))


def normalize_tax_id(tax_id: str, country: str) -> str:
    """Return `tax_id` in its compact form, or raise `IdentifierError`.

    A country python-stdnum does not cover (Iran, for one) keeps the id as written.
    """
    value = tax_id.strip()
    if not value:
        return ""
    modules = _tax_modules(country)
    if not modules:
        return value
    for module in modules:
        try:
            return module.validate(value)
        except StdnumError:
            continue
    names = ", ".join(module.__name__.rsplit(".", 1)[-1].upper() for module in modules)
    raise IdentifierError(f"tax id {value!r} is not a valid {country.upper()} number ({names})")


def check_iban(iban: str) -> schwifty.IBAN:
    """An IBAN (or Iranian Sheba number), checked, or `IdentifierError`."""
    try:
        return schwifty.IBAN(iban)
    except SchwiftyException as exc:
        raise IdentifierError(f"IBAN {iban!r} is not valid: {exc}") from None


def normalize_iban(iban: str) -> str:
    """An IBAN (or Iranian Sheba number) in compact form, or `IdentifierError`."""
    return check_iban(iban).compact


def normalize_bic(bic: str) -> str:
    if not bic.strip():
        return ""
    try:
        return str(schwifty.BIC(bic.strip()))
    except SchwiftyException as exc:
        raise IdentifierError(f"BIC {bic!r} is not valid: {exc}") from None


def normalize_vn_bank_account(bin_code: str, account: str) -> tuple[str, str]:
    """A Vietnamese NAPAS bank BIN (6 digits) and account number (up to 19 characters)."""
    bin_code, account = bin_code.strip(), account.strip().replace(" ", "")
    if not re.fullmatch(r"\d{6}", bin_code):
        raise IdentifierError(f"bank BIN {bin_code!r} must be 6 digits (e.g. 970436)")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", account):
        raise IdentifierError(f"account number {account!r} must be 1 to 19 letters or digits")
    return bin_code, account


def normalize_iran_card(card: str) -> str:
    """A 16-digit Iranian bank card number with a valid Luhn check digit."""
    digits = re.sub(r"[\s-]", "", card)
    if not re.fullmatch(r"\d{16}", digits) or not luhn.is_valid(digits):
        raise IdentifierError(f"card number {card!r} is not a valid 16-digit card number")
    return digits


def normalize_promptpay_id(value: str) -> str:
    """A PromptPay id: a Thai mobile number, a 13-digit citizen or tax id, or an e-wallet id."""
    digits = re.sub(r"[\s-]", "", value)
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    if re.fullmatch(r"0\d{9}", digits):
        return digits
    if re.fullmatch(r"\d{13}", digits):
        if th_pin.is_valid(digits) or th_tin.is_valid(digits):
            return digits
        raise IdentifierError(f"PromptPay id {value!r}: the 13-digit id has a wrong check digit")
    if re.fullmatch(r"\d{15}", digits):
        return digits
    raise IdentifierError(
        f"PromptPay id {value!r} must be a mobile number (0XXXXXXXXX), "
        "a 13-digit citizen or tax id, or a 15-digit e-wallet id"
    )
