"""Payment QR codes: the payload a banking app reads, and the code drawn as SVG or PNG.

Three payloads, each with its source in LAW.md section 4:

- VietQR (NAPAS) and Thai PromptPay are EMVCo merchant-presented QR codes: two-digit tag,
  two-digit length, value, ending with tag 63, a CRC-16/CCITT-FALSE (polynomial 0x1021,
  initial 0xFFFF) of everything before it including "6304", in upper-case hex.
  A code without an amount is static (point of initiation 11), with one dynamic (12).
- EPC QR (GiroCode, EPC069-12 version 002) for SEPA credit transfers in euro: one field a
  line, always UTF-8.

Where no QR standard fits (e.g. an Iranian Sheba account), `bank_details_text` gives the
account as lines of text.

Every payload is checked before it is built: bad input raises `QRError` with a message
fit for a user, and amounts are never rounded.
"""

from __future__ import annotations

import binascii
import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final

import segno
from schwifty import IBAN
from stdnum import iso11649

from owed.core.identifiers import (
    IdentifierError,
    check_iban,
    normalize_bic,
    normalize_promptpay_id,
    normalize_vn_bank_account,
)
from owed.core.money import MoneyError, check_exact, excerpt


class QRError(ValueError):
    """Input a payment QR code cannot carry, with a message fit for a user."""


def _checked[T](check: Callable[..., T], *args: str) -> T:
    """`check(*args)` from `owed.core.identifiers`, its refusal as a `QRError`."""
    try:
        return check(*args)
    except IdentifierError as error:
        raise QRError(str(error)) from None


# EMVCo merchant-presented QR


def emv_crc(data: str) -> str:
    """CRC-16/CCITT-FALSE of `data` (ASCII) as four upper-case hex digits."""
    # crc_hqx is the CCITT polynomial 0x1021 without reflection; 0xFFFF makes it -FALSE.
    return f"{binascii.crc_hqx(data.encode('ascii'), 0xFFFF):04X}"


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise QRError(f"QR field {tag} is {len(value)} characters long; at most 99 fit")
    return f"{tag}{len(value):02d}{value}"


def _emv(*fields: str) -> str:
    """Join TLV fields after the payload format indicator and append the CRC."""
    body = _tlv("00", "01") + "".join(fields) + "6304"
    return body + emv_crc(body)


def _point_of_initiation(amount: Decimal | None) -> str:
    return _tlv("01", "11" if amount is None else "12")


# The amount field (54) holds at most 13 characters (EMVCo MPM).
_MAX_EMV_AMOUNT_CHARS: Final = 13


def _emv_amount(amount: Decimal, currency: str, places: int) -> str:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise QRError(f"amount must be a Decimal, got {amount!r}")
    if amount <= 0:
        raise QRError(f"amount {amount} must be more than zero")
    try:
        check_exact(amount, currency)
    except MoneyError as error:
        raise QRError(str(error)) from None
    text = f"{amount:.{places}f}"
    if len(text) > _MAX_EMV_AMOUNT_CHARS:
        raise QRError(f"amount {text} is too large for a QR code")
    return _tlv("54", text)


# VietQR


VIETQR_GUID: Final = "A000000727"  # NAPAS
VIETQR_SERVICE_ACCOUNT: Final = "QRIBFTTA"  # transfer to an account (not a card)
_MAX_PURPOSE: Final = 25  # EMVCo: additional data sub-fields are up to 25 characters


def vietqr_payload(
    bank_bin: str, account: str, amount: Decimal | None = None, purpose: str | None = None
) -> str:
    """A NAPAS VietQR payload for a transfer to `account` at the bank with `bank_bin`.

    `amount` in whole dong (None for a static code the payer fills in); `purpose` (the
    invoice number, for instance) goes in field 62/08, with Vietnamese diacritics removed
    as banks show it, at most 25 characters.
    """
    account = (account or "").strip()
    # The ledger's check takes spaces out; a payload must not hold any.
    if re.search(r"\s", account):
        raise QRError(
            f"account {excerpt(account)!r} must be 1 to 19 letters or digits, without spaces"
        )
    bank_bin, account = _checked(normalize_vn_bank_account, bank_bin or "", account)
    merchant = (
        _tlv("00", VIETQR_GUID)
        + _tlv("01", _tlv("00", bank_bin) + _tlv("01", account))
        + _tlv("02", VIETQR_SERVICE_ACCOUNT)
    )
    fields = [_point_of_initiation(amount), _tlv("38", merchant), _tlv("53", "704")]
    if amount is not None:
        fields.append(_emv_amount(amount, "VND", 0))
    fields.append(_tlv("58", "VN"))
    if purpose is not None and purpose.strip():
        fields.append(_tlv("62", _tlv("08", _purpose(purpose))))
    return _emv(*fields)


