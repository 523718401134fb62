"""A client's actions without an index by client (`selectors.client_actions`), and the
run's reads of the day's actions (`action_day`): found through indexes, never by reading
every action.

ACME (GB) owes INV-1 and INV-2; BETA (GB) owes INV-3. The daily runs have sent their
reminders; a call to ACME that did not reach it left a call-back, tied to no invoice.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Q

from owed.core.facts import CALL_TASKS
from owed.dunning.calls import call_log
from owed.dunning.models import Action
from owed.dunning.selectors import client_actions
from owed.dunning.snapshot import CONTACTED, _today, contacts_today
from tests.dunning.books import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(books):
    acme = books.client("ACME", "GB")
    beta = books.client("BETA", "GB")
    books.invoice(acme, "INV-1", "2026-03-19", 1200)
    books.invoice(acme, "INV-2", "2026-03-17", 800)
    books.invoice(beta, "INV-3", "2026-03-17", 500)
    books.run_daily("2026-03-14", "2026-03-23")
    call_log(organization=books.org, client=acme, on=day("2026-03-23"), reason=None, reached=False)
    return acme, beta


def _steps(rows) -> list[tuple[str, str, str]]:
    return sorted(
        (a.client.code, a.invoice.number if a.invoice else "-", a.step)
        for a in rows.select_related("client", "invoice")
    )


def test_a_clients_actions_are_those_of_its_invoices_and_its_others(books, ledger):
    acme, beta = ledger

    mine = _steps(client_actions(organization=books.org, client=acme))
    every = _steps(Action.objects.filter(client=acme))

    assert mine == every
    assert ("ACME", "-", "callback") in mine
    assert ("ACME", "INV-1", "reminder") in mine and ("ACME", "INV-2", "reminder") in mine
    assert _steps(client_actions(organization=books.org, client=beta.pk)) == _steps(
        Action.objects.filter(client=beta)
    )
    assert all(
        code == "BETA" for code, _, _ in _steps(client_actions(organization=books.org, client=beta))
    )


def test_another_organizations_client_has_no_actions_here(books, ledger, other_org):
    acme, _ = ledger

    assert not client_actions(organization=other_org, client=acme).exists()


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The tables are tiny: forbid reading them whole, to see which index serves.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_a_clients_actions_are_looked_up_in_the_indexes_by_invoice_and_by_client(books, ledger):
    acme, _ = ledger

    plan = _plan(client_actions(organization=books.org, client=acme).order_by())

    assert "action_invoice" in plan and "action_client_other" in plan, plan
    assert "SCAN dunning_action" not in plan and "Seq Scan on dunning_action" not in plan, plan


def test_the_days_actions_of_a_set_of_clients_are_looked_up_in_the_index_by_day(books, ledger):
    acme, beta = ledger

    today = _today(books.org, day("2026-03-18"), [acme.pk, beta.pk])
    plan = _plan(today.filter(status__in=CONTACTED).order_by().values_list("client_id"))

    assert "action_day" in plan, plan
    on, ids = day("2026-03-18"), [acme.pk, beta.pk]
    contacts = (
        Action.objects.filter(client_id__in=ids, decided_on=on, status__in=CONTACTED)
        .filter(~Q(channels="task") | Q(step__in=CALL_TASKS))
        .values_list("client_id", flat=True)
    )
    assert contacts_today(books.org, on, ids) == Counter(contacts)
    assert contacts_today(books.org, on, ids)  # the runs of that day contacted the clients
