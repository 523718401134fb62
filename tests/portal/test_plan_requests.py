"""A client asks for a payment plan in the portal; its invoices stay quiet until the
business approves (the plan is made as `owed plan` makes it) or declines (with a reason
the client reads in the portal)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from owed.core.localize import format_date
from owed.dunning.models import Interaction, Plan, Snooze
from owed.dunning.summaries import summary_text
from owed.errors import OwedError
from owed.ledger.models import Invoice
from owed.portal.models import PlanRequest
from owed.portal.requests import (
    PAUSE_DAYS,
    Refusal,
    RequestRefused,
    plan_request_approve,
    plan_request_create,
    plan_request_decline,
)

from .conftest import path_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(books):
    return path_for(books.client)


def _ask(client, page, **fields):
    data = {"form": "plan", "plan-instalments": "3", "plan-every_days": "30", **fields}
    return client.post(page, data)


def test_asking_for_a_plan_is_a_response_and_pauses_the_invoices(client, books, page, member):
    Invoice.objects.filter(client=books.client).update(next_step_on=books.today)

    response = _ask(client, page, **{"plan-note": "Cash comes in monthly"})

    assert response.status_code == 302
    asked = PlanRequest.objects.get(client=books.client)
    assert (asked.instalments, asked.every_days, asked.status) == (3, 30, "pending")
    assert set(asked.invoices.all()) == {books.overdue, books.recent}
    assert asked.note == "Cash comes in monthly" and asked.created_on == books.today
    said = Interaction.objects.get(code="portal_plan_requested")
    assert said.is_response and said.channel == "portal" and said.direction == "in"
    assert said.note == "Cash comes in monthly"
    assert summary_text(said, "en") == (
        f"The client asks for a payment plan for {books.overdue.number}, "
        f"{books.recent.number}: 3 instalments every 30 days."
    )
    snoozes = Snooze.objects.filter(organization=books.org)
    assert {s.invoice_id for s in snoozes} == {books.overdue.pk, books.recent.pk}
    assert {s.until for s in snoozes} == {books.today + timedelta(days=PAUSE_DAYS)}
    assert set(asked.snoozes.all()) == set(snoozes)
    assert not Invoice.objects.filter(client=books.client, next_step_on__isnull=False).exists()
    followed = client.get(page).text
    assert "plan-request-pending" in followed


def test_the_thank_you_says_the_reminders_pause_in_the_clients_language(client, their):
    their.client.language = "en"
    their.client.save()
    page = path_for(their.client)

    response = _ask(client, page, **{"plan-invoice": str(their.overdue.pk)})
    followed = client.get(page).text

    assert response.status_code == 302
    assert "We will answer your request for a payment plan here." in followed
    assert "We send no reminders about these invoices until we answer, for 7 days at most." in (
        followed
    )
    assert "Waiting for our answer." in followed


@pytest.mark.parametrize(
    ("field", "value"),
    [("plan-instalments", "13"), ("plan-instalments", "1"), ("plan-every_days", "10")],
)
def test_instalments_and_intervals_out_of_the_choices_are_refused(
    client, books, page, field, value
):
    response = _ask(client, page, **{field: value})

    assert response.status_code == 422
    assert 'id="form-plan"' in response.text
    assert not PlanRequest.objects.exists() and not Snooze.objects.exists()


def test_asking_twice_for_the_same_invoice_is_refused_politely(client, their):
    their.client.language = "en"
    their.client.save()
    page = path_for(their.client)
    _ask(client, page, **{"plan-invoice": str(their.overdue.pk)})

    again = _ask(client, page)

    assert again.status_code == 422
    assert "You have already asked for a payment plan for one of these invoices" in again.text
    assert PlanRequest.objects.count() == 1


def _request(books, **kw) -> PlanRequest:
    return plan_request_create(
        organization=books.org,
        client=books.client,
        invoices=[books.overdue, books.recent],
        instalments=kw.get("instalments", 3),
        every_days=kw.get("every_days", 30),
        on=books.today,
    )


def test_approving_makes_the_plan_lifts_the_pause_and_the_portal_shows_the_instalments(
    client, books, page, member
):
    asked = _request(books)

    decided = plan_request_approve(
        organization=books.org, request=asked, by=member, instalments=4, every_days=14
    )

    assert decided.status == "approved" and decided.decided_by == member
    assert decided.decided_on == books.today
    plan = decided.plan
    assert set(plan.invoices.all()) == {books.overdue, books.recent}
    assert plan.instalments.count() == 4 and plan.total == 18_000_000
    dues = [i.due_date for i in plan.instalments.order_by("number")]
    assert dues[0] == books.today + timedelta(days=14) and dues[1] == dues[0] + timedelta(14)
    assert {s.until for s in asked.snoozes.all()} == {books.today}  # lifted today
    assert Interaction.objects.filter(code="plan", client=books.client).exists()
    assert Interaction.objects.filter(code="plan_request_approved").exists()
    shown = client.get(page).text
    assert "plan-request-approved" in shown
    assert format_date(dues[0], "vi") in shown and "4.500.000" in shown


def test_declining_lifts_the_pause_and_the_client_reads_the_reason(client, books, page, member):
    asked = _request(books)

    plan_request_decline(organization=books.org, request=asked, reason="Chỉ tối đa 2 kỳ", by=member)

    asked.refresh_from_db()
    assert asked.status == "declined" and asked.decline_reason == "Chỉ tối đa 2 kỳ"
    assert {s.until for s in asked.snoozes.all()} == {books.today}
    assert not Plan.objects.exists()
    shown = client.get(page).text
    assert "plan-request-declined" in shown and "Chỉ tối đa 2 kỳ" in shown
    declined = Interaction.objects.get(code="plan_request_declined")
    assert summary_text(declined, "en").endswith(": Chỉ tối đa 2 kỳ")


def test_a_request_is_decided_once(books, member):
    asked = _request(books)
    plan_request_decline(organization=books.org, request=asked, reason="No", by=member)

    with pytest.raises(RequestRefused) as refused:
        plan_request_approve(organization=books.org, request=asked, by=member)
    assert refused.value.refusal is Refusal.DECIDED
    with pytest.raises(RequestRefused):
        plan_request_decline(organization=books.org, request=asked, reason="Again")


def test_a_decline_needs_a_reason(books):
    asked = _request(books)
    with pytest.raises(RequestRefused) as refused:
        plan_request_decline(organization=books.org, request=asked, reason="  ")
    assert refused.value.refusal is Refusal.NO_REASON
    assert PlanRequest.objects.get().status == "pending"


def test_another_organizations_request_is_not_found(books, their):
    asked = _request(books)
    with pytest.raises(OwedError, match="no payment plan request"):
        plan_request_approve(organization=their.org, request=asked)
    assert PlanRequest.objects.get().status == "pending"


def test_the_service_refuses_another_clients_invoice_and_wrong_numbers(books, their):
    with pytest.raises(RequestRefused) as refused:
        plan_request_create(
            organization=books.org,
            client=books.client,
            invoices=[their.overdue],
            instalments=3,
            every_days=30,
            on=books.today,
        )
    assert refused.value.refusal is Refusal.NOT_THE_CLIENTS
    for instalments, every in ((1, 30), (13, 30), (3, 6), (3, 91)):
        with pytest.raises(RequestRefused):
            _request(books, instalments=instalments, every_days=every)
    assert not PlanRequest.objects.exists()
