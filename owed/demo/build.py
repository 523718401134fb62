"""Writing the demo: replace the demo organization with a freshly generated one.

`build_demo` plans the demo with `owed.demo.generate.Generator`, then, in one transaction,
deletes the earlier demo organization, creates the new one with its payment accounts and
login, and writes clients, contracts, invoices and payments with `bulk_create`, reporting
progress as it goes, and returns a summary of what it wrote.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from owed.demo.collections import delete_collections, simulate
from owed.demo.data import PAYMENT_METHODS, STATE_ZONES, ClientRow
from owed.demo.day import day_note, demo_day
from owed.demo.generate import Generator
from owed.demo.people import tax_id
from owed.demo.plan import digits
from owed.ledger import presenters, selectors, services
from owed.ledger.models import (
    Allocation,
    ChangeOrder,
    Client,
    Contact,
    Contract,
    Invoice,
    InvoiceLine,
    Membership,
    Milestone,
    Organization,
    Payment,
    PaymentAccount,
)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "owed-demo-2026"
DEMO_SLUG = "demo"

ORG_NAME = "Saigon Kite Studio Co., Ltd."
ORG_TIMEZONE = "Asia/Ho_Chi_Minh"
STEPS = 10

Progress = Callable[[int, int], None]


def _delete_demo() -> None:
    """Delete the earlier demo organization and its rows, children first, set-based."""
    org = Organization.objects.filter(slug=DEMO_SLUG).first()
    if org is None:
        return
    delete_collections(org)
    for model in (
        Allocation,
        Payment,
        InvoiceLine,
        Invoice,
        Milestone,
        ChangeOrder,
        Contract,
        Contact,
        Client,
        PaymentAccount,
        Membership,
    ):
        model.objects.filter(organization=org).delete()
    org.delete()


def _create_organization(rng: random.Random) -> Organization:
    org = services.organization_create(
        name=ORG_NAME,
        slug=DEMO_SLUG,
        country="VN",
        currency="VND",
        language="en",
        timezone=ORG_TIMEZONE,
    )
    org.tax_id = tax_id(
        rng, ClientRow("VN", Client.Kind.BUSINESS, ORG_NAME, "", "028", "03", "VN", "")
    )
    org.address = "Floor 4, 27 Lý Tự Trọng, Phường Sài Gòn, TP. Hồ Chí Minh, Vietnam"
    org.email = "billing@saigonkite.example"
    org.phone = "+84 28 3822 0146"
    org.website = "https://saigonkite.example"
    org.save(update_fields=["tax_id", "address", "email", "phone", "website"])
    services.payment_account_add(
        organization=org,
        kind=PaymentAccount.Kind.VN_BANK,
        label="Vietcombank (VND)",
        holder="CONG TY TNHH SAIGON KITE STUDIO",
        bank_name="Vietcombank (Ngân hàng TMCP Ngoại thương Việt Nam)",
        bank_bin="970436",
        account_number="1036288899",
        currency="VND",
    )
    services.payment_account_add(
        organization=org,
        kind=PaymentAccount.Kind.IBAN,
        label="Wise (EUR, GBP, USD)",
        holder="Saigon Kite Studio Co., Ltd.",
        bank_name="Wise Europe SA",
        iban="BE94 9671 2345 6714",
        bic="TRWIBEB1XXX",
    )
    # Local accounts for the Thai and Iranian clients: a PromptPay code on their letters,
    # and a Sheba they can pay in rials.
    services.payment_account_add(
        organization=org,
        kind=PaymentAccount.Kind.PROMPTPAY,
        label="PromptPay (THB)",
        holder="Saigon Kite Studio Co., Ltd.",
        promptpay_id="0105558123451",
        currency="THB",
    )
    services.payment_account_add(
        organization=org,
        kind=PaymentAccount.Kind.IBAN,
        label="Bank Mellat (IRR)",
        holder="Saigon Kite Studio Co., Ltd.",
        bank_name="بانک ملت",
        iban="IR970120000000004532761208",
        currency="IRR",
    )
    services.user_add(organization=org, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    return org


def _write_clients(org: Organization, gen: Generator) -> None:
    for plan in gen.clients:
        row = plan.row
        plan.obj = Client(
            organization=org,
            code=plan.code,
            name=row.name,
            kind=row.kind,
            tax_id=plan.tax_id,
            address=row.address,
            country=row.country,
            language=plan.country.language,
            currency=plan.country.currency,
            # A country with one clock needs no zone of its own; a US client's is its state's.
            timezone=STATE_ZONES.get(row.jurisdiction, ""),
            notes=plan.notes,
        )
    Client.objects.bulk_create([p.obj for p in gen.clients])
    Contact.objects.bulk_create(
        Contact(organization=org, client=plan.obj, **contact)
        for plan in gen.clients
        for contact in plan.contacts
    )


def _write_contracts(org: Organization, gen: Generator) -> None:
    for plan in gen.contracts:
        plan.obj = Contract(
            organization=org,
            client=plan.client.obj,
            code=plan.code,
            title=plan.title,
            scope=plan.scope,
            signed_on=plan.signed_on,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            price=plan.price,
            price_basis=plan.price_basis,
            currency=plan.client.country.currency,
            payment_methods=PAYMENT_METHODS[plan.client.country.currency],
            interest_rate=plan.interest_rate,
            late_fee=plan.late_fee,
            grace_days=plan.grace_days,
            work_stop_grace_days=plan.work_stop_grace_days,
            jurisdiction=plan.jurisdiction,
        )
    Contract.objects.bulk_create([p.obj for p in gen.contracts])
    milestones = []
    for plan in gen.contracts:
        for m in plan.milestones:
            m.obj = Milestone(
                organization=org,
                contract=plan.obj,
                position=m.position,
                description=m.description,
                percent=m.percent,
                amount=m.amount,
                due_rule=m.due_rule,
                due_on=m.due_on,
                due_days=m.due_days,
            )
            milestones.append(m.obj)
    Milestone.objects.bulk_create(milestones)
    ChangeOrder.objects.bulk_create(
        ChangeOrder(organization=org, contract=plan.obj, **change)
        for plan in gen.contracts
        for change in plan.change_orders
    )


def _write_invoices(org: Organization, gen: Generator) -> None:
    for plan in gen.invoices:
        plan.obj = Invoice(
            organization=org,
            client=plan.client.obj,
            contract=plan.contract.obj if plan.contract else None,
            milestone=plan.milestone.obj if plan.milestone else None,
            number=plan.number,
            issue_date=plan.issue,
            due_date=plan.due,
            currency=plan.client.country.currency,
            total=plan.total,
            written_off_on=plan.written_off_on,
        )
    Invoice.objects.bulk_create([p.obj for p in gen.invoices])
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            organization=org,
            invoice=plan.obj,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
        )
        for plan in gen.invoices
        for position, line in enumerate(plan.lines, start=1)
    )


_REFERENCE = {
    "VND": ("FT", Payment.Method.BANK_TRANSFER, Payment.Method.E_WALLET),
    "IRR": ("PAYA", Payment.Method.BANK_TRANSFER, Payment.Method.BANK_TRANSFER),
    "THB": ("TRF", Payment.Method.BANK_TRANSFER, Payment.Method.E_WALLET),
    "GBP": ("FPS", Payment.Method.BANK_TRANSFER, Payment.Method.CARD),
    "USD": ("ACH", Payment.Method.BANK_TRANSFER, Payment.Method.CARD),
    "EUR": ("SEPA", Payment.Method.BANK_TRANSFER, Payment.Method.BANK_TRANSFER),
}


def _write_payments(org: Organization, gen: Generator, rng: random.Random) -> None:
    payments = []
    for seq, plan in enumerate(gen.payments, start=1):
        currency = plan.client.country.currency
        prefix, usual, other = _REFERENCE[currency]
        method = other if rng.random() < 0.2 else usual
        bank_ref = f"{prefix}{plan.date:%y%j}{seq:04d}{digits(rng, 3)}"
        numbers = ", ".join(inv.number for inv, _ in plan.allocations)
        payments.append(
            Payment(
                organization=org,
                client=plan.client.obj,
                key=f"bank/{bank_ref}",
                date=plan.date,
                amount=plan.amount,
                currency=currency,
                method=method,
                reference=f"{bank_ref} {numbers}".strip(),
            )
        )
    Payment.objects.bulk_create(payments)
    Allocation.objects.bulk_create(
        Allocation(organization=org, payment=payment, invoice=invoice.obj, amount=amount)
        for payment, plan in zip(payments, gen.payments, strict=True)
        for invoice, amount in plan.allocations
    )


def _states(org: Organization) -> dict[str, int]:
    rows = (
        selectors.invoices_with_balance(organization=org)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
    )
    found = {row["state"]: row["n"] for row in rows}
    return {state: found.get(state, 0) for state in Invoice.State.values}


def build_demo(
    *,
    progress: Progress | None = None,
    today: date | None = None,
    seed: int = 2026,
    history: bool = True,
    mail: bool | None = None,
) -> dict:
    """Replace the demo organization with a fresh one and return a summary of it.

    The demo is dated `today` (default: today in the studio's time zone), or, when that is
    not a working day in every country of its clients, the last day before it that is
    (`owed.demo.day`); the summary's ``today``, ``date`` and ``note`` say which and why.
    With `history`, a month of daily collections runs (with calls, a promise, a dispute, a
    plan and a snooze) leads up to that day's run; without it, only that day's run is made.
    With `mail`, the day's messages are composed and delivered to a local mail sink, and the
    .eml files and letters left in the data folder (`owed.demo.mail`); by default they are
    unless the build runs inside a caller's transaction (delivery commits as it goes).
    """
    report = progress or (lambda done, total: None)
    asked = today or timezone.localdate(timezone=ZoneInfo(ORG_TIMEZONE))
    today = demo_day(asked)
    rng = random.Random(seed)
    report(0, STEPS)
    gen = Generator(rng, today)
    gen.run()
    report(1, STEPS)
    with transaction.atomic():
        _delete_demo()
        report(2, STEPS)
        org = _create_organization(rng)
        report(3, STEPS)
        _write_clients(org, gen)
        report(4, STEPS)
        _write_contracts(org, gen)
        report(5, STEPS)
        _write_invoices(org, gen)
        report(6, STEPS)
        _write_payments(org, gen, rng)
        report(7, STEPS)
        summary = {
            "organization": org.name,
            "slug": DEMO_SLUG,
            "clients": len(gen.clients),
            "contracts": len(gen.contracts),
            "invoices": len(gen.invoices),
            "payments": len(gen.payments),
            "states": _states(org),
            "by_currency": presenters.summary_rows(organization=org, as_of=today),
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
            "today": asked.isoformat(),
            "date": today.isoformat(),
            "note": day_note(asked, today),
        }
    report(8, STEPS)
    quiet = {client.code for client in gen.showcase}
    summary["collections"] = simulate(org, today=today, rng=rng, history=history, quiet=quiet)
    report(9, STEPS)
    if mail is None:
        mail = not transaction.get_connection().in_atomic_block
    if mail:
        from owed import config
        from owed.demo.mail import send_today

        summary["mail"] = send_today(org, today=today, folder=config.ensure_data_dir())
    report(STEPS, STEPS)
    return summary
