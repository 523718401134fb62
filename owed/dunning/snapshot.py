"""Build the decision core's `Snapshot` from the database, set-based, for a set of clients.

Every read here is one query for the whole set (no query per invoice or per client), so a
run over tens of thousands of invoices stays a handful of queries per chunk.

How the reads stay fast on a large ledger (`bench/bench_collections.py`):

- Lists of ids go to the database as one parameter (`among`): no per-id work in Django
  or the driver, and no limit on their number (PostgreSQL takes 65,535 parameters).
- Queries that find their rows by client or invoice ids name the organization in a form
  no index is chosen for (`scoped`): SQLite keeps no statistics, and would otherwise walk
  the index of all the organization's rows instead of looking up the ids.
- The largest reads (the invoices, the steps they took) are fetched as plain rows and
  converted here, with each distinct day converted once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Lookup,
    Max,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat

from owed.core import decide as core
from owed.core.ladder import STANDARD, Channel
from owed.core.ladder import Policy as CorePolicy
from owed.dunning import steps
from owed.dunning.models import (
    Action,
    ClientPolicy,
    Dispute,
    Hold,
    Instalment,
    Interaction,
    Plan,
    Policy,
    Promise,
    Snooze,
    WorkStop,
)
from owed.ledger.fields import MoneyField
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.selectors import annotate_balance
from owed.ledger.zones import country_zone

LADDER_KINDS = (core.Kind.LADDER.value, core.Kind.INSTALMENT.value)
CONTACTED = (Action.Status.PLANNED, Action.Status.SENT, Action.Status.DONE)


class _Among(Lookup):
    """`lhs` is one of the ids in `rhs`, the ids sent as one parameter (see `among`)."""

    lookup_name = "among"

    def get_prep_lookup(self):
        return [int(i) for i in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*params, self.rhs)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, json.dumps(self.rhs))


def among(field: str, ids: Iterable[int]) -> Lookup:
    """The condition `field` is one of `ids`, for `.filter()`, with the ids as one
    parameter whatever their number: `= ANY(array)` on PostgreSQL (an index lookup per id,
    whatever the statistics say), `IN (SELECT value FROM json_each(...))` on SQLite. No
    per-id work in Django or the driver, and no limit on the number (PostgreSQL takes at
    most 65,535 parameters in a query)."""
    return _Among(F(field), list(ids))


def scoped(manager, organization: Organization) -> QuerySet:
    """The organization's rows, for queries that find their rows by client or invoice ids.

    Those ids belong to the organization; the organization is a guard, written
    `organization_id + 0 = ...` so that no index serves it: the database looks up the ids
    (`among`) instead of walking the index of all the organization's rows, which SQLite
    (no statistics unless ANALYZE was run) and PostgreSQL (statistics not yet refreshed
    after a large run) would otherwise pick."""
    return manager.alias(
        _organization=ExpressionWrapper(F("organization_id") + 0, output_field=IntegerField())
    ).filter(_organization=organization.pk)


def _rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a `values_list` queryset as the driver returns them: no conversion per
    value by Django (the callers convert what needs it)."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_DAYS: dict[str, date] = {}
_MONEY = MoneyField()


def _day(value: date | str | None) -> date | None:
    """A date column's value as a date (SQLite returns text); each text parsed once."""
    if value is None or isinstance(value, date):
        return value
    day = _DAYS.get(value)
    if day is None:
        day = _DAYS[value] = date.fromisoformat(value)
    return day


_EMPTY: Mapping[str, date] = {}