def _purpose(text: str) -> str:
    ascii_text = _without_vietnamese_marks(text.strip())
    if not all(" " <= char <= "~" for char in ascii_text):
        raise QRError(
            f"purpose {excerpt(text)!r} may hold only Latin letters, digits and punctuation"
        )
    if len(ascii_text) > _MAX_PURPOSE:
        raise QRError(
            f"purpose {excerpt(text)!r} is {len(ascii_text)} characters; at most {_MAX_PURPOSE}"
        )
    return ascii_text


def _without_vietnamese_marks(text: str) -> str:
    """'Thanh toán hoá đơn' -> 'Thanh toan hoa don', as Vietnamese bank apps show it."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# PromptPay


PROMPTPAY_AID: Final = "A000000677010111"  # credit transfer (tag 29)


def promptpay_payload(target: str, amount: Decimal | None = None) -> str:
    """A Thai PromptPay payload paying `target`, with `amount` in baht (None: static).

    `target` is a Thai mobile number (0812345678, +66 81 234 5678), a 13-digit national or
    tax ID, or a 15-digit e-wallet ID; spaces and dashes are ignored.

    The fields follow the order of dtinth/promptpay-qr, which most Thai generators share
    (58 before 53 and 54); EMVCo fixes only the first field and the CRC as the last.
    """
    fields = [_point_of_initiation(amount), _tlv("29", _promptpay_account(target))]
    fields += [_tlv("58", "TH"), _tlv("53", "764")]
    if amount is not None:
        fields.append(_emv_amount(amount, "THB", 2))
    return _emv(*fields)


def _promptpay_account(target: str) -> str:
    raw = (target or "").strip()
    digits = re.sub(r"[\s-]", "", raw)
    international = digits.startswith("+")
    if international:
        digits = digits[1:]
    if not digits.isascii() or not digits.isdigit():
        raise QRError(f"PromptPay ID {excerpt(raw)!r} must be a phone number or an ID in digits")
    if international or len(digits) == 11:
        if not re.fullmatch(r"66[1-9][0-9]{8}", digits):
            raise QRError(f"phone number {excerpt(raw)!r} is not a Thai mobile number (+66…)")
        digits = "0" + digits[2:]
    elif len(digits) == 10 and not re.fullmatch(r"0[1-9][0-9]{8}", digits):
        raise QRError(f"phone number {excerpt(raw)!r} must start with 0, like 0812345678")
    elif len(digits) not in (10, 13, 15):
        raise QRError(
            f"PromptPay ID {excerpt(raw)!r} has {len(digits)} digits; use a 10-digit phone "
            "number, a 13-digit national or tax ID or a 15-digit e-wallet ID"
        )
    digits = _checked(normalize_promptpay_id, digits)
    aid = _tlv("00", PROMPTPAY_AID)
    if len(digits) == 10:
        # The phone is written 0066 and the number without its leading 0: 13 digits.
        return aid + _tlv("01", "0066" + digits[1:])
    return aid + _tlv("02" if len(digits) == 13 else "03", digits)


# EPC QR (GiroCode)


_EPC_MIN: Final = Decimal("0.01")
_EPC_MAX: Final = Decimal("999999999.99")
_EPC_MAX_BYTES: Final = 331  # what fits a version-13 QR code at error correction M

# Within the EEA version 002 makes the BIC optional; elsewhere in SEPA (CH, GB, ...) the
# payer's bank still needs it.
_EEA: Final = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
        *("IS", "LI", "NO"),
    }
)


def epc_payload(
    name: str,
    iban: str,
    amount: Decimal | None,
    *,
    reference: str | None = None,
    text: str | None = None,
    bic: str | None = None,
    purpose: str | None = None,
) -> str:
    """An EPC QR (GiroCode) payload for a SEPA credit transfer of `amount` euro.

    Exactly one of `reference` (a structured creditor reference, ≤35 characters, checked
    as ISO 11649 when it starts with RF) or `text` (≤140 characters) says what the
    payment is for, so it can be matched. `amount` None leaves it to the payer.
    """
    name = _epc_field("name", name, 70, required=True)
    account = _checked_iban(iban)
    if not account.in_sepa_zone:
        raise QRError(f"IBAN {account.formatted} is outside SEPA; EPC QR codes are for SEPA")
    bic_text = _checked(normalize_bic, bic or "")
    if not bic_text and account.country_code not in _EEA:
        raise QRError(f"a BIC is needed for an IBAN from {account.country_code}")
    amount_text = "" if amount is None else _epc_amount(amount)
    purpose_text = ""
    if purpose is not None and purpose.strip():
        purpose_text = purpose.strip().upper()
        if not re.fullmatch(r"[A-Z]{4}", purpose_text):
            raise QRError(f"purpose {excerpt(purpose)!r} must be a 4-letter code, like GDDS")
    has_reference = reference is not None and reference.strip() != ""
    has_text = text is not None and text.strip() != ""
    if has_reference == has_text:
        raise QRError("give either a reference or a text, so the payment can be matched")
    lines = ["BCD", "002", "1", "SCT", bic_text, name, account.compact, amount_text]
    if has_reference:
        lines += [purpose_text, _epc_reference(reference or "")]
    else:
        lines += [purpose_text, "", _epc_field("text", text or "", 140)]
    payload = "\n".join(lines)
    size = len(payload.encode("utf-8"))
    if size > _EPC_MAX_BYTES:
        raise QRError(f"the payment details take {size} bytes; an EPC QR code holds 331")
    return payload


def _epc_field(label: str, value: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise QRError(f"{label} is missing")
    if "\n" in value or "\r" in value:
        raise QRError(f"{label} {excerpt(value)!r} must be on one line")
    if len(value) > limit:
        raise QRError(f"{label} {excerpt(value)!r} is {len(value)} characters; at most {limit}")
    return value


def _epc_reference(reference: str) -> str:
    value = _epc_field("reference", reference, 35)
    if not re.match(r"RF[0-9]{2}", value.upper()):
        return value
    # An ISO 11649 reference is printed in groups of four and carried without spaces.
    compact = value.replace(" ", "").upper()
    if not iso11649.is_valid(compact):
        raise QRError(f"creditor reference {excerpt(value)!r} has wrong check digits")
    return compact


def _epc_amount(amount: Decimal) -> str:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise QRError(f"amount must be a Decimal, got {amount!r}")
    if not _EPC_MIN <= amount <= _EPC_MAX:
        raise QRError(f"amount {amount} must be from {_EPC_MIN} to {_EPC_MAX} euro")
    if amount != amount.quantize(_EPC_MIN):
        raise QRError(f"amount {amount} has more than 2 decimals for EUR")
    return f"EUR{amount:.2f}"


def _checked_iban(iban: str) -> IBAN:
    raw = (iban or "").strip()
    if not raw:
        raise QRError("IBAN is missing")
    return _checked(check_iban, raw)


# Bank details as text


DEFAULT_LABELS: Final[Mapping[str, str]] = {
    "holder": "Account holder",
    "iban": "IBAN",
    "bank": "Bank",
    "bic": "BIC",
    "reference": "Reference",
}


def bank_details_text(
    *,
    holder: str,
    iban: str,
    bank_name: str | None = None,
    bic: str | None = None,
    reference: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """The account to pay as "label: value" lines, for where no QR code fits.

    The IBAN is checked (an Iranian Sheba number is an IBAN: IR + 24 digits) and written
    in groups of four. `labels` replaces the English labels of `DEFAULT_LABELS`, e.g. with
    translated ones; in Persian pass the lines through `localize.bidi_safe`.
    """
    names = {**DEFAULT_LABELS, **(labels or {})}
    account = _checked_iban(iban)
    holder = (holder or "").strip()
    if not holder:
        raise QRError("account holder is missing")
    lines = [f"{names['holder']}: {holder}", f"{names['iban']}: {account.formatted}"]
    if bank_name and bank_name.strip():
        lines.append(f"{names['bank']}: {bank_name.strip()}")
    if bic_text := _checked(normalize_bic, bic or ""):
        lines.append(f"{names['bic']}: {bic_text}")
    if reference and reference.strip():
        lines.append(f"{names['reference']}: {reference.strip()}")
    return lines


# Drawing


QUIET_ZONE: Final = 4  # modules of white around the code, as ISO/IEC 18004 asks
_COLOURS: Final = {"dark": "#000", "light": "#fff"}


def make_qr(payload: str) -> segno.QRCode:
    """The QR code of `payload`: its UTF-8 bytes, error correction M (as EPC requires)."""
    if not isinstance(payload, str) or not payload:
        raise QRError("the QR payload is empty")
    # Bytes, so that segno cannot pick ISO-8859-1 for text an EPC payload declares UTF-8.
    return segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)


def qr_svg(payload: str, *, scale: int = 4) -> str:
    """An SVG element (no XML declaration) of the QR code of `payload`, `scale` units a module.

    Dark on an opaque white ground, so that it still scans on a dark page.
    """
    _check_scale(scale)
    buffer = io.BytesIO()
    make_qr(payload).save(
        buffer, kind="svg", xmldecl=False, nl=False, scale=scale, border=QUIET_ZONE, **_COLOURS
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(payload: str, scale: int = 4) -> bytes:
    """A PNG of the QR code of `payload`, `scale` pixels a module, black on white."""
    _check_scale(scale)
    buffer = io.BytesIO()
    make_qr(payload).save(buffer, kind="png", scale=scale, border=QUIET_ZONE, **_COLOURS)
    return buffer.getvalue()


def _check_scale(scale: int) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise QRError(f"scale must be a whole number of pixels, at least 1, got {scale!r}")
