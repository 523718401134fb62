"""Non-ASCII subjects and names survive the trip: what the recipient decodes is what was
written, for any mix of Vietnamese, Persian, Thai and ASCII (see owed/mail/headers.py for
the Python folding bug this guards against)."""

from __future__ import annotations

import email
import email.policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.utils import getaddresses

from django.core.mail import EmailMultiAlternatives
from hypothesis import given, settings
from hypothesis import strategies as st

from owed.mail.addresses import clean_addresses, split_addresses
from owed.mail.headers import encode_headers

LINES = (
    "Nhắc nhở: hóa đơn HĐ-001 đã quá hạn 7 ngày Công ty TNHH Sen Vàng",
    "یادآوری: صورت‌حساب ۱۴۰۵/۰۱ هفت روز از سررسید گذشته است،",
    'แจ้งเตือน ใบแจ้งหนี้ INV-001 เลยกำหนดชำระ 7 วัน Re: [x] (a) - — "q" a,b',
)
WORDS = [word for line in LINES for word in line.split()]

text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join)


def rfc2047(raw: str) -> str:
    """Decode as RFC 2047 says (the space between two encoded words is not text)."""
    return str(make_header(decode_header(raw)))


def wire(subject: str, name: str) -> bytes:
    """The bytes sent for a message built as owed builds it (see `build_email`)."""
    to = clean_addresses([f"{Address(display_name=name, addr_spec='a@b.vn')}"], field="to")
    mail = EmailMultiAlternatives(
        subject=subject,
        body="x",
        from_email=str(Address(display_name=name, addr_spec="billing@lotus.vn")),
        to=[*split_addresses(to), "plain@example.vn"],
        headers={"Message-ID": "<1@lotus.vn>"},
    )
    message = mail.message(policy=email.policy.SMTP)
    encode_headers(message)
    return message.as_bytes()


@settings(max_examples=300, deadline=None)
@given(subject=text, name=text)
def test_any_subject_and_name_is_decoded_exactly_as_written(subject, name):
    data = wire(subject, name)

    head = data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    received = email.message_from_bytes(data, policy=email.policy.compat32)
    assert rfc2047(received["Subject"]) == subject
    assert email.message_from_bytes(data, policy=email.policy.default)["Subject"] == subject
    to = [(rfc2047(n), a) for n, a in getaddresses([received["To"]])]
    assert to == [(name, "a@b.vn"), ("", "plain@example.vn")]
    [sender] = [(rfc2047(n), a) for n, a in getaddresses([received["From"]])]
    assert sender == (name, "billing@lotus.vn")


def test_encoded_lines_stay_within_78_characters():
    subject = " ".join(WORDS * 3)
    data = wire(subject, " ".join(WORDS[:12]))

    lines = data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    encoded = [line for line in lines if b"=?utf-8?" in line]
    assert len(encoded) > 10
    assert max(len(line) for line in encoded) <= 78


def test_ascii_headers_are_left_to_django():
    data = wire("Reminder: invoice INV-001", "Lotus Studio")

    assert b"Subject: Reminder: invoice INV-001\r\n" in data
    assert b"=?utf-8?" not in data
