"""Policies: an edited ladder, a second ladder for some clients, a minimum balance."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from owed.core.ladder import STANDARD
from owed.dunning.models import Action, Policy
from owed.dunning.services import (
    policy_assign,
    policy_current,
    policy_from_data,
    policy_save,
    policy_to_data,
)
from owed.ledger.models import Invoice
from tests.dunning.books import day

pytestmark = pytest.mark.django_db


def edited(name: str, offsets: dict[str, int], **extra) -> dict:
    data = policy_to_data(STANDARD)
    data["name"] = name
    for step in data["steps"]:
        step["offset_days"] = offsets.get(step["code"], step["offset_days"])
    data.update(extra)
    return data


def test_a_saved_policy_has_every_invoice_looked_at_again_by_its_new_offsets(books):
    acme = books.client("ACME", "GB")
    invoice = books.invoice(acme, "INV-1", "2026-03-19", 1200)
    paid = books.invoice(acme, "INV-2", "2026-03-19", 500)
    books.pay(paid, "2026-03-10")
    books.run_daily("2026-03-14", "2026-03-20")
    assert Invoice.objects.get(pk=invoice.pk).next_step_on == day("2026-03-26")
    data = policy_to_data(STANDARD)
    data["name"] = "brisk"
    for step in data["steps"]:
        step["offset_days"] = {"invoice_copy": 3, "call": 5}.get(step["code"], step["offset_days"])

    policy_save(organization=books.org, policy=policy_from_data(data))

    assert set(Invoice.objects.values_list("next_step_on", flat=True)) == {None}
    report = books.run("2026-03-23")
    assert report.invoices_looked_at == 2
    # Day 4: the copy of day 3 is due; the call waits for day 5.
    assert [(a.step, str(a.decided_on)) for a in books.actions(invoice=invoice)][2:] == [
        ("invoice_copy", "2026-03-23")
    ]
    assert Invoice.objects.get(pk=invoice.pk).next_step_on == day("2026-03-24")
    books.run("2026-03-24")
    assert books.actions(invoice=invoice)[-1].step == "call"


def test_a_second_policy_chases_only_the_clients_given_it(books):
    acme = books.client("ACME", "GB")
    calm = books.client("CALM", "GB")
    books.invoice(acme, "INV-1", "2026-03-19", 1200)
    patient = books.invoice(calm, "INV-2", "2026-03-19", 1200)
    books.run("2026-03-16")
    gentle = edited("gentle", {"reminder": 5, "invoice_copy": 12, "call": 14})

    policy_save(organization=books.org, policy=policy_from_data(gentle), make_default=False)
    assert Invoice.objects.filter(next_step_on=None).count() == 0  # nobody uses it yet
    policy_assign(organization=books.org, client=calm, name="gentle")
    books.run_daily("2026-03-17", "2026-03-31")

    assert policy_current(organization=books.org).name == "standard"
    assert not Policy.objects.get(name="gentle").is_default
    assert [(a.step, str(a.decided_on)) for a in books.actions(client=acme)][1:4] == [
        ("reminder", "2026-03-20"),
        ("invoice_copy", "2026-03-26"),
        ("call", "2026-03-30"),
    ]
    assert [(a.step, str(a.decided_on)) for a in books.actions(invoice=patient)][1:4] == [
        ("reminder", "2026-03-24"),
        ("invoice_copy", "2026-03-31"),
    ]


def test_a_balance_below_the_policys_minimum_is_not_chased(books):
    acme = books.client("ACME", "GB")
    small = books.invoice(acme, "INV-1", "2026-03-19", 40)
    large = books.invoice(acme, "INV-2", "2026-03-19", 1200)
    data = edited("standard", {}, minimum_balances={"GBP": "50", "VND": "500000"})
    policy_save(organization=books.org, policy=policy_from_data(data))
    assert policy_current(organization=books.org).minimum_for("GBP") == Decimal(50)

    books.run_daily("2026-03-16", "2026-03-20")
    books.pay(large, "2026-03-21", 1160)  # 40.00 left
    books.run_daily("2026-03-21", "2026-04-10")

    assert not Action.objects.filter(invoice=small).exists()
    assert [a.step for a in books.actions(invoice=large)] == ["pre_due_reminder", "reminder"]


def test_a_segment_policy_chases_the_clients_in_it_unless_they_have_their_own(books):
    from owed.dunning.services import segment_from_data

    vn = books.client("SAOMAI", country="VN")
    gb = books.client("THISTLE", country="GB")
    own = books.client("LOTUS", country="VN")
    for client in (vn, gb, own):
        books.invoice(client, f"{client.code}-1", due="2026-03-02")
    quick = replace(
        STANDARD,
        name="quick",
        steps=tuple(
            replace(s, offset_days=4) if s.code == "invoice_copy" else s for s in STANDARD.steps
        ),
    )
    policy_save(
        organization=books.org,
        policy=quick,
        make_default=False,
        segment=segment_from_data({"segment": {"countries": ["vn"]}}),
    )
    policy_save(organization=books.org, policy=replace(STANDARD, name="own"), make_default=False)
    policy_assign(organization=books.org, client=own, name="own")

    books.run_daily("2026-03-01", "2026-03-10")

    copies = dict(
        Action.objects.filter(step="invoice_copy", status="planned").values_list(
            "client__code", "decided_on"
        )
    )
    assert copies == {
        "SAOMAI": day("2026-03-06"),  # day 4 under the segment's policy
        "THISTLE": day("2026-03-09"),  # day 7, the default (Monday)
        "LOTUS": day("2026-03-09"),  # its own policy wins over the segment
    }


def test_a_segment_is_checked_and_cannot_be_the_default(books):
    from owed.dunning.services import segment_from_data
    from owed.errors import OwedError

    with pytest.raises(OwedError) as bad:
        segment_from_data({"segment": {"countries": ["Vietnam"], "kind": "robot"}})
    assert bad.value.details == [
        "segment: 'Vietnam' is not a two-letter country code",
        "segment: kind is business or individual, not 'robot'",
    ]
    with pytest.raises(OwedError, match="cannot be the default"):
        policy_save(
            organization=books.org,
            policy=replace(STANDARD, name="th"),
            segment=(("TH",), "individual"),
        )
