"""What a call's outcome leads to (playbook L3-L4).

Every call records why the client has not paid, one of `Reason`. The reason suggests the
next move: a lost invoice gets a fresh copy at once, a cash-flow problem a payment plan
proposal, a dissatisfied client a dispute. A call that ends without a payment date gets a
call-back on the next business day.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from owed.core.calendar import next_business_day


class Reason(enum.StrEnum):
    FORGOT = "forgot"
    INVOICE_LOST = "invoice_lost"
    DISSATISFIED = "dissatisfied"
    CASH_FLOW = "cash_flow"
    DELIBERATE = "deliberate"
    OTHER = "other"


class Move(enum.StrEnum):
    SEND_INVOICE_COPY = "send_invoice_copy"
    PROPOSE_PLAN = "propose_plan"
    OPEN_DISPUTE = "open_dispute"
    RECORD_PROMISE = "record_promise"
    CALL_BACK = "call_back"


@dataclass(frozen=True, slots=True)
class NextMove:
    move: Move
    on: date
    """The day the move is due: the call's day, or the next business day for a call-back."""


def moves_after_call(
    *, reason: Reason, called_on: date, promised_for: date | None, country: str
) -> tuple[NextMove, ...]:
    """The moves a call suggests, in the order they should be made.

    A promised date is recorded as a promise whatever the reason; without one, the client
    is called back on the next business day in `country`.
    """
    moves: list[NextMove] = []
    if reason is Reason.INVOICE_LOST:
        moves.append(NextMove(Move.SEND_INVOICE_COPY, called_on))
    elif reason is Reason.CASH_FLOW:
        moves.append(NextMove(Move.PROPOSE_PLAN, called_on))
    elif reason is Reason.DISSATISFIED:
        moves.append(NextMove(Move.OPEN_DISPUTE, called_on))
    if promised_for is not None:
        moves.append(NextMove(Move.RECORD_PROMISE, called_on))
    elif reason is not Reason.DISSATISFIED:
        # A dispute pauses the ladder and has its own task; a call-back would nag.
        moves.append(NextMove(Move.CALL_BACK, next_business_day(called_on, country)))
    return tuple(moves)
