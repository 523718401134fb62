from datetime import date

import pytest

from owed.core.calls import Move, NextMove, Reason, moves_after_call

FRIDAY = date(2026, 11, 20)
MONDAY = date(2026, 11, 23)


def moves(reason, promised=None, country="GB", on=FRIDAY):
    return moves_after_call(reason=reason, called_on=on, promised_for=promised, country=country)


def test_a_lost_invoice_gets_a_copy_now_and_a_call_back_next_business_day():
    assert moves(Reason.INVOICE_LOST) == (
        NextMove(Move.SEND_INVOICE_COPY, FRIDAY),
        NextMove(Move.CALL_BACK, MONDAY),
    )


def test_cash_flow_proposes_a_plan():
    assert moves(Reason.CASH_FLOW)[0] == NextMove(Move.PROPOSE_PLAN, FRIDAY)


def test_a_dissatisfied_client_gets_a_dispute_and_no_call_back():
    assert moves(Reason.DISSATISFIED) == (NextMove(Move.OPEN_DISPUTE, FRIDAY),)


@pytest.mark.parametrize("reason", list(Reason))
def test_a_promised_date_is_recorded_instead_of_a_call_back(reason):
    found = [m.move for m in moves(reason, promised=date(2026, 12, 1))]
    assert Move.RECORD_PROMISE in found
    assert Move.CALL_BACK not in found


def test_the_call_back_follows_the_clients_calendar():
    # Thursday 2026-11-19 in Iran: Friday is the weekend, Saturday is a working day.
    assert moves(Reason.FORGOT, country="IR", on=date(2026, 11, 19)) == (
        NextMove(Move.CALL_BACK, date(2026, 11, 21)),
    )
    assert moves(Reason.FORGOT) == (NextMove(Move.CALL_BACK, MONDAY),)
