"""The API against its own OpenAPI schema, with requests schemathesis generates.

For each of the 58 operations, 20 requests sent with an owner's token to the Django WSGI
application in this process, over two small ledgers: requests that match the schema,
requests that do not, and requests that match it with the organization's own ids and
plausible values (so that creates and updates also succeed). Every answer must be
documented: no server error (5xx), a documented status code and content type, and a
body that matches the schema of its status. Derandomized, so a run is repeatable.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from owed.dunning.services import snooze_create
from owed.mail.models import Message
from owed.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 20


@pytest.fixture
def wsgi_in_the_test_transaction():
    """Keep the test's database connection across WSGI requests.

    Django's WSGI handler closes the connection when a request starts and finishes; inside
    a test's transaction that would throw the test data away. Django's own test client
    disconnects the same receiver for the same reason.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _real_ids(ledger) -> dict[str, int]:
    """An existing id for each path parameter, so that reads and writes also find rows."""
    snooze = snooze_create(
        organization=ledger.client.organization,
        until=date(2999, 1, 1),
        on=date(2026, 11, 22),
        client=ledger.second_client,
    )
    message = Message.objects.create(
        organization=ledger.client.organization,
        client=ledger.client,
        to="ap@sen.example",
        subject="Reminder",
        text="Dear client,\n",
        message_id="<schemathesis@lotus.vn>",
        status=Message.Status.FAILED,
    )
    # What a client asked and reported in the portal (owed.portal.requests).
    from owed.portal.requests import payment_claim_create, plan_request_create

    asked = plan_request_create(
        organization=ledger.client.organization,
        client=ledger.client,
        invoices=[ledger.overdue],
        instalments=3,
        every_days=14,
        on=date(2026, 11, 22),
    )
    claim = payment_claim_create(
        organization=ledger.client.organization,
        client=ledger.client,
        invoices=[ledger.overdue],
        paid_on=date(2026, 11, 21),
        on=date(2026, 11, 22),
    )
    return {
        "plan_request_id": asked.pk,
        "payment_claim_id": claim.pk,
        "message_id": message.pk,
        "snooze_id": snooze.pk,
        "client_id": ledger.client.pk,
        "contact_id": ledger.contact.pk,
        "contract_id": ledger.contract.pk,
        "invoice_id": ledger.overdue.pk,
        "payment_id": ledger.payment.pk,
        "action_id": ledger.action.pk,
        "promise_id": ledger.promise.pk,
        "plan_id": ledger.plan.pk,
        "dispute_id": ledger.dispute.pk,
        "interaction_id": ledger.interaction.pk,
    }


def _plausible(ledger) -> dict[str, object]:
    """Body values that the checks behind the schema accept: the organization's own ids,
    a known country and currency, days in order, empty optional fields with a format."""
    return {
        "client_id": ledger.client.pk,
        "contract_id": ledger.contract.pk,
        "invoice_id": ledger.overdue.pk,
        "invoice_ids": [ledger.overdue.pk],
        "country": "VN",
        "currency": "VND",
        "tax_id": "",
        "timezone": "",
        "email": "",
        "phone": "",
        "issue_date": "2026-11-01",
        "due_date": "2026-12-01",
        "date": "2026-11-22",
        "on": "2026-11-22",
        "until": "2026-12-15",
        "first_due": "2026-12-01",
        "promised_for": "2026-12-10",
        "lines": [{"description": "Design work", "quantity": "2", "unit_price": "1500000"}],
    }


def _made_plausible(case, values: dict[str, object]):
    if isinstance(case.body, dict):
        case.body = {k: values.get(k, v) for k, v in case.body.items()}
    return case


def test_every_operation_answers_within_its_schema(
    api, ledger, their, wsgi_in_the_test_transaction
):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    headers = {"Authorization": f"Bearer {api.token}"}
    ids = _real_ids(ledger)
    plausible = _plausible(ledger)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 58

    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        found = {name: ids[name] for name in names}
        strategies = [
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
            operation.as_strategy(
                generation_mode=GenerationMode.POSITIVE, path_parameters=found
            ).map(lambda case: _made_plausible(case, plausible)),
        ]

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        def answers_within_the_schema(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_within_the_schema()
