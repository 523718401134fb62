"""The demo organization: realistic, consistent, fast, and it replaces only itself."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext, override_settings

from owed.core import invoicing
from owed.core.identifiers import normalize_tax_id
from owed.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME, build_demo
from owed.ledger import presenters, selectors
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
from owed.ledger.services import LineInput, invoice_create, payment_record

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo built for the whole module, rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        summary = build_demo(today=TODAY)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def org(demo):
    return Organization.objects.get(slug=DEMO_SLUG)


@pytest.fixture
def invoices(org):
    return list(selectors.invoices_with_balance(organization=org))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


def test_summary_counts_match_the_database(demo, org):
    assert demo["organization"] == org.name
    assert demo["slug"] == DEMO_SLUG
    assert demo["clients"] == Client.objects.filter(organization=org).count() >= 35
    assert demo["contracts"] == Contract.objects.filter(organization=org).count() >= 20
    assert demo["invoices"] == Invoice.objects.filter(organization=org).count() >= 350
    assert demo["payments"] == Payment.objects.filter(organization=org).count() > 100
    assert sum(demo["states"].values()) == demo["invoices"]
    assert demo["by_currency"] == presenters.summary_rows(organization=org, as_of=TODAY)
    assert {row["currency"] for row in demo["by_currency"]} == {
        "VND",
        "IRR",
        "THB",
        "GBP",
        "USD",
        "EUR",
    }
    assert (demo["username"], demo["password"]) == (DEMO_USERNAME, DEMO_PASSWORD)


def test_every_state_is_present(demo, invoices):
    assert set(demo["states"]) >= set(Invoice.State.values)
    assert all(demo["states"][state] > 0 for state in Invoice.State.values)
    assert Counter(inv.state for inv in invoices) == {
        state: n for state, n in demo["states"].items() if n
    }


def test_invoices_fall_due_across_the_whole_range(invoices):
    unpaid = [inv for inv in invoices if inv.balance > 0 and inv.written_off_on is None]
    days_late = [(TODAY - inv.due_date).days for inv in unpaid]
    assert any(d < -5 for d in days_late), "current invoices"
    assert sum(-5 <= d <= -1 for d in days_late) >= 3, "invoices due within five days"
    assert sum(d >= 1 for d in days_late) >= 20, "overdue invoices"
    assert any(d > 60 for d in days_late), "long overdue invoices"
    assert max(days_late) <= 150, "nothing is left unpaid more than 150 days"
    partly_overdue = [inv for inv in unpaid if inv.state == "partly_paid"]
    assert any(inv.due_date < TODAY for inv in partly_overdue)
    assert all(inv.issue_date <= TODAY for inv in invoices)


def test_paid_invoices_were_paid_both_on_time_and_late(org):
    paid = selectors.invoices_with_balance(organization=org).filter(state="paid")
    due = dict(paid.values_list("pk", "due_date"))
    last_payment = dict(
        Allocation.objects.filter(organization=org, invoice__in=list(due))
        .values("invoice")
        .annotate(last=Max("payment__date"))
        .values_list("invoice", "last")
    )
    assert set(last_payment) == set(due)
    on_time = sum(last_payment[pk] <= due[pk] for pk in due)
    late = sum(last_payment[pk] > due[pk] for pk in due)
    assert on_time >= 20 and late >= 20
    assert all(day <= TODAY for day in last_payment.values())


def test_clients_come_from_six_countries_in_four_languages(org):
    clients = Client.objects.filter(organization=org)
    assert {c.country for c in clients} == {"VN", "IR", "TH", "GB", "US", "DE"}
    assert {c.language for c in clients} == {"vi", "fa", "th", "en"}
    expected = {"VN": ("vi", "VND"), "IR": ("fa", "IRR"), "TH": ("th", "THB")}
    expected |= {"GB": ("en", "GBP"), "US": ("en", "USD"), "DE": ("en", "EUR")}
    for client in clients:
        assert (client.language, client.currency) == expected[client.country]
    assert {c.kind for c in clients} == {"business", "individual"}


def test_names_are_written_in_their_own_script(org):
    by_country: dict[str, list[str]] = {}
    for client in Client.objects.filter(organization=org):
        by_country.setdefault(client.country, []).append(client.name)
    assert all(re.search(r"[\u0600-\u06ff]", name) for name in by_country["IR"])
    assert all(re.search(r"[\u0e00-\u0e7f]", name) for name in by_country["TH"])
    vietnamese = re.compile(
        r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
    )
    assert all(vietnamese.search(name.lower()) for name in by_country["VN"])


def test_tax_ids_have_valid_check_digits(org):
    clients = Client.objects.filter(organization=org)
    checked = [c for c in clients if c.tax_id]
    assert len(checked) >= 20
    for client in checked:
        assert normalize_tax_id(client.tax_id, client.country) == client.tax_id
    vn = [c.tax_id for c in clients if c.country == "VN"]
    assert all(len(tax_id) == 10 for tax_id in vn)
    th = [c.tax_id for c in clients if c.country == "TH"]
    assert all(len(tax_id) == 13 for tax_id in th)
    org_row = Organization.objects.get(slug=DEMO_SLUG)
    assert normalize_tax_id(org_row.tax_id, "VN") == org_row.tax_id


def test_contacts_have_roles_and_reachable_details(org):
    contacts = Contact.objects.filter(organization=org)
    assert {c.role for c in contacts} == {"main", "billing", "legal"}
    for client in Client.objects.filter(organization=org).prefetch_related("contacts"):
        roles = [c.role for c in client.contacts.all()]
        assert "main" in roles
        if client.kind == "business":
            assert "billing" in roles
    assert all(c.email.endswith(".example") for c in contacts)
    assert all(c.email or c.phone for c in contacts)


def test_organization_letterhead_payment_accounts_and_login(org):
    assert (org.country, org.currency, org.language) == ("VN", "VND", "en")
    assert org.timezone == "Asia/Ho_Chi_Minh"
    assert org.address and org.email and org.phone and org.website and org.tax_id
    accounts = {a.kind: a for a in PaymentAccount.objects.filter(organization=org)}
    assert accounts["vn_bank"].bank_bin == "970436"
    assert accounts["iban"].iban
    user = authenticate(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    assert user is not None
    assert Membership.objects.filter(organization=org, user=user).exists()


def test_contracts_have_schedules_terms_and_invoices(org):
    contracts = Contract.objects.filter(organization=org)
    assert {c.jurisdiction for c in contracts} >= {"GB", "US-NY", "US-CA", "DE", "VN", "TH", "IR"}
    assert any(c.work_stop_grace_days is None for c in contracts)
    assert any(c.work_stop_grace_days is not None for c in contracts)
    assert any(c.interest_rate is not None for c in contracts)
    assert any(c.late_fee is not None for c in contracts)
    milestones = Milestone.objects.filter(organization=org)
    assert any(m.percent is not None for m in milestones)
    assert any(m.amount is not None for m in milestones)
    assert len({m.due_rule for m in milestones}) == len(Milestone.DueRule.values)
    for contract in contracts.prefetch_related("milestones"):
        fixed = [m for m in contract.milestones.all()]
        if fixed and fixed[0].percent is not None:
            assert sum(m.percent for m in fixed) == 100
        elif fixed:
            assert sum(m.amount for m in fixed) == contract.price
    assert ChangeOrder.objects.filter(organization=org).count() >= 3
    linked = Invoice.objects.filter(organization=org, contract__isnull=False)
    assert linked.count() >= 50
    assert linked.filter(milestone__isnull=False).count() >= 20
    for invoice in linked.filter(milestone__isnull=False).select_related("milestone"):
        assert invoice.milestone.contract_id == invoice.contract_id


def test_invoice_totals_are_the_sum_of_their_rounded_lines(org):
    lines: dict[int, list[invoicing.Line]] = {}
    for line in InvoiceLine.objects.filter(organization=org):
        lines.setdefault(line.invoice_id, []).append(
            invoicing.Line(line.description, line.quantity, line.unit_price, line.tax_rate)
        )
    invoices = Invoice.objects.filter(organization=org)
    for invoice in invoices:
        assert invoicing.invoice_total(lines[invoice.pk], invoice.currency) == invoice.total
        assert invoice.number.startswith(f"INV-{invoice.issue_date.year}-")
    assert sum(len(x) >= 2 for x in lines.values()) >= 50
    assert max(len(x) for x in lines.values()) == 4
    assert len({line.tax_rate for x in lines.values() for line in x}) >= 2


def test_no_balance_is_negative_and_no_payment_is_over_allocated(org):
    assert not selectors.invoices_with_balance(organization=org).filter(balance__lt=0).exists()
    payments = selectors.payments_with_unallocated(organization=org)
    assert not payments.filter(unallocated__lt=0).exists()
    assert payments.filter(unallocated__gt=0).exists(), "a few overpayments left as credit"
    for payment in Payment.objects.filter(organization=org).prefetch_related(
        "allocations__invoice"
    ):
        for allocation in payment.allocations.all():
            assert allocation.invoice.client_id == payment.client_id
            assert allocation.invoice.currency == payment.currency
    credits = selectors.client_credits(organization=org)
    assert all(amount > 0 for by in credits.values() for amount in by.values())
    assert 1 <= len(credits) <= 6


def test_vnd_and_irr_amounts_are_whole(org):
    whole = ("VND", "IRR")
    amounts = list(
        Invoice.objects.filter(organization=org, currency__in=whole).values_list("total", flat=True)
    )
    amounts += Payment.objects.filter(organization=org, currency__in=whole).values_list(
        "amount", flat=True
    )
    amounts += Allocation.objects.filter(organization=org, payment__currency__in=whole).values_list(
        "amount", flat=True
    )
    amounts += InvoiceLine.objects.filter(
        organization=org, invoice__currency__in=whole
    ).values_list("unit_price", flat=True)
    assert len(amounts) > 500
    assert all(amount == amount.to_integral_value() for amount in amounts)
    irr = sorted(
        Invoice.objects.filter(organization=org, currency="IRR").values_list("total", flat=True)
    )
    assert irr[0] >= Decimal(10_000_000)
    assert irr[len(irr) // 2] >= Decimal(100_000_000), "IRR in hundreds of millions"
    cents = Invoice.objects.filter(organization=org).exclude(currency__in=whole)
    assert any(t != t.to_integral_value() for t in cents.values_list("total", flat=True))


def test_a_second_build_replaces_only_the_demo(settings, other_org):
    client = Client.objects.create(
        organization=other_org, code="C1", name="Keep me", country="GB", currency="GBP"
    )
    kept = invoice_create(
        organization=other_org,
        client=client,
        number="INV-2026-0001",
        issue_date=TODAY,
        due_date=TODAY + timedelta(days=30),
        currency="GBP",
        lines=[LineInput("work", Decimal(1), Decimal("120.50"))],
    )
    payment_record(
        organization=other_org,
        client=client,
        date=TODAY,
        amount=Decimal(100),
        currency="GBP",
        invoices=[kept],
    )

    def snapshot():
        org = Organization.objects.get(slug=DEMO_SLUG)
        rows = selectors.invoices_with_balance(organization=org).order_by("number")
        return org.pk, list(rows.values_list("number", "total", "state", "due_date"))

    first = build_demo(today=TODAY)
    first_pk, first_rows = snapshot()
    second = build_demo(today=TODAY)
    second_pk, second_rows = snapshot()

    assert Organization.objects.filter(slug=DEMO_SLUG).count() == 1
    assert second_pk != first_pk
    assert second_rows == first_rows, "the same seed and day give the same demo"
    assert first == second
    assert not Client.objects.filter(organization_id=first_pk).exists()
    assert Client.objects.filter(organization=other_org).count() == 1
    assert Invoice.objects.filter(organization=other_org).count() == 1
    assert Payment.objects.filter(organization=other_org).count() == 1
    row = selectors.invoices_with_balance(organization=other_org).get()
    assert (row.total, row.balance) == (Decimal("120.50"), Decimal("20.50"))
    third = build_demo(today=TODAY, seed=7, history=False)
    assert third["invoices"] >= 350 and third["states"]["written_off"] > 0


def test_the_build_takes_a_bounded_number_of_queries_and_reports_progress():
    # So that the measured build also deletes an earlier demo and its collections.
    build_demo(today=TODAY, history=False)
    calls: list[tuple[int, int]] = []
    with CaptureQueriesContext(connection) as queries:
        summary = build_demo(
            today=TODAY,
            history=False,
            progress=lambda done, total: calls.append((done, total)),
        )
    assert summary["invoices"] >= 350
    # A fixed number per table (deletes, bulk inserts), not one per invoice or client.
    assert len(queries.captured_queries) < 250
    assert 3 <= len(calls) <= 20
    assert calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_today_defaults_to_the_local_date():
    summary = build_demo(history=False)
    assert summary["invoices"] >= 350
    assert all(summary["states"][state] > 0 for state in Invoice.State.values)


def test_the_demo_has_a_month_of_collections_and_today_s_work(demo, org):
    from owed.dunning.models import Action, Dispute, Interaction, Plan, Promise, Run

    runs = Run.objects.filter(organization=org)
    assert runs.count() == 31
    assert set(runs.values_list("status", flat=True)) == {"done"}
    assert max(runs.values_list("as_of", flat=True)) == TODAY
    assert Promise.objects.filter(organization=org).exists()
    assert Dispute.objects.filter(organization=org).exists()
    assert Plan.objects.filter(organization=org).exists()
    assert Interaction.objects.filter(organization=org, channel="call").exists()
    today = demo["collections"]
    assert today["date"] == TODAY.isoformat()
    assert today["actions"] == Action.objects.filter(organization=org, decided_on=TODAY).count()
    counted = sum(r["planned"] + r["merged"] + r["skipped"] for r in today["by_step"])
    assert counted <= today["actions"]
    steps = Action.objects.filter(organization=org).values_list("step", flat=True).distinct()
    assert {"reminder", "call", "formal_notice"} <= set(steps)


def test_us_clients_keep_their_state_s_clock_and_law(org, demo):
    from owed.law.services import invoice_charges, rate_tables

    zones = {"US-NY": "America/New_York", "US-CA": "America/Los_Angeles"}
    us = Client.objects.filter(organization=org, country="US")
    assert us.count() >= 4
    assert {c.timezone for c in us} <= set(zones.values())
    overdue = [
        inv
        for inv in selectors.invoices_with_balance(organization=org).filter(
            client__country="US", due_date__lt=TODAY, balance__gt=0, written_off_on=None
        )
    ]
    assert overdue
    tables = rate_tables()
    for invoice in overdue:
        # Every US invoice falls under a contract governed by a state's law: interest can
        # be worked out (the United States as a whole have no late-payment law).
        assert invoice.contract is not None and invoice.contract.jurisdiction in zones
        assert zones[invoice.contract.jurisdiction] == invoice.client.timezone
        charges = invoice_charges(invoice, until=TODAY, tables=tables)
        assert charges.law.startswith("US-")


def test_every_action_is_scheduled_at_the_start_of_its_client_s_contact_hours(org, demo):
    from zoneinfo import ZoneInfo

    from owed.dunning.models import Action

    for action in Action.objects.filter(organization=org).select_related("client"):
        client = action.client
        zone = ZoneInfo(client.zone_name(org.timezone))
        local = action.scheduled_for.astimezone(zone)
        # 07:00 in Vietnam, 08:00 elsewhere (owed.core.calendar), in the client's own zone.
        assert (local.hour, local.minute) == ((7, 0) if client.country == "VN" else (8, 0)), (
            client.code,
            action.step,
            local,
        )


def test_the_demo_command_on_a_sunday_leaves_four_languages_of_mail_and_letters(tmp_path):
    import json

    from tests.dunning.processes import Shell

    done = Shell(tmp_path / "pycache").owed(
        tmp_path, "demo", "--no-serve", "--json", "--date", "2026-11-22"
    )

    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["today"], summary["date"]) == ("2026-11-22", "2026-11-19")
    mail = summary["mail"]
    assert set(mail["languages"]) == {"en", "vi", "fa", "th"}
    assert all(n["messages"] >= 1 and n["letters"] >= 1 for n in mail["languages"].values())
    assert len(list((tmp_path / "demo-mail").glob("*.eml"))) == mail["messages"]
    assert len(list((tmp_path / "demo-letters").glob("*.pdf"))) == mail["letters"]
    assert mail["not_sent"] == []


@pytest.mark.parametrize(
    ("today", "day"),
    [
        (date(2026, 11, 19), date(2026, 11, 19)),  # a Thursday: every country works
        (date(2026, 11, 20), date(2026, 11, 19)),  # Friday is the Iranian weekend
        (date(2026, 11, 21), date(2026, 11, 19)),  # Saturday and Sunday everywhere else
        (date(2026, 11, 22), date(2026, 11, 19)),
        (date(2026, 11, 23), date(2026, 11, 23)),
        (date(2026, 11, 26), date(2026, 11, 25)),  # Thanksgiving in the United States
    ],
)
def test_the_demo_is_dated_on_the_last_day_every_client_s_country_works(today, day):
    from owed.demo.day import day_note, demo_day

    assert demo_day(today) == day
    note = day_note(today, day)
    assert (note == "") == (today == day)
    if today == date(2026, 11, 26):
        assert note.startswith(
            "Thursday 26 November 2026 is not a working day in the United States"
        )
