"""The invoice page's forms: payment, promise, plan, dispute and its resolution, snooze and
write-off, each through the service the CLI calls; bad input shows the form again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from owed.dunning.models import Action, Dispute, Interaction, Plan, Promise, Snooze
from owed.dunning.services import dispute_open
from owed.ledger.models import Invoice, Payment
from owed.ledger.selectors import annotate_balance

pytestmark = pytest.mark.django_db


def post(web, number: str, form: str, **fields):
    data = {"form": form, **{f"{form}-{k}": v for k, v in fields.items()}}
    return web.post(f"/invoices/{number}/", data)


def balance(invoice) -> Decimal:
    return annotate_balance(Invoice.objects.filter(pk=invoice.pk)).get().balance


def test_recording_a_payment_lowers_the_balance_and_replans(web, books):
    Invoice.objects.filter(pk=books.overdue.pk).update(next_step_on=books.today + timedelta(days=5))
    response = post(
        web,
        "INV-001",
        "payment",
        date=books.today.isoformat(),
        amount="5,000,000",
        method="bank_transfer",
        reference="VCB 123",
    )
    assert response.status_code == 302 and response["Location"] == "/invoices/INV-001/"
    payment = Payment.objects.get(reference="VCB 123")
    assert payment.amount == Decimal(5_000_000) and payment.currency == "VND"
    assert balance(books.overdue) == Decimal(10_000_000)
    assert Invoice.objects.get(pk=books.overdue.pk).next_step_on is None
    assert "Payment recorded." in web.get("/invoices/INV-001/").content.decode()


def test_a_payment_amount_is_read_as_the_users_language_writes_it(web, books):
    web.post("/language/", {"language": "vi"})
    response = post(
        web, "INV-001", "payment", date=books.today.isoformat(), amount="1.500.000", method="cash"
    )
    assert response.status_code == 302
    assert Payment.objects.get(method="cash").amount == Decimal(1_500_000)


def test_persian_digits_are_read_in_an_amount(web, books):
    web.post("/language/", {"language": "fa"})
    response = post(
        web, "INV-001", "payment", date=books.today.isoformat(), amount="۲٬۰۰۰٬۰۰۰", method="cash"
    )
    assert response.status_code == 302
    assert Payment.objects.get(method="cash").amount == Decimal(2_000_000)


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("", "This field is required."),
        ("lots", "Write an amount"),
        ("-5", "The amount must be more than zero."),
        ("0", "The amount must be more than zero."),
        ("1000.5", "VND does not have that many decimals."),
        ("1e400", "Write an amount"),
        ("1" + "0" * 30, "The amount is too large."),
    ],
)
def test_a_bad_payment_amount_is_refused_with_a_message(web, books, amount, error):
    response = post(
        web, "INV-001", "payment", date=books.today.isoformat(), amount=amount, method="cash"
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert error in page
    assert '<details class="disclosure" id="form-payment" open>' in page
    assert not Payment.objects.filter(method="cash").exists()


def test_a_payment_cannot_be_dated_in_the_future_or_use_an_unknown_method(web, books):
    response = post(
        web,
        "INV-001",
        "payment",
        date=(books.today + timedelta(days=1)).isoformat(),
        amount="100",
        method="gold",
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "A payment cannot be received in the future." in page
    assert "Select a valid choice." in page


def test_a_promise_pauses_the_invoice_until_its_day(web, books):
    until = books.today + timedelta(days=10)
    response = post(web, "INV-001", "promise", until=until.isoformat(), note="CFO said so")
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.until == until and list(promise.invoices.all()) == [books.overdue]
    assert Interaction.objects.filter(summary__startswith="Promise to pay INV-001").exists()
    page = web.get("/invoices/INV-001/").content.decode()
    assert "Promised to pay by" in page


def test_a_promise_in_the_past_is_refused(web, books):
    response = post(web, "INV-001", "promise", until=(books.today - timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "Choose today or a later day." in response.content.decode()
    assert not Promise.objects.exists()


def test_a_payment_plan_splits_the_balance_into_instalments(web, books):
    response = post(web, "INV-001", "plan", instalments="3", every_days="30", grace_days="7")
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.total == Decimal(15_000_000)
    assert [i.amount for i in plan.instalments.order_by("number")] == [Decimal(5_000_000)] * 3


@pytest.mark.parametrize(
    "fields",
    [
        {"instalments": "0", "every_days": "30", "grace_days": "7"},
        {"instalments": "61", "every_days": "30", "grace_days": "7"},
        {"instalments": "3", "every_days": "0", "grace_days": "7"},
        {"instalments": "three", "every_days": "30", "grace_days": "7"},
        {"instalments": "3", "every_days": "30", "grace_days": "-1"},
    ],
)
def test_a_plan_with_bad_numbers_is_refused(web, books, fields):
    response = post(web, "INV-001", "plan", **fields)
    assert response.status_code == 422
    assert 'class="errorlist"' in response.content.decode()
    assert not Plan.objects.exists()


def test_a_second_plan_is_refused_by_the_service_with_its_message(web, books):
    post(web, "INV-001", "plan", instalments="2", every_days="30", grace_days="7")
    response = post(web, "INV-001", "plan", instalments="2", every_days="30", grace_days="7")
    assert response.status_code == 422
    assert "already under an active plan" in response.content.decode()
    assert Plan.objects.count() == 1


def test_a_dispute_opens_and_resolves(web, books):
    assert post(web, "INV-001", "dispute", reason="Wrong hours").status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.reason == "Wrong hours" and dispute.resolved_on is None
    assert post(web, "INV-001", "resolve", resolution="Credit note").status_code == 302
    dispute.refresh_from_db()
    assert dispute.resolved_on == books.today and dispute.resolution == "Credit note"


def test_a_dispute_needs_a_reason(web, books):
    response = post(web, "INV-001", "dispute", reason="")
    assert response.status_code == 422
    assert not Dispute.objects.exists()


def test_a_form_that_does_not_fit_the_invoice_now_is_a_bad_request(web, books):
    assert post(web, "INV-001", "resolve", resolution="x").status_code == 400
    assert post(web, "INV-001", "launch_rockets").status_code == 400
    assert web.post("/invoices/INV-001/", {}).status_code == 200  # no form: the page


def test_a_second_dispute_form_is_not_offered_while_one_is_open(web, books):
    dispute_open(organization=books.org, invoice=books.overdue, reason="x", on=books.today)
    assert post(web, "INV-001", "dispute", reason="again").status_code == 400


def test_snoozing_an_invoice(web, books):
    until = books.today + timedelta(days=3)
    assert post(web, "INV-001", "snooze", until=until.isoformat()).status_code == 302
    assert Snooze.objects.get().invoice == books.overdue


def test_writing_off_needs_confirmation_and_skips_what_was_planned(web, books):
    response = post(web, "INV-001", "write_off", note="Company closed")
    assert response.status_code == 422
    assert Invoice.objects.get(pk=books.overdue.pk).written_off_on is None
    response = post(web, "INV-001", "write_off", confirm="on", note="Company closed")
    assert response.status_code == 302
    assert Invoice.objects.get(pk=books.overdue.pk).written_off_on == books.today
    books.call.refresh_from_db()
    assert books.call.status == Action.Status.SKIPPED
    assert Interaction.objects.filter(note="Wrote off INV-001: Company closed").exists()
    page = web.get("/invoices/INV-001/").content.decode()
    assert 'name="form" value="write_off"' not in page
    assert 'name="form" value="payment"' not in page


def test_every_form_posted_through_htmx_gets_the_page_back(web, books):
    response = web.post(
        "/invoices/INV-001/",
        {"form": "promise", "promise-until": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'id="page"' in response.content.decode()
