"""The texts owed ships for every step: present in every language, using only known
placeholders, and filled in line by line (a line whose value is missing is left out)."""

from __future__ import annotations

import pytest

from owed.core.localize import LANGUAGES
from owed.documents import texts


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", texts.KEYS)
def test_every_step_has_a_text_in_every_language(key, language):
    wording = texts.default_wording(key, language)

    assert wording.subject.strip()
    assert wording.body.strip()
    for part in (wording.subject, wording.body, wording.letter_body):
        assert texts.unknown_placeholders(part) == []
        assert texts.stray_braces(part) == 0
    if key in texts.LETTER_KEYS:
        assert wording.letter_body.strip(), f"{language}/{key} sends a letter but has no letter"
    else:
        assert wording.letter_body == ""


def test_no_default_text_is_missing_and_every_file_is_a_step():
    found = {
        f"{path.parent.name}/{path.name.split('.')[0]}"
        for path in texts.WORDING.glob("*/*.txt")
        if path.name != "parts.txt"
    }

    assert texts.missing_defaults() == []
    assert found == {f"{lang}/{key}" for lang in LANGUAGES for key in texts.KEYS}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_texts_are_written_in_their_own_language(language):
    body = texts.default_wording("reminder", language).body
    script = {"en": "Dear", "vi": "Kính gửi", "fa": "گرامی", "th": "เรียน"}[language]

    assert script in body
    assert texts.parts(language).keys() == texts.parts("en").keys()


def test_a_formal_notice_states_everything_the_playbook_asks_for():
    used = set(texts.placeholders_in(texts.default_wording("formal_notice", "en").body))

    assert {
        "invoice_list",
        "total_balance",
        "oldest_due_date",
        "earlier_contacts",
        "interest",
        "fees",
        "legal_basis",
        "deadline",
    } <= used


def test_a_credit_hold_letter_names_the_account_the_requests_and_how_to_lift_it():
    letter = texts.default_wording("credit_hold", "en").letter_body

    for name in ("account_number", "earlier_contacts", "total_balance", "deadline"):
        assert f"{{{name}}}" in letter
    assert "To lift the hold, please pay the full balance by {deadline}." in letter


def test_persian_texts_use_persian_punctuation():
    for key in texts.KEYS:
        body = texts.default_wording(key, "fa").body
        assert "," not in body.replace("{", "").replace("}", ""), key
        assert "?" not in body, key


def test_a_line_whose_value_is_missing_is_left_out():
    text = "Dear {contact_name},\n\nInterest: {interest}\nFees: {fees}\n\n{portal_link}\n\nBye"

    filled = texts.render(text, {"contact_name": "Lan", "interest": "£5.00", "fees": ""})

    assert filled == "Dear Lan,\n\nInterest: £5.00\n\nBye"


def test_doubled_braces_write_a_brace_and_literal_text_is_escaped():
    filled = texts.render(
        "{{x}} <b>{client_name}</b>", {"client_name": "&lt;A&gt;"}, escape=str.upper
    )

    assert filled == "{X} <B>&lt;A&gt;</B>"


def test_an_unknown_placeholder_or_a_stray_brace_cannot_be_rendered():
    with pytest.raises(texts.TextError, match=r"unknown placeholder \{client\}"):
        texts.render("Dear {client}", {})
    with pytest.raises(texts.TextError, match="brace"):
        texts.render("Dear {client_name", {})
    assert texts.unknown_placeholders("{ client_name } {amount} {client_name}") == [
        " client_name ",
        "amount",
    ]
