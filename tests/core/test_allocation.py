from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from owed.core.allocation import OpenItem, allocate
from owed.core.invoicing import Line, invoice_total, line_amounts

cents = st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n).scaleb(-2))


@given(amount=cents, balances=st.lists(cents, max_size=8))
def test_an_allocation_never_takes_more_than_a_balance_or_the_payment(amount, balances):
    items = [OpenItem(i, b) for i, b in enumerate(balances)]
    result = allocate(amount, items)
    for share in result.allocations:
        assert 0 < share.amount <= balances[share.key]
    assert sum(s.amount for s in result.allocations) + result.credit == amount
    assert result.credit >= 0
    if result.credit > 0:
        # Credit is only left when every invoice was paid in full.
        assert sum(s.amount for s in result.allocations) == sum(balances)


def test_a_payment_pays_the_invoices_in_the_order_given():
    result = allocate(Decimal(150), [OpenItem("a", Decimal(100)), OpenItem("b", Decimal(100))])
    assert [(s.key, s.amount) for s in result.allocations] == [
        ("a", Decimal(100)),
        ("b", Decimal(50)),
    ]
    assert result.credit == 0


def test_an_overpayment_is_left_as_credit():
    result = allocate(Decimal(120), [OpenItem("a", Decimal(100))])
    assert result.credit == Decimal(20)


def test_invoice_lines_round_half_up_per_line_and_the_total_is_their_sum():
    lines = [
        Line("Design", Decimal("3"), Decimal("33.335"), Decimal("10")),
        Line("Hosting", Decimal("1"), Decimal("10.00"), Decimal("0")),
    ]
    first = line_amounts(lines[0], "USD")
    assert first.net == Decimal("100.01")  # 100.005 rounds half up
    assert first.tax == Decimal("10.00")  # 10.001 rounds to 10.00
    assert invoice_total(lines, "USD") == Decimal("120.01")


def test_vnd_lines_round_to_whole_dong():
    line = Line("Thiết kế", Decimal("1.5"), Decimal("333333"), Decimal("8"))
    amounts = line_amounts(line, "VND")
    assert amounts.net == Decimal(500000)  # 499999.5 rounds half up
    assert amounts.tax == Decimal(40000)
