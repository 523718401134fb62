import re
import struct
import zlib
from decimal import Decimal
from xml.etree import ElementTree

import pytest
import segno
import segno.helpers
from hypothesis import given
from hypothesis import strategies as st

from owed.core.qr import (
    QUIET_ZONE,
    QRError,
    bank_details_text,
    emv_crc,
    epc_payload,
    make_qr,
    promptpay_payload,
    qr_png,
    qr_svg,
    vietqr_payload,
)


def crc16_ccitt_false(data: bytes) -> int:
    """The textbook bit-by-bit CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def parse_tlv(text: str) -> dict[str, str]:
    """Read EMVCo tag-length-value fields, refusing any that overruns or repeats."""
    fields: dict[str, str] = {}
    at = 0
    while at < len(text):
        tag, length = text[at : at + 2], int(text[at + 2 : at + 4])
        value = text[at + 4 : at + 4 + length]
        assert len(value) == length, f"field {tag} overruns the payload"
        assert tag not in fields, f"field {tag} repeats"
        fields[tag] = value
        at += 4 + length
    return fields


def parse_emv(payload: str) -> dict[str, str]:
    """The top-level fields of an EMVCo payload, after checking its frame and CRC."""
    assert payload.startswith("000201")
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == f"{crc16_ccitt_false(payload[:-4].encode()):04X}"
    fields = parse_tlv(payload)
    tags = list(fields)
    assert (tags[0], tags[-1]) == ("00", "63")
    return fields


# CRC


def test_the_crc_is_ccitt_false_as_published_for_123456789():
    assert emv_crc("123456789") == "29B1"


@pytest.mark.parametrize(
    ("body", "crc"),
    [
        # NAPAS VietQR specification examples, as quoted in a published test suite.
        (
            "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC"
            "530370454061800005802VN62340107NPS68690819thanh toan don hang6304",
            "A203",
        ),
        (
            "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
            "530370454061800005802VN62340107NPS68690819thanh toan don hang6304",
            "2E2E",
        ),
    ],
)
def test_the_crc_matches_published_vietqr_examples(body, crc):
    assert emv_crc(body) == crc


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200))
def test_the_crc_agrees_with_the_bit_by_bit_definition(text):
    assert emv_crc(text) == f"{crc16_ccitt_false(text.encode()):04X}"


# VietQR


def test_a_vietqr_payload_matches_the_published_example_with_amount_and_purpose():
    # The example of the vietqr.io generator: VietinBank, 120,000 dong, "ung ho lu lut".
    payload = vietqr_payload("970415", "0011001932418", Decimal(120000), "ung ho lu lut")

    assert payload == (
        "00020101021238570010A0000007270127000697041501130011001932418"
        "0208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C"
    )


def test_a_vietqr_payload_reads_back_field_by_field():
    payload = vietqr_payload("970436", "1023456789", Decimal(1943000), "INV-2026-001")
    fields = parse_emv(payload)
    merchant = parse_tlv(fields["38"])

    assert fields["01"] == "12"
    assert merchant == {"00": "A000000727", "01": "00069704360110" + "1023456789", "02": "QRIBFTTA"}
    assert parse_tlv(merchant["01"]) == {"00": "970436", "01": "1023456789"}
    assert fields["53"] == "704"
    assert fields["54"] == "1943000"
    assert fields["58"] == "VN"
    assert parse_tlv(fields["62"]) == {"08": "INV-2026-001"}
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "62", "63"]


def test_a_vietqr_payload_without_amount_is_static_and_has_no_amount_field():
    fields = parse_emv(vietqr_payload("970436", "1023456789"))

    assert fields["01"] == "11"
    assert "54" not in fields
    assert "62" not in fields


def test_vietnamese_marks_are_taken_off_the_purpose_as_banks_show_it():
    payload = vietqr_payload("970436", "1023456789", Decimal(50000), "Thanh toán hoá đơn 12")

    assert parse_tlv(parse_emv(payload)["62"])["08"] == "Thanh toan hoa don 12"


@pytest.mark.parametrize(
    ("bank_bin", "account", "amount", "purpose", "message"),
    [
        ("97043", "1023456789", None, None, "6 digits"),
        ("970436", "1023 456789", None, None, "letters or digits, without spaces"),
        ("970436", "1" * 20, None, None, "1 to 19"),
        ("970436", "1023456789", Decimal("1000.5"), None, "VND has no minor units"),
        ("970436", "1023456789", Decimal(0), None, "more than zero"),
        ("970436", "1023456789", Decimal(10) ** 13, None, "too large"),
        ("970436", "1023456789", None, "x" * 26, "at most 25"),
        ("970436", "1023456789", None, "ชำระเงิน", "only Latin letters"),
    ],
)
def test_a_vietqr_payload_refuses_what_banks_would_refuse(
    bank_bin, account, amount, purpose, message
):
    with pytest.raises(QRError, match=message):
        vietqr_payload(bank_bin, account, amount, purpose)


@given(
    bank_bin=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account=st.from_regex(r"[0-9A-Z]{1,19}", fullmatch=True),
    amount=st.none() | st.integers(min_value=1, max_value=10**13 - 1).map(Decimal),
    purpose=st.none()
    | st.from_regex(r"[0-9A-Za-z][0-9A-Za-z .-]{0,23}[0-9A-Za-z]", fullmatch=True),
)
def test_every_vietqr_field_reads_back_as_given(bank_bin, account, amount, purpose):
    fields = parse_emv(vietqr_payload(bank_bin, account, amount, purpose))

    assert parse_tlv(parse_tlv(fields["38"])["01"]) == {"00": bank_bin, "01": account}
    assert fields["01"] == ("11" if amount is None else "12")
    assert fields.get("54") == (None if amount is None else str(amount))
    assert fields.get("62") == (None if purpose is None else f"08{len(purpose):02d}{purpose}")


# PromptPay


@pytest.mark.parametrize(
    ("target", "amount", "payload"),
    [
        # Golden outputs of dtinth/promptpay-qr, as captured in published test suites.
        (
            "0812345678",
            Decimal("100.00"),
            "00020101021229370016A000000677010111011300668123456785802TH53037645406100.006304BB8A",
        ),
        (
            "0942490949",
            Decimal("179.10"),
            "00020101021229370016A000000677010111011300669424909495802TH53037645406179.1063044786",
        ),
        (
            "0954539553",
            Decimal("0.5"),
            "00020101021229370016A000000677010111011300669545395535802TH530376454040.5063042DFF",
        ),
        (
            "0942490949",
            None,
            "00020101021129370016A000000677010111011300669424909495802TH530376463040850",
        ),
        # The README of kittinan/php-promptpay-qr.
        (
            "089-999-9999",
            Decimal(420),
            "00020101021229370016A000000677010111011300668999999995802TH53037645406420.006304CF9E",
        ),
        (
            "0899999999",
            None,
            "00020101021129370016A000000677010111011300668999999995802TH53037646304FE29",
        ),
    ],
)
def test_a_promptpay_payload_matches_published_examples(target, amount, payload):
    assert promptpay_payload(target, amount) == payload


@pytest.mark.parametrize(
    ("target", "sub_tag", "value"),
    [
        ("+66 81 234 5678", "01", "0066812345678"),
        ("66812345678", "01", "0066812345678"),
        ("0994000165501", "02", "0994000165501"),  # a company's tax ID
        ("3100600445635", "02", "3100600445635"),  # a national ID
        ("123456789012345", "03", "123456789012345"),  # an e-wallet
    ],
)
def test_a_promptpay_target_is_a_phone_a_tax_id_or_an_e_wallet(target, sub_tag, value):
    fields = parse_emv(promptpay_payload(target, Decimal("1500.00")))

    assert parse_tlv(fields["29"]) == {"00": "A000000677010111", sub_tag: value}
    assert fields["53"] == "764"
    assert fields["54"] == "1500.00"
    assert fields["58"] == "TH"


@pytest.mark.parametrize(
    ("target", "amount", "message"),
    [
        ("1234567890123", None, "wrong check digit"),
        ("12345", None, "has 5 digits"),
        ("+44 20 7946 0958", None, "not a Thai mobile number"),
        ("1812345678", None, "must start with 0"),
        ("081-234-567x", None, "in digits"),
        ("0812345678", Decimal("10.005"), "more than 2 decimals for THB"),
        ("0812345678", Decimal("-1"), "more than zero"),
        ("0812345678", 100.0, "must be a Decimal"),
    ],
)
def test_a_promptpay_payload_refuses_a_bad_target_or_amount(target, amount, message):
    with pytest.raises(QRError, match=message):
        promptpay_payload(target, amount)


@given(
    number=st.integers(min_value=100_000_000, max_value=999_999_999),
    cents=st.integers(min_value=1, max_value=10**12 - 1),
)
def test_every_promptpay_field_reads_back_as_given(number, cents):
    amount = Decimal(cents).scaleb(-2)
    fields = parse_emv(promptpay_payload(f"0{number}", amount))

    assert parse_tlv(fields["29"])["01"] == f"0066{number}"
    assert Decimal(fields["54"]) == amount
    assert re.fullmatch(r"[0-9]+\.[0-9]{2}", fields["54"])


# EPC QR


def test_an_epc_payload_has_one_field_a_line_in_utf8():
    payload = epc_payload(
        "Franz Mustermänn", "DE89 3704 0044 0532 0130 00", Decimal("12.3"), text="INV-2026-001"
    )

    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "",
        "Franz Mustermänn",
        "DE89370400440532013000",
        "EUR12.30",
        "",
        "",
        "INV-2026-001",
    ]


def test_an_epc_payload_with_a_creditor_reference_ends_with_it():
    payload = epc_payload(
        "Owed Ltd",
        "BE71096123456769",
        Decimal("1500"),
        reference="RF18 5390 0754 7034",
        bic="GKCCBEBB",
        purpose="gdds",
    )

    assert payload.split("\n")[4:] == [
        "GKCCBEBB",
        "Owed Ltd",
        "BE71096123456769",
        "EUR1500.00",
        "GDDS",
        "RF18539007547034",
    ]


@pytest.mark.parametrize(
    ("amount", "kwargs"),
    [
        (Decimal("12.34"), {"text": "Rechnung INV-1"}),
        (Decimal("999999999.99"), {"reference": "RF18539007547034", "bic": "COBADEFFXXX"}),
        (Decimal("0.01"), {"text": "Ärger über Ölpreise"}),
    ],
)
def test_an_epc_qr_code_is_the_one_segno_draws_for_the_same_transfer(amount, kwargs):
    ours = make_qr(epc_payload("Jürgen Beispiel", "DE89370400440532013000", amount, **kwargs))
    theirs = segno.helpers.make_epc_qr(
        "Jürgen Beispiel", "DE89370400440532013000", amount, encoding="utf-8", **kwargs
    )

    assert ours.matrix == theirs.matrix
    assert (ours.version, ours.error) == (theirs.version, "M")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"iban": "DE89370400440532013001"}, "IBAN 'DE89370400440532013001' is not valid"),
        ({"iban": "IR062960000000100324200001"}, "outside SEPA"),
        ({"iban": "GB33BUKB20201555555555"}, "a BIC is needed for an IBAN from GB"),
        ({"bic": "NOTABIC"}, "BIC 'NOTABIC' is not valid"),
        ({"name": " "}, "name is missing"),
        ({"name": "x" * 71}, "at most 70"),
        ({"name": "Owed\nLtd"}, "one line"),
        ({"amount": Decimal("0.001")}, "from 0.01 to 999999999.99"),
        ({"amount": Decimal("1000000000")}, "from 0.01 to 999999999.99"),
        ({"amount": Decimal("12.345")}, "more than 2 decimals"),
        ({"text": "y" * 141}, "at most 140"),
        ({"text": None}, "either a reference or a text"),
        ({"reference": "RF18539007547034"}, "either a reference or a text"),
        ({"text": None, "reference": "RF19539007547034"}, "wrong check digits"),
        ({"text": None, "reference": "x" * 36}, "at most 35"),
        ({"purpose": "GOODS"}, "4-letter code"),
        ({"name": "ü" * 70, "text": "ü" * 140}, "an EPC QR code holds 331"),
    ],
)
def test_an_epc_payload_refuses_what_the_standard_does_not_allow(kwargs, message):
    transfer = {
        "name": "Owed Ltd",
        "iban": "DE89370400440532013000",
        "amount": Decimal("12.30"),
        "text": "INV-1",
    } | kwargs
    name, iban, amount = transfer.pop("name"), transfer.pop("iban"), transfer.pop("amount")

    with pytest.raises(QRError, match=re.escape(message)):
        epc_payload(name, iban, amount, **transfer)


def test_an_epc_payload_may_leave_the_amount_to_the_payer():
    payload = epc_payload("Owed Ltd", "DE89370400440532013000", None, text="INV-1")

    assert payload.split("\n")[7] == ""


# Bank details as text


def test_an_iranian_sheba_number_is_checked_and_written_in_groups():
    lines = bank_details_text(
        holder="علی رضایی",
        iban="IR062960000000100324200001",
        bank_name="Bank Melli",
        reference="INV-2026-001",
    )

    assert lines == [
        "Account holder: علی رضایی",
        "IBAN: IR06 2960 0000 0010 0324 2000 01",
        "Bank: Bank Melli",
        "Reference: INV-2026-001",
    ]


def test_bank_details_take_translated_labels():
    lines = bank_details_text(
        holder="علی رضایی",
        iban="IR06 2960 0000 0010 0324 2000 01",
        labels={"holder": "صاحب حساب", "iban": "شماره شبا"},
    )

    assert lines == ["صاحب حساب: علی رضایی", "شماره شبا: IR06 2960 0000 0010 0324 2000 01"]


def test_a_sheba_number_with_a_wrong_check_digit_is_refused():
    with pytest.raises(QRError, match="not valid"):
        bank_details_text(holder="Ali", iban="IR062960000000100324200002")


# Drawing


def png_modules(png: bytes, scale: int) -> list[list[int]]:
    """The modules of a 1-bit greyscale PNG of a QR code: 1 dark, 0 light."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data, header = 8, b"", None
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data += body
        at += 12 + length
    width, height, depth, colour, *_ = header
    assert (depth, colour) == (1, 0)
    raw = zlib.decompress(data)
    stride = (width + 7) // 8
    rows, previous = [], bytes(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]
        previous = unfilter(kind, line, previous)
        rows.append([1 - ((previous[x // 8] >> (7 - x % 8)) & 1) for x in range(width)])
    size = width // scale
    return [[rows[y * scale][x * scale] for x in range(size)] for y in range(size)]


def unfilter(kind: int, line: bytes, above: bytes) -> bytes:
    """Undo a PNG row filter (one byte a pixel group at 1 bit a pixel)."""
    out = bytearray()
    for i, byte in enumerate(line):
        left = out[i - 1] if i else 0
        up, up_left = above[i], (above[i - 1] if i else 0)
        if kind == 0:
            guess = 0
        elif kind == 1:
            guess = left
        elif kind == 2:
            guess = up
        elif kind == 3:
            guess = (left + up) // 2
        else:
            estimate = left + up - up_left
            distances = [abs(estimate - left), abs(estimate - up), abs(estimate - up_left)]
            guess = (left, up, up_left)[distances.index(min(distances))]
        out.append((byte + guess) & 0xFF)
    return bytes(out)


def svg_modules(svg: str) -> tuple[ElementTree.Element, set[tuple[int, int]]]:
    """The dark modules segno's SVG path draws: lines of `h` runs moved by `m`."""
    root = ElementTree.fromstring(svg)
    path = next(p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke"))
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, *numbers in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d")):
        if op == "M":
            x, y = float(numbers[0]), float(numbers[1])
        elif op == "m":
            x, y = x + float(numbers[0]), y + float(numbers[1])
        else:
            for column in range(int(x), int(x + float(numbers[0]))):
                dark.add((column, int(y)))
            x += float(numbers[0])
    return root, dark


def with_quiet_zone(matrix) -> list[list[int]]:
    size = len(matrix) + 2 * QUIET_ZONE
    rows = [[0] * size for _ in range(size)]
    for y, row in enumerate(matrix):
        for x, module in enumerate(row):
            rows[y + QUIET_ZONE][x + QUIET_ZONE] = int(module)
    return rows


PAYLOADS = [
    promptpay_payload("0812345678", Decimal("100.00")),
    vietqr_payload("970415", "0011001932418", Decimal(120000), "ung ho lu lut"),
    epc_payload("Franz Mustermänn", "DE89370400440532013000", Decimal("12.30"), text="INV-1"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_png_draws_the_qr_code_of_the_payloads_exact_bytes(payload):
    expected = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)

    assert png_modules(qr_png(payload, 3), 3) == with_quiet_zone(expected.matrix)
    assert expected.error == "M"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_svg_draws_the_same_modules_on_a_white_ground(payload):
    matrix = with_quiet_zone(make_qr(payload).matrix)
    root, dark = svg_modules(qr_svg(payload, scale=5))

    assert root.get("width") == root.get("height") == str(len(matrix) * 5)
    assert dark == {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    assert any(p.get("fill") == "#fff" for p in root.iter("{http://www.w3.org/2000/svg}path"))


@pytest.mark.parametrize("scale", [0, -1, 2.5, True])
def test_a_qr_code_is_drawn_at_a_whole_positive_scale(scale):
    with pytest.raises(QRError, match="scale"):
        qr_png("abc", scale)


def test_an_empty_payload_draws_nothing():
    with pytest.raises(QRError, match="empty"):
        qr_svg("")
