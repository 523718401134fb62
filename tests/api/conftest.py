"""Fixtures for the API tests: users with each role, their tokens, and two small ledgers.

`ledger` fills the organization `org` (VND) with two clients, a contract, three invoices
(one overdue and open, one partly paid, one paid), payments, a promise, a dispute and a
plan; `their` fills `other_org` (GBP) with the same kinds of rows, whose ids the isolation
tests ask `org`'s token for.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient

from owed.api.tokens import token_create
from owed.dunning.models import Action, Dispute, Interaction, Plan, Promise
from owed.dunning.services import dispute_open, note_log, plan_create, promise_record
from owed.ledger.models import Client, Contact, Contract, Invoice, Membership, Payment
from owed.ledger.services import LineInput, invoice_create, payment_record

ISSUED = date(2026, 10, 1)
DUE = date(2026, 10, 31)
AS_OF = date(2026, 11, 22)


class Api:
    """Django's test client speaking JSON to /api with a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.http = HttpClient()
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**sent, **(headers or {})}

    def get(self, path: str, headers: dict | None = None, **params):
        return self.http.get(f"/api{path}", params, headers=self._headers(headers))

    def post(self, path: str, data: dict | None = None, headers: dict | None = None):
        return self.http.post(
            f"/api{path}",
            data or {},
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path: str, data: dict, headers: dict | None = None):
        return self.http.patch(
            f"/api{path}", data, content_type="application/json", headers=self._headers(headers)
        )


def _user(organization, username: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="not-used-here")
    Membership.objects.create(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def owner_token(org) -> str:
    _user(org, "owner", Membership.Role.OWNER)
    return token_create(username="owner", organization=org, name="tests")[1]


@pytest.fixture
def api(owner_token) -> Api:
    return Api(owner_token)


@pytest.fixture
def member_api(org) -> Api:
    _user(org, "member", Membership.Role.MEMBER)
    return Api(token_create(username="member", organization=org)[1])


@pytest.fixture
def reader_api(org) -> Api:
    _user(org, "reader", Membership.Role.READ_ONLY)
    return Api(token_create(username="reader", organization=org)[1])


@pytest.fixture
def anonymous() -> Api:
    return Api(None)


@dataclass
class Books:
    """One organization's rows, by name."""

    client: Client
    second_client: Client
    contact: Contact
    contract: Contract
    overdue: Invoice
    partly_paid: Invoice
    paid: Invoice
    payment: Payment
    promise: Promise
    dispute: Dispute
    plan: Plan
    interaction: Interaction
    action: Action


def make_books(organization, currency: str, unit: str) -> Books:
    """A small ledger with each kind of row the API serves; `unit` is an amount of `currency`."""
    unit_amount = Decimal(unit)

    def client(code: str, name: str) -> Client:
        return Client.objects.create(
            organization=organization, code=code, name=name, country="VN", currency=currency
        )

    def invoice(number: str, who: Client, due: date = DUE, times: int = 10, **kw) -> Invoice:
        return invoice_create(
            organization=organization,
            client=who,
            number=number,
            issue_date=ISSUED,
            due_date=due,
            currency=currency,
            lines=[LineInput("Design work", Decimal(times), unit_amount, Decimal(10))],
            **kw,
        )

    def pay(who: Client, day: date, units: int, invoice: Invoice, **kw) -> Payment:
        return payment_record(
            organization=organization,
            client=who,
            date=day,
            amount=unit_amount * units,
            currency=currency,
            invoices=[invoice],
            **kw,
        )

    sen = client("SEN", "Sen Vang Co.")
    lam = client("LAM", "Lam Son Ltd")
    contact = Contact.objects.create(
        organization=organization, client=sen, role="billing", email="ap@sen.example"
    )
    contract = Contract.objects.create(
        organization=organization,
        client=sen,
        code="K-1",
        title="Website",
        price=unit_amount * 100,
        currency=currency,
    )
    overdue = invoice("INV-001", sen, contract=contract)
    partly = invoice("INV-002", sen, due=date(2026, 12, 15))
    paid = invoice("INV-003", lam, due=date(2026, 11, 10), times=2)
    promised = invoice("INV-004", lam, due=date(2026, 11, 1))
    disputed = invoice("INV-005", lam, due=date(2026, 11, 5))
    pay(sen, date(2026, 11, 2), 3, partly, reference="part")
    payment = pay(lam, date(2026, 11, 3), 22, paid, key="bank/0001")
    promise = promise_record(
        organization=organization, invoices=[promised], until=date(2026, 12, 1), on=AS_OF
    )
    dispute = dispute_open(
        organization=organization, invoice=disputed, reason="Wrong hours", on=AS_OF
    )
    plan = plan_create(
        organization=organization, invoices=[partly], instalments=3, every_days=30, on=AS_OF
    )
    note = note_log(organization=organization, client=sen, on=AS_OF, note="Called the office")
    action = Action.objects.create(
        organization=organization,
        key=f"invoice:{overdue.pk}:reminder_due",
        kind="ladder",
        client=sen,
        invoice=overdue,
        step="reminder_due",
        channels="email",
        decided_on=AS_OF,
        scheduled_for="2026-11-22T02:00:00Z",
    )
    return Books(
        client=sen,
        second_client=lam,
        contact=contact,
        contract=contract,
        overdue=overdue,
        partly_paid=partly,
        paid=paid,
        payment=payment,
        promise=promise,
        dispute=dispute,
        plan=plan,
        interaction=note,
        action=action,
    )


@pytest.fixture
def ledger(org) -> Books:
    return make_books(org, "VND", "100000")


@pytest.fixture
def their(other_org) -> Books:
    return make_books(other_org, "GBP", "12.50")


@pytest.fixture(autouse=True)
def _own_run_lock_folder(monkeypatch, tmp_path_factory):
    # As in tests/dunning: a run's lock file for the in-memory database is per session.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.getbasetemp()))
