"""Money rules on the ledger: the law of an invoice, its interest with part-payments, the
contract's fees and penalty, added rate rows, small-claims warnings and factoring."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from owed.dunning.models import Action
from owed.errors import OwedError
from owed.law import services
from owed.law.models import RateEntry
from tests.dunning.books import Books, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(org):
    return Books(org)


def taken(invoice, step: str, on: str) -> None:
    """Record that the ladder took `step` for `invoice` on `on` (as a run would)."""
    Action.objects.create(
        organization=invoice.organization,
        key=f"invoice:{invoice.pk}:{step}",
        kind="ladder",
        client=invoice.client,
        invoice=invoice,
        subject_id=invoice.pk,
        step=step,
        channels="email",
        decided_on=day(on),
        scheduled_for=datetime.fromisoformat(on).replace(hour=9, tzinfo=UTC),
    )


def test_the_law_of_a_jurisdiction():
    assert services.law_for("gb") == "GB"
    assert services.law_for("GB-SCT") == "GB"
    assert services.law_for("AT") == "EU"
    assert services.law_for("DE") == "DE"
    assert services.law_for("US-NY") == "US-NY"
    assert services.law_for("VN") == "VN"
    assert services.law_for("VN", market_rate=Decimal("11.5")) == "VN-COMMERCIAL"
    with pytest.raises(OwedError, match="name the state"):
        services.law_for("US")
    with pytest.raises(OwedError, match="no late-payment interest rules for JP"):
        services.law_for("JP")


def test_a_british_invoice_paid_in_part_accrues_on_what_is_left(books):
    client = books.client("C1", "GB")
    invoice = books.invoice(client, "GB-1", "2025-03-01", 1000)
    books.pay(invoice, "2025-04-10", 400)
    charges = services.invoice_charges(invoice, until=day("2025-06-09"))
    # BoE 4.75 % on 31 Dec 2024 + 8 = 12.75 %, fixed; 1000 for 40 days (2 Mar-10 Apr),
    # then 600 for 60 days (11 Apr-9 Jun), actual/365, rounded once half-even.
    expected = (Decimal(1000) * 40 + Decimal(600) * 60) * Decimal("0.1275") / 365
    assert charges.law == "GB"
    assert charges.interest.rate == Decimal("12.75")
    assert charges.interest.interest == expected.quantize(Decimal("0.01"))
    assert charges.interest.compensation == Decimal(70)  # a debt of 1,000 to 9,999.99
    assert charges.interest.paid == Decimal(400)
    assert charges.total_due == Decimal(600) + charges.interest.interest + 70
    assert [r.table for r in charges.interest.rates_used] == ["boe"]


def test_a_consumer_owes_no_interest_under_the_act(books):
    client = books.client("C2", "GB", kind="individual")
    invoice = books.invoice(client, "GB-2", "2025-03-01", 1000)
    charges = services.invoice_charges(invoice, until=day("2025-06-09"))
    assert charges.interest.interest == 0
    assert charges.interest.compensation == 0
    assert charges.warnings  # says why


def test_contract_fees_are_charged_per_formal_letter_taken(books):
    client = books.client("C3", "GB")
    contract = books.contract(client, "K3", work_stop_grace_days=None)
    contract.late_fee = Decimal(25)
    contract.fee_percent = Decimal(1)
    contract.save()
    invoice = books.invoice(client, "GB-3", "2025-03-01", 1000, contract=contract)
    before = services.invoice_charges(invoice, until=day("2025-06-09"))
    assert before.fees == 0 and before.fee_steps == 0
    taken(invoice, "formal_notice", "2025-03-22")
    taken(invoice, "reminder", "2025-03-02")  # not a formal letter: no fee
    after = services.invoice_charges(invoice, until=day("2025-06-09"))
    assert after.fee_steps == 1
    assert after.fees == Decimal(25) + Decimal(10)  # 25 + 1 % of 1,000
    taken(invoice, "demand_letter", "2025-04-15")
    assert services.invoice_charges(invoice, until=day("2025-06-09")).fees == Decimal(70)
    # A letter after the day asked about does not count yet.
    assert services.invoice_charges(invoice, until=day("2025-04-01")).fees == Decimal(35)


def test_a_vietnamese_agreed_rate_above_the_cap_is_capped_with_a_warning(books):
    client = books.client("C4", "VN")
    contract = books.contract(client, "K4", work_stop_grace_days=None)
    contract.interest_rate = Decimal(24)
    contract.save()
    invoice = books.invoice(client, "VN-1", "2026-01-01", 100_000_000, contract=contract)
    charges = services.invoice_charges(invoice, until=day("2026-04-11"))  # 100 days
    assert charges.interest.rate == Decimal(20)
    assert charges.interest.interest == (
        Decimal(100_000_000) * Decimal("0.20") * 100 / 365
    ).quantize(Decimal(1))
    assert any("468" in w for w in charges.warnings)


def test_a_vietnamese_trade_penalty_is_capped_at_8_percent(books):
    client = books.client("C5", "VN")
    contract = books.contract(client, "K5", work_stop_grace_days=None)
    contract.market_rate = Decimal("12")
    contract.penalty_percent = Decimal(12)
    contract.save()
    invoice = books.invoice(client, "VN-2", "2026-01-01", 50_000_000, contract=contract)
    charges = services.invoice_charges(invoice, until=day("2026-02-01"))
    assert charges.law == "VN-COMMERCIAL"
    assert charges.penalty == Decimal(4_000_000)
    assert any("301" in w for w in charges.warnings)


def test_a_rate_the_tables_lack_is_a_clear_error_until_a_user_adds_it(books):
    client = books.client("C6", "GB")
    invoice = books.invoice(client, "GB-6", "2026-08-01", 1000)
    with pytest.raises(OwedError, match="Bank of England Bank Rate in force on June 30, 2026"):
        services.invoice_charges(invoice, until=day("2026-11-22"))
    services.rate_add(
        table="boe", valid_from=day("2026-05-01"), rate=Decimal("3.5"), source="BoE, 30 Apr 2026"
    )
    charges = services.invoice_charges(invoice, until=day("2026-11-22"))
    assert charges.interest.rate == Decimal("11.5")
    used = charges.interest.rates_used[0]
    assert (used.valid_from, used.rate, used.source) == (
        day("2026-05-01"),
        Decimal("3.5"),
        "BoE, 30 Apr 2026",
    )


def test_adding_rates_checks_what_it_is_given(db):
    with pytest.raises(OwedError, match="no rate table"):
        services.rate_add(table="fed", valid_from=day("2026-01-01"), rate=Decimal(4), source="x")
    with pytest.raises(OwedError, match="source"):
        services.rate_add(table="boe", valid_from=day("2026-01-01"), rate=Decimal(4), source=" ")
    with pytest.raises(OwedError, match="index"):
        services.rate_add(
            table="ir_cbi_index", valid_from=day("2026-03-21"), rate=Decimal(-1), source="CBI"
        )
    services.rate_add(table="boe", valid_from=day("2026-05-01"), rate=Decimal(4), source="BoE")
    with pytest.raises(OwedError, match="already has a rate"):
        services.rate_add(table="boe", valid_from=day("2026-05-01"), rate=Decimal(3), source="BoE")
    assert RateEntry.objects.count() == 1


def test_a_contract_above_the_small_claims_limit_is_warned_about(books):
    client = books.client("C7", "GB")
    contract = books.contract(client, "K7", work_stop_grace_days=None)
    contract.price = Decimal(12_000)
    contract.save()
    warnings = services.contract_warnings(contract, on=day("2026-11-22"))
    assert len(warnings) == 1 and "10000" in warnings[0].replace(",", "")
    contract.price = Decimal(9_000)
    contract.save()
    assert services.contract_warnings(contract, on=day("2026-11-22")) == []


def test_factoring_a_part_paid_invoice(books):
    client = books.client("C8", "GB")
    invoice = books.invoice(client, "GB-8", "2026-10-01", 1500)
    books.pay(invoice, "2026-10-05", 500)
    quote = services.invoice_factoring(invoice, advance=Decimal(80), fee=Decimal(3))
    assert (quote.advance, quote.fee, quote.reserve, quote.net) == (
        Decimal(800),
        Decimal(30),
        Decimal(200),
        Decimal(970),
    )
    books.pay(invoice, "2026-10-06")
    with pytest.raises(OwedError, match="nothing left"):
        services.invoice_factoring(invoice, advance=Decimal(80), fee=Decimal(3))


def test_the_basis_is_said_in_each_language_with_its_digits_and_calendar():
    from owed.core.interest import statutory_interest

    result = statutory_interest("GB", Decimal(12000), "GBP", day("2025-03-01"), day("2025-06-09"))
    english = services.say(result.basis, "en")
    assert "4.75" in english and "12.75" in english and "1998" in english
    persian = services.say(result.basis, "fa")
    assert "۱۲٫۷۵٪" in persian  # Persian digits, decimal separator and percent sign
    assert "۱۴۰۳" in persian  # 31 December 2024 is in the Solar Hijri year 1403
    assert "\u2066Late Payment of Commercial Debts (Interest) Act 1998\u2069" in persian
    thai = services.say(result.basis, "th")
    assert "2567" in thai  # 2024 in the Buddhist era
    assert services.say(result.basis, "vi") != english
