"""Why interest cannot be worked out, as a user reads it: a sentence in the user's
language, written as the bases are (Solar Hijri dates and Persian digits in Persian),
never an argument name or a table key."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from owed.core.basis import missing_rate
from owed.core.interest import InterestError, statutory_interest
from owed.core.rates import TABLES
from owed.dunning.models import Action
from owed.errors import OwedError
from owed.law import services
from tests.dunning.books import Books, day

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[A-Za-z_]")


@pytest.fixture
def books(org):
    return Books(org)


def demanded(invoice, on: str) -> None:
    """A formal notice was sent for `invoice` on `on`: the creditor's demand."""
    Action.objects.create(
        organization=invoice.organization,
        key=f"invoice:{invoice.pk}:formal_notice",
        kind="ladder",
        client=invoice.client,
        invoice=invoice,
        subject_id=invoice.pk,
        step="formal_notice",
        channels="email",
        decided_on=day(on),
        scheduled_for=datetime.fromisoformat(on).replace(hour=9, tzinfo=UTC),
        status="sent",
    )


def problem(invoice, until: str, language: str) -> str:
    with translation.override(language), pytest.raises(OwedError) as raised:
        services.invoice_charges(invoice, until=day(until))
    return raised.value.message


def test_an_iranian_invoice_before_any_demand_says_so_in_persian_without_latin(books):
    client = books.client("C1", "IR")
    invoice = books.invoice(client, "IR-1", "2018-04-01", 5_000_000)

    persian = problem(invoice, "2019-03-01", "fa")
    english = problem(invoice, "2019-03-01", "en")

    assert "۵۲۲" in persian and not LATIN.search(persian), persian
    assert "demand_on" not in english
    assert english == (
        "Damages under Art. 522 of the Civil Procedure Code run only from the day payment "
        "was demanded, and no demand for payment has been made yet. The first formal notice "
        "or demand letter sent to the client is the demand."
    )
    for language in ("vi", "th"):
        said = problem(invoice, "2019-03-01", language)
        assert "demand_on" not in said and said != english, language


def test_an_index_the_table_lacks_is_named_in_the_user_s_language_and_calendar(books):
    client = books.client("C2", "IR")
    invoice = books.invoice(client, "IR-2", "2025-05-01", 5_000_000)
    demanded(invoice, "2025-06-01")

    persian = problem(invoice, "2026-01-15", "fa")
    english = problem(invoice, "2026-01-15", "en")

    # The index the table lacks is the one of the due date's Solar Hijri year, 1404.
    assert "سال ۱۴۰۴ " in persian and not LATIN.search(persian), persian
    assert "ir_cbi_index" not in english
    assert english.startswith("The Central Bank of Iran's annual price index for the year 1404 ")
    with translation.override("vi"):
        assert "1404" in problem(invoice, "2026-01-15", "vi")  # a year: no "1.404"


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("language", ["vi", "fa", "th"])
def test_every_missing_rate_is_said_without_its_table_key(table, language):
    said = services.say(missing_rate(table, date(2026, 5, 1)), language)
    english = services.say(missing_rate(table, date(2026, 5, 1)), "en")
    assert table not in said and table not in english
    assert said != english
    if language == "fa":
        assert not LATIN.search(said), said


@pytest.mark.parametrize(
    ("law", "currency", "terms"),
    [
        ("IR", "USD", {"demand_on": date(2018, 1, 1)}),
        ("IR", "IRR", {}),
        ("IR", "IRR", {"contract_rate": 12}),
        ("VN-COMMERCIAL", "VND", {}),
    ],
)
def test_what_the_law_needs_and_the_debt_lacks_is_said_in_persian(law, currency, terms):
    if "contract_rate" in terms:
        terms = {"contract_rate": Decimal(terms["contract_rate"])}
    with pytest.raises(InterestError) as raised:
        statutory_interest(
            law, Decimal(1_000_000), currency, date(2017, 5, 1), date(2019, 6, 1), **terms
        )
    persian = services.reason(raised.value, "fa")
    assert persian != str(raised.value)
    # Only the currency code a debt is in may show in Latin letters.
    assert not LATIN.search(persian.replace(currency, "")), persian


def test_the_years_of_an_iranian_basis_have_no_thousands_separator():
    result = statutory_interest(
        "IR",
        Decimal(5_000_000),
        "IRR",
        date(2018, 4, 1),
        date(2019, 5, 1),
        demand_on=date(2018, 5, 1),
    )
    assert "1398" in services.say(result.basis, "vi") and "1.398" not in services.say(
        result.basis, "vi"
    )
    assert "۱۳۹۸" in services.say(result.basis, "fa")
