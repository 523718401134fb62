"""Fixtures for the back-office tests: users with each role, and two small ledgers dated
from the organization's today.

`books` fills `org` (VND, Asia/Ho_Chi_Minh) with a Vietnamese client, its contacts and a
contract with a work-stop clause, two overdue invoices (one numbered with a "/"), one paid
on time and one paid late, and two actions planned for today: a call and a reminder.
`their` fills `other_org` with the same kinds of rows under other codes and numbers; the
isolation tests ask `org`'s users for them.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client as HttpClient
from django.utils import timezone

from owed.dunning.models import Action, ActionLine
from owed.ledger.models import Client, Contact, Contract, Invoice, Membership, Organization
from owed.ledger.selectors import annotate_balance
from owed.ledger.services import LineInput, invoice_create, payment_record

PASSWORD = "a long enough password"


@pytest.fixture
def own_run_lock_folder(monkeypatch, tmp_path_factory):
    """A collections run takes a lock file named after the database, in the temporary
    folder: give this session its own folder, so that another test session running at
    the same time on the machine cannot refuse our run (see tests/dunning/conftest.py)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.getbasetemp()))


@pytest.fixture(autouse=True)
def _empty_cache():
    # Log-in failures are counted in the cache: each test starts from none.
    cache.clear()
    yield
    cache.clear()


def make_user(username: str, *memberships: tuple[Organization, str]):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    for organization, role in memberships:
        Membership.objects.create(organization=organization, user=user, role=role)
    return user


def logged_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@dataclass
class Books:
    org: Organization
    today: date
    client: Client
    contract: Contract
    overdue: Invoice
    recent: Invoice
    paid_on_time: Invoice
    paid_late: Invoice
    call: Action
    reminder: Action


def _planned(
    org, client, invoice, step: str, channels: str, today: date, *, key: str | None = None
) -> Action:
    """A planned action due now, keyed as the run keys it unless `key` says otherwise."""
    action = Action.objects.create(
        organization=org,
        key=key or f"invoice:{invoice.pk}:{step}",
        kind="ladder",
        client=client,
        invoice=invoice,
        subject_id=invoice.pk,
        step=step,
        channels=channels,
        decided_on=today,
        scheduled_for=timezone.now() - timedelta(minutes=5),
    )
    balance = annotate_balance(Invoice.objects.filter(pk=invoice.pk)).get().balance
    ActionLine.objects.create(
        action=action,
        invoice=invoice,
        days_overdue=(today - invoice.due_date).days,
        balance=balance,
    )
    return action


def make_books(org: Organization, *, prefix: str = "", code: str = "HOASEN") -> Books:
    today = org.today()
    currency = org.currency
    client = Client.objects.create(
        organization=org,
        code=code,
        name=f"{prefix}Công ty TNHH Hoa Sen",
        country=org.country,
        currency=currency,
        language="vi",
    )
    Contact.objects.create(
        organization=org,
        client=client,
        role="main",
        name="Nguyễn Văn An",
        email="an@hoasen.example",
    )
    Contact.objects.create(
        organization=org,
        client=client,
        role="billing",
        name="Trần Thị Bình",
        phone="+84 28 3822 0000",
        preferred_channel="phone",
    )
    contract = Contract.objects.create(
        organization=org,
        client=client,
        code=f"{prefix}K-1",
        title="Website",
        price=Decimal(30_000_000) if currency == "VND" else Decimal(3000),
        currency=currency,
        work_stop_grace_days=15,
        grace_days=3,
    )
    unit = Decimal(1_000_000) if currency == "VND" else Decimal(100)

    def invoice(number: str, due: date, times: int, **kw) -> Invoice:
        return invoice_create(
            organization=org,
            client=client,
            number=f"{prefix}{number}",
            issue_date=due - timedelta(days=30),
            due_date=due,
            currency=currency,
            lines=[LineInput("Thiết kế", Decimal(times), unit)],
            **kw,
        )

    overdue = invoice("INV-001", today - timedelta(days=40), 15, contract=contract)
    recent = invoice("INV/002", today - timedelta(days=12), 3)
    paid_on_time = invoice("INV-003", today - timedelta(days=70), 2)
    paid_late = invoice("INV-004", today - timedelta(days=100), 4)
    payment_record(
        organization=org,
        client=client,
        date=today - timedelta(days=72),
        amount=unit * 2,
        currency=currency,
        invoices=[paid_on_time],
    )
    payment_record(
        organization=org,
        client=client,
        date=today - timedelta(days=80),
        amount=unit * 4,
        currency=currency,
        invoices=[paid_late],
    )
    return Books(
        org=org,
        today=today,
        client=client,
        contract=contract,
        overdue=overdue,
        recent=recent,
        paid_on_time=paid_on_time,
        paid_late=paid_late,
        call=_planned(org, client, overdue, "call", "task", today),
        reminder=_planned(org, client, recent, "reminder", "email", today),
    )


@pytest.fixture
def books(org) -> Books:
    return make_books(org)


@pytest.fixture
def their(other_org) -> Books:
    return make_books(other_org, prefix="X-", code="THISTLE")


@pytest.fixture
def owner(org):
    return make_user("mai", (org, Membership.Role.OWNER))


@pytest.fixture
def member(org):
    return make_user("an", (org, Membership.Role.MEMBER))


@pytest.fixture
def reader(org):
    return make_user("binh", (org, Membership.Role.READ_ONLY))


@pytest.fixture
def web(owner) -> HttpClient:
    """The owner of `org`, logged in."""
    return logged_in(owner)


@pytest.fixture
def web_member(member) -> HttpClient:
    return logged_in(member)


@pytest.fixture
def web_reader(reader) -> HttpClient:
    return logged_in(reader)
