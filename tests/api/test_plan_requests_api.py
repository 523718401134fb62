"""/api/plan-requests and /api/payment-claims: what clients asked or reported in the portal,
with the same tokens, organization isolation and error answers as every other router."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from owed.dunning.models import Plan, Snooze
from owed.portal.models import PaymentClaim, PlanRequest
from owed.portal.requests import payment_claim_create, plan_request_create
from tests.api.test_isolation import NEVER_USED, _not_found

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 22)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")


def _asked(books) -> PlanRequest:
    return plan_request_create(
        organization=books.client.organization,
        client=books.client,
        invoices=[books.overdue],
        instalments=3,
        every_days=14,
        on=AS_OF,
        note="Monthly cash",
    )


def _claim(books, proof: bool = True) -> PaymentClaim:
    return payment_claim_create(
        organization=books.client.organization,
        client=books.client,
        invoices=[books.overdue],
        paid_on=AS_OF,
        on=AS_OF,
        amount=books.overdue.total,
        reference="FT-1",
        proof=SimpleUploadedFile("r.pdf", PDF) if proof else None,
    )


def test_plan_requests_are_listed_filtered_and_read(api, ledger):
    asked = _asked(ledger)

    body = api.get("/plan-requests", status="pending").json()

    assert body["count"] == 1 and body["limit"] == 50
    (item,) = body["items"]
    assert item["id"] == asked.pk and item["client_id"] == ledger.client.pk
    assert item["invoice_ids"] == [ledger.overdue.pk] and item["invoice_numbers"] == ["INV-001"]
    assert (item["instalments"], item["every_days"], item["note"]) == (3, 14, "Monthly cash")
    assert item["status"] == "pending" and item["plan_id"] is None
    assert api.get("/plan-requests", status="approved").json()["count"] == 0
    assert api.get(f"/plan-requests/{asked.pk}").json() == item
    bad = api.get("/plan-requests", status="maybe")
    assert bad.status_code == 422 and bad.json()["code"] == "schema"


def test_approving_makes_the_plan(member_api, ledger):
    asked = _asked(ledger)

    response = member_api.post(
        f"/plan-requests/{asked.pk}/approve", {"instalments": 2, "first_due": "2026-12-31"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved" and body["decided_by"] == "member"
    plan = Plan.objects.get(pk=body["plan_id"])
    assert plan.instalments.count() == 2
    assert plan.instalments.order_by("number").first().due_date == date(2026, 12, 31)
    again = member_api.post(f"/plan-requests/{asked.pk}/approve", {})
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_declining_needs_a_reason(api, ledger):
    asked = _asked(ledger)

    missing = api.post(f"/plan-requests/{asked.pk}/decline", {})
    assert missing.status_code == 422 and missing.json()["code"] == "schema"

    response = api.post(f"/plan-requests/{asked.pk}/decline", {"reason": "Two at most"})

    assert response.status_code == 200
    assert response.json()["decline_reason"] == "Two at most"
    assert {s.until for s in Snooze.objects.filter(invoice=ledger.overdue)} == {
        ledger.client.organization.today()
    }
    assert api.post(f"/plan-requests/{asked.pk}/decline", {"reason": "x"}).status_code == 409


def test_a_read_only_token_reads_but_does_not_decide(reader_api, ledger):
    asked = _asked(ledger)

    assert reader_api.get(f"/plan-requests/{asked.pk}").status_code == 200
    refused = reader_api.post(f"/plan-requests/{asked.pk}/decline", {"reason": "No"})
    assert refused.status_code == 403 and refused.json()["code"] == "read_only"
    assert PlanRequest.objects.get().status == "pending"


def test_payment_claims_are_read_with_their_proof(api, ledger):
    claim = _claim(ledger)
    without = _claim(ledger, proof=False)

    body = api.get("/payment-claims").json()
    assert [i["id"] for i in body["items"]] == [without.pk, claim.pk]
    item = api.get(f"/payment-claims/{claim.pk}").json()
    assert item["amount"] == "1100000" and item["currency"] == "VND"
    assert item["proof"] is True and item["proof_type"] == "application/pdf"
    assert item["status"] == "pending" and item["reference"] == "FT-1"

    proof = api.get(f"/payment-claims/{claim.pk}/proof")
    assert proof.status_code == 200
    assert proof["Content-Type"] == "application/pdf"
    assert proof["Cache-Control"] == "private, no-store"
    assert proof["Content-Disposition"] == f'attachment; filename="payment-proof-{claim.pk}.pdf"'
    assert b"".join(proof.streaming_content) == PDF
    none = api.get(f"/payment-claims/{without.pk}/proof")
    assert none.status_code == 404 and none.json()["code"] == "not_found"


def test_another_organizations_requests_are_not_found(api, ledger, their):
    asked = _asked(their)
    claim = _claim(their)

    _not_found(api.get(f"/plan-requests/{asked.pk}"), "payment plan request", asked.pk)
    _not_found(api.get(f"/plan-requests/{NEVER_USED}"), "payment plan request", NEVER_USED)
    _not_found(api.post(f"/plan-requests/{asked.pk}/approve", {}), "payment plan request", asked.pk)
    _not_found(
        api.post(f"/plan-requests/{asked.pk}/decline", {"reason": "x"}),
        "payment plan request",
        asked.pk,
    )
    name = "payment reported by a client"
    _not_found(api.get(f"/payment-claims/{claim.pk}"), name, claim.pk)
    _not_found(api.get(f"/payment-claims/{claim.pk}/proof"), name, claim.pk)
    assert api.get("/plan-requests").json()["count"] == 0
    assert api.get("/payment-claims").json()["count"] == 0
    assert api.get("/plan-requests", client_id=their.client.pk).json()["count"] == 0
    assert PlanRequest.objects.get().status == "pending"


def test_no_token_is_401(anonymous, ledger):
    response = anonymous.get("/plan-requests")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