def _ladder_actions() -> Coalesce:
    """How many actions name the invoice (the ladder steps recorded for it), counted in the
    index of actions by invoice, without reading the actions."""
    return Coalesce(
        Subquery(
            Action.objects.filter(invoice_id=OuterRef("pk"))
            .order_by()
            .values("invoice_id")
            .annotate(n=Count("invoice_id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _taken(organization: Organization, invoice_ids: list[int]) -> dict[int, Mapping[str, date]]:
    """The ladder steps each invoice took, read from its actions: one text per invoice in
    the form of its own record (``day:step day:step``, see `steps.as_text`), read back by
    `steps.parse`."""
    return {
        invoice_id: steps.parse(text)
        for invoice_id, text in _rows(
            scoped(Action.objects, organization)
            .filter(among("invoice_id", invoice_ids), kind=core.Kind.LADDER)
            .order_by()
            .values("invoice_id")
            .annotate(
                steps=StringAgg(
                    Concat(Cast("decided_on", CharField()), Value(":"), "step"), Value(" ")
                )
            )
            .values_list("invoice_id", "steps")
        )
    }


def policies(organization: Organization) -> tuple[CorePolicy, dict[str, CorePolicy]]:
    """The organization's default policy and all its policies by name."""
    stored = {
        p.name: p.to_core()
        for p in Policy.objects.filter(organization=organization).prefetch_related("steps")
    }
    default_name = (
        Policy.objects.filter(organization=organization, is_default=True)
        .values_list("name", flat=True)
        .first()
    )
    default = stored.get(default_name) if default_name else None
    return default or STANDARD, stored


def due_invoices(organization: Organization, as_of: date) -> dict[int, list[int]]:
    """The invoices the run must look at on `as_of`, by client."""
    due: dict[int, list[int]] = defaultdict(list)
    empty, come = (part.values_list("client_id", "id") for part in _due_parts(organization, as_of))
    for client_id, invoice_id in empty.union(come, all=True).order_by():
        due[client_id].append(invoice_id)
    return due


def _due_parts(organization: Organization, as_of: date) -> tuple[QuerySet, QuerySet]:
    """The invoices due for a look, as two reads of the next-look index: the empty ones and
    those up to `as_of` (one `IS NULL OR <=` condition makes SQLite walk the whole index)."""
    invoices = Invoice.objects.filter(organization=organization, written_off_on=None).order_by()
    return invoices.filter(next_step_on=None), invoices.filter(next_step_on__lte=as_of)


def build(
    organization: Organization,
    as_of: date,
    client_ids: Collection[int],
    policies_by_name: dict[str, CorePolicy],
    invoice_ids: list[int] | None = None,
    records: dict[int, tuple[int, bool, str]] | None = None,
) -> core.Snapshot:
    """The snapshot of `client_ids`' invoices that are due for a look on `as_of`; given
    `invoice_ids` (the due invoices of `client_ids`, as `due_invoices` found them), only
    those are read instead of every invoice of the clients. `records`, if
    given, receives per invoice how many ladder actions it has, whether its own record of
    the steps taken was out of date, and that record (see `owed.dunning.steps`)."""
    ids = list(client_ids)
    invoices = (
        scoped(Invoice.objects, organization)
        .filter(written_off_on=None)
        .filter(Q(next_step_on__isnull=True) | Q(next_step_on__lte=as_of))
    )
    if invoice_ids is None:
        invoices = invoices.filter(among("client_id", ids))
    else:
        invoices = invoices.filter(among("pk", invoice_ids))
    rows = _rows(
        # The due date as text: SQLite's driver would otherwise parse every one.
        annotate_balance(invoices)
        .annotate(due_text=Cast("due_date", CharField()), recorded=_ladder_actions())
        .values_list(
            "id",
            "client_id",
            "due_text",
            "balance",
            "currency",
            "number",
            "contract_id",
            "contract__work_stop_grace_days",
            "ladder_steps",
            "ladder_actions",
            "recorded",
        )
    )
    # The steps each invoice took: its own record (`Invoice.ladder_steps`) while it still
    # counts as many actions as when it was written; else read from its actions.
    stale = [r[0] for r in rows if r[9] != r[10]]
    read = _taken(organization, stale) if stale else {}
    money = _MONEY.from_db_value
    invoices = tuple(
        core.InvoiceFacts(
            id=r[0],
            client_id=r[1],
            due_date=_day(r[2]),
            balance=money(r[3], None, connection),
            currency=r[4],
            number=r[5],
            contract_id=r[6],
            work_stop_grace_days=r[7],
            taken=read.get(r[0], _EMPTY) if r[9] != r[10] else steps.parse(r[8]),
        )
        for r in rows
    )
    if records is not None:
        records.update((r[0], (r[10], r[9] != r[10], r[8])) for r in rows)
    return core.Snapshot(
        clients=_clients(organization, ids),
        invoices=invoices,
        promises=_promises(organization, ids),
        disputes=_disputes(organization, ids),
        snoozes=_snoozes(organization, ids),
        plans=_plans(organization, ids),
        contacted_today=frozenset(
            _today(organization, as_of, ids)
            .filter(
                kind__in=LADDER_KINDS,
                status__in=CONTACTED,
            )
            .order_by()
            .values_list("client_id", flat=True)
        ),
        contacts_today=contacts_today(organization, as_of, ids),
        policies=policies_by_name,
    )


def _today(organization: Organization, as_of: date, client_ids) -> QuerySet:
    """The clients' actions decided on `as_of`, looked up in the index by organization,
    day and client (`action_day`): the organization is named as the index's first column
    here, not as a guard (`scoped`)."""
    return Action.objects.filter(
        among("client_id", client_ids), organization=organization, decided_on=as_of
    )


def contacts_today(organization: Organization, as_of: date, client_ids) -> dict[int, int]:
    """Per client, the contacts (messages, letters, calls) already recorded for `as_of`."""
    contacts = (
        _today(organization, as_of, client_ids)
        .filter(status__in=CONTACTED)
        .filter(~Q(channels=Channel.TASK.value) | Q(step__in=sorted(core.CALL_TASKS)))
        .order_by()
        .values("client_id")
        .annotate(n=Count("id"))
        .values_list("client_id", "n")
    )
    return dict(_rows(contacts))


def _segment_policy(segments: list[Policy], country: str, kind: str) -> str | None:
    """The first policy (by name) whose segment covers the client, if any."""
    for policy in segments:
        if policy.covers(country, kind):
            return policy.name
    return None


def _clients(organization: Organization, ids: list[int]) -> dict[int, core.ClientFacts]:
    policy_names = dict(
        ClientPolicy.objects.filter(among("client_id", ids)).values_list(
            "client_id", "policy__name"
        )
    )
    segments = list(
        Policy.objects.filter(organization=organization)
        .exclude(countries="", client_kind="")
        .order_by("name")
    )
    responses = dict(
        scoped(Interaction.objects, organization)
        .filter(among("client_id", ids), is_response=True)
        .order_by()
        .values("client_id")
        .annotate(last=Max("happened_on"))
        .values_list("client_id", "last")
    )
    clients = {}
    for client_id, country, kind, zone in (
        Client.objects.filter(among("pk", ids))
        .order_by()
        .values_list("id", "country", "kind", "timezone")
    ):
        clients[client_id] = core.ClientFacts(
            id=client_id,
            country=country,
            kind=kind,
            tz=zone or country_zone(country) or organization.timezone,
            policy=policy_names.get(client_id) or _segment_policy(segments, country, kind),
            last_response_on=responses.get(client_id),
        )
    return clients


def _promises(organization: Organization, ids: list[int]) -> tuple[core.Promise, ...]:
    promises = list(
        scoped(Promise.objects, organization)
        .filter(among("client_id", ids))
        .values_list("id", "client_id", "made_on", "until", "status")
    )
    members = _members(Promise.invoices.through, "promise_id", [p[0] for p in promises])
    return tuple(
        core.Promise(
            id=pk,
            client_id=client_id,
            invoice_ids=members.get(pk, ()),
            made_on=made_on,
            until=until,
            broken_recorded=status == Promise.Status.BROKEN,
        )
        for pk, client_id, made_on, until, status in promises
    )


def _disputes(organization: Organization, ids: list[int]) -> tuple[core.Dispute, ...]:
    disputes = list(
        scoped(Dispute.objects, organization)
        .filter(among("invoice__client_id", ids))
        .values_list("id", "invoice_id", "opened_on", "resolved_on")
    )
    # Only the keys wanted, looked up by the unique key: not every action of the clients.
    recorded: set[str] = set()
    if disputes:
        recorded.update(
            Action.objects.filter(
                among("client_id", ids),
                organization=organization,
                key__in=[f"dispute:{d[0]}:resolve" for d in disputes],
            )
            .exclude(kind=core.Kind.LADDER)
            .order_by()
            .values_list("key", flat=True)
        )
    return tuple(
        core.Dispute(
            id=pk,
            invoice_id=invoice_id,
            opened_on=opened_on,
            resolved_on=resolved_on,
            task_recorded=f"dispute:{pk}:resolve" in recorded,
        )
        for pk, invoice_id, opened_on, resolved_on in disputes
    )


def _snoozes(organization: Organization, ids: list[int]) -> tuple[core.Snooze, ...]:
    return tuple(
        core.Snooze(
            id=pk, created_on=created_on, until=until, invoice_id=invoice_id, client_id=client_id
        )
        for pk, created_on, until, invoice_id, client_id in Snooze.objects.filter(
            organization=organization
        )
        .filter(among("client_id", ids) | among("invoice__client_id", ids))
        .values_list("id", "created_on", "until", "invoice_id", "client_id")
    )


def _plans(organization: Organization, ids: list[int]) -> tuple[core.Plan, ...]:
    plans = list(
        scoped(Plan.objects, organization)
        .filter(among("client_id", ids))
        .values_list(
            "id", "client_id", "created_on", "total", "paid_before", "grace_days", "broken_on"
        )
    )
    if not plans:
        return ()
    # A plan's steps are recorded for its client and no invoice (`plan:<id>:...` keys, see
    # core.decide): found in the index of the actions tied to no invoice.
    recorded = set(
        scoped(Action.objects, organization)
        .filter(among("client_id", sorted({p[1] for p in plans})), invoice__isnull=True)
        .exclude(kind=core.Kind.LADDER)
        .order_by()
        .values_list("key", flat=True)
    )
    plan_ids = [p[0] for p in plans]
    members = _members(Plan.invoices.through, "plan_id", plan_ids)
    all_members = {i for m in members.values() for i in m}
    paid_now = dict(
        annotate_balance(Invoice.objects.filter(pk__in=all_members)).values_list("id", "paid")
    )
    instalments: dict[int, list[core.Instalment]] = defaultdict(list)
    for plan_id, number, due_date, amount in Instalment.objects.filter(
        plan_id__in=plan_ids
    ).values_list("plan_id", "number", "due_date", "amount"):
        instalments[plan_id].append(core.Instalment(number, due_date, amount))
    result = []
    for pk, client_id, created_on, total, paid_before, grace_days, broken_on in plans:
        invoice_ids = members.get(pk, ())
        paid = sum((paid_now.get(i, Decimal(0)) for i in invoice_ids), Decimal(0)) - paid_before
        prefix = f"plan:{pk}:"
        result.append(
            core.Plan(
                id=pk,
                client_id=client_id,
                invoice_ids=invoice_ids,
                created_on=created_on,
                instalments=tuple(instalments.get(pk, ())),
                paid=min(paid, total),
                grace_days=grace_days,
                broken_on=broken_on,
                taken=frozenset(k for k in recorded if k.startswith(prefix)),
            )
        )
    return tuple(result)


def _members(through, owner_field: str, owner_ids: list[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = defaultdict(list)
    for owner, invoice_id in (
        through.objects.filter(**{f"{owner_field}__in": owner_ids})
        .order_by(owner_field, "invoice_id")
        .values_list(owner_field, "invoice_id")
    ):
        found[owner].append(invoice_id)
    return {k: tuple(v) for k, v in found.items()}


def holds_snapshot(
    organization: Organization, as_of: date, *, to_lift_only: bool = False
) -> core.Snapshot:
    """The holds and work stops in force, with which of their clients and contracts still
    have something overdue on `as_of` (invoices under an active plan do not count). With
    `to_lift_only`, only the holds and stops with nothing overdue (those `core.decide`
    lifts) and their clients: the same decision, without reading every client on hold.

    Whether a hold's client (a stop's contract) has something overdue is asked per hold, as
    an EXISTS that stops at the first such invoice: the cost follows the holds in force,
    not the invoices."""
    overdue = annotate_balance(
        scoped(Invoice.objects, organization)
        .filter(written_off_on=None, due_date__lt=as_of)
        .exclude(plans__status=Plan.Status.ACTIVE)
    ).filter(balance__gt=0)
    holds = Hold.objects.filter(organization=organization, lifted_on=None).annotate(
        overdue=Exists(overdue.filter(client_id=OuterRef("client_id")))
    )
    stops = WorkStop.objects.filter(organization=organization, lifted_on=None).annotate(
        overdue=Exists(overdue.filter(contract_id=OuterRef("contract_id")))
    )
    if to_lift_only:
        holds, stops = holds.filter(overdue=False), stops.filter(overdue=False)
    holds = [
        (pk, client_id, _day(since), bool(late))
        for pk, client_id, since, late in _rows(
            holds.values_list("id", "client_id", "since", "overdue")
        )
    ]
    stops = [
        (pk, client_id, _day(since), contract_id, bool(late))
        for pk, client_id, since, contract_id, late in _rows(
            stops.values_list("id", "contract__client_id", "since", "contract_id", "overdue")
        )
    ]
    client_ids = sorted({h[1] for h in holds} | {s[1] for s in stops})
    return core.Snapshot(
        clients=_clients(organization, client_ids),
        invoices=(),
        holds=tuple(core.Hold(pk, client_id, since) for pk, client_id, since, _ in holds),
        work_stops=tuple(
            core.Hold(pk, client_id, since, contract_id)
            for pk, client_id, since, contract_id, _ in stops
        ),
        overdue_clients=frozenset(h[1] for h in holds if h[3]),
        overdue_contracts=frozenset(s[3] for s in stops if s[4]),
        contacts_today=contacts_today(organization, as_of, client_ids) if client_ids else {},
    )
