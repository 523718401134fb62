"""`owed requests`, `owed requests approve` and `owed requests decline`, through the real
entry point in this process."""

from __future__ import annotations

from datetime import timedelta

import pytest

from owed.portal.models import PlanRequest
from owed.portal.requests import payment_claim_create, plan_request_create
from tests.test_cli_collections import fails

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(books) -> PlanRequest:
    return plan_request_create(
        organization=books.org,
        client=books.client,
        invoices=[books.overdue],
        instalments=3,
        every_days=30,
        on=books.today,
        note="Cash in monthly",
    )


@pytest.fixture
def reported(books):
    return payment_claim_create(
        organization=books.org,
        client=books.client,
        invoices=[books.recent],
        paid_on=books.today,
        on=books.today,
        reference="VCB 9",
    )


def test_the_list_shows_the_pending_requests_and_reported_payments(owed, books, asked, reported):
    result = owed("requests")

    assert result.code == 0, result.stderr
    assert "HOASEN" in result.stdout and "INV-001" in result.stdout
    assert "3 every 30 days" in result.stdout and "INV/002" in result.stdout
    assert "1 plan requests, 1 payments reported." in result.stdout
    answer = owed("requests", "--json").json
    assert answer["ok"] is True
    assert answer["plan_requests"][0]["id"] == asked.pk
    assert answer["plan_requests"][0]["invoices"] == ["INV-001"]
    assert answer["payment_claims"][0]["reference"] == "VCB 9"
    assert owed("requests", "--status", "declined", "--json").json["plan_requests"] == []


def test_a_status_of_one_kind_lists_that_kind_only(owed, books, asked, reported):
    declined = owed("requests", "--status", "declined")
    rejected = owed("requests", "--status", "rejected", "--json").json
    everything = owed("requests", "--status", "all", "--json").json

    assert declined.code == 0, declined.stderr
    assert "Plan requests of" in declined.stdout and "Payments reported" not in declined.stdout
    assert "0 plan requests." in declined.stdout
    assert rejected == {"ok": True, "payment_claims": []}
    assert [r["id"] for r in everything["plan_requests"]] == [asked.pk]
    assert [r["reference"] for r in everything["payment_claims"]] == ["VCB 9"]


def test_approve_with_other_terms(owed, books, asked):
    result = owed("requests", "approve", str(asked.pk), "--instalments", "2", "--every", "14")

    assert result.code == 0, result.stderr
    assert f"Plan request {asked.pk} approved" in result.stdout
    asked.refresh_from_db()
    assert asked.status == "approved" and asked.plan.instalments.count() == 2
    first = asked.plan.instalments.order_by("number").first()
    assert first.due_date == books.today + timedelta(days=14)
    fails(
        owed("requests", "approve", str(asked.pk)),
        f"payment plan request {asked.pk} is approved already",
    )


def test_approve_as_json(owed, books, asked):
    answer = owed("requests", "approve", str(asked.pk), "--json").json
    assert answer["ok"] is True and answer["request"] == asked.pk
    assert len(answer["instalments"]) == 3


def test_decline_needs_a_reason(owed, books, asked):
    fails(
        owed("requests", "decline", str(asked.pk)),
        "say why the request is declined (--reason)",
    )

    result = owed("requests", "decline", str(asked.pk), "--reason", "Two at most")

    assert result.code == 0, result.stderr
    assert "declined; the reminders resume" in result.stdout
    asked.refresh_from_db()
    assert asked.decline_reason == "Two at most"


def test_an_unknown_or_another_organizations_request_is_a_clear_error(owed, books, their):
    theirs = plan_request_create(
        organization=their.org,
        client=their.client,
        invoices=[their.overdue],
        instalments=2,
        every_days=30,
        on=their.today,
    )

    fails(
        owed("requests", "approve", str(theirs.pk), "--org", books.org.slug),
        f"no plan request {theirs.pk} in {books.org.slug}",
    )
    answer = owed(
        "requests", "decline", "999999", "--reason", "x", "--org", books.org.slug, "--json"
    )
    assert answer.code == 1 and answer.json["ok"] is False
    assert PlanRequest.objects.get().status == "pending"
