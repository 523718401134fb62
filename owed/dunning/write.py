"""Writing one prepared chunk of the daily run (`owed.dunning.prepare`) in one transaction.

The actions go in first (heads, then those merged into them, then their lines), each
insert ignoring a key already taken: the unique key is the last guard against recording a
step twice, and only the actions inserted here take effect (holds, work stops, broken
promises and plans, lifted holds). Then each invoice's next look and its own record of the
ladder steps it took (`prepare.invoice_rows`), one row update per invoice.

Rows are plain tuples written by one prepared statement run for every row (SQLite,
`executemany`, a loop in C) or by one INSERT/UPDATE over arrays (PostgreSQL, `unnest`),
never through model instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from django.db import connection, transaction

from owed.dunning import snapshot
from owed.dunning.models import Action, ActionLine, Hold, Plan, Promise, Run, WorkStop
from owed.dunning.prepare import (
    ACTION_COLUMNS,
    MERGED_INTO,
    Effects,
    Prepared,
    invoice_rows,
    unrecorded,
)
from owed.ledger.models import Invoice, Organization

BATCH = 10_000


def write(organization: Organization, run: Run, prepared: Prepared, as_of: date) -> None:
    """Write a prepared chunk, all or nothing."""
    with transaction.atomic():
        ids = _actions(run, prepared)
        _effects(organization, prepared.effects, ids, as_of)
        rows = prepared.invoice_rows
        if rows is None:
            rows = invoice_rows(prepared.next_step_on, as_of)
        elif len(ids) < len(prepared.heads) + len(prepared.merged):
            rows = unrecorded(rows)  # another run recorded some of the keys meanwhile
        _invoices(rows)


def _actions(run: Run, prepared: Prepared) -> dict[str, int]:
    """Insert the actions and their lines; the ids of those inserted, by key."""
    run_id = run.pk
    ids, last = _insert_actions(prepared.heads, run_id, None)  # rows made with the run's id
    if prepared.merged:
        merged = []
        for row, head in prepared.merged:
            row = list(row)
            row[MERGED_INTO] = ids.get(head)
            merged.append(tuple(row))
        found, last = _insert_actions(merged, run_id, last)
        ids.update(found)
    _insert(
        ActionLine,
        ("action_id", "invoice_id", "days_overdue", "balance"),
        [(ids[key], *rest) for key, *rest in prepared.lines if key in ids],
    )
    return ids


def _insert_actions(
    rows: list[tuple], run_id: int, last: int | None
) -> tuple[dict[str, int], int | None]:
    """Insert action rows, skipping any whose key is taken: the ids of those inserted, and
    (SQLite) the highest id seen, the `last` of the next batch.

    PostgreSQL returns the rows it inserted (`RETURNING`). On SQLite the new rows are the
    ones above `last`, the highest id before the insert, that belong to this run and carry
    one of the keys (a concurrent writer's rows, if any, are told apart by their run and
    key): a range read of the primary key, not a lookup per key."""
    if not rows:
        return {}, last
    key_at = ACTION_COLUMNS.index("key")
    if connection.vendor == "postgresql":
        returned = _insert(Action, ACTION_COLUMNS, rows, ignore_conflicts=True, returning=True)
        return dict(returned), last
    keys = {row[key_at] for row in rows}
    quote = connection.ops.quote_name
    table = quote(Action._meta.db_table)
    with connection.cursor() as cursor:
        if last is None:
            cursor.execute(f"SELECT MAX({quote('id')}) FROM {table}")
            last = cursor.fetchone()[0] or 0
        _insert(Action, ACTION_COLUMNS, rows, ignore_conflicts=True)
        cursor.execute(
            f"SELECT {quote('key')}, {quote('id')}, {quote('run_id')} FROM {table} "
            f"WHERE {quote('id')} > %s",
            [last],
        )
        found = {}
        for key, pk, row_run in cursor.fetchall():
            last = max(last, pk)
            if row_run == run_id and key in keys:
                found[key] = pk
        return found, last


def _insert(
    model,
    columns: tuple[str, ...],
    rows: list[tuple],
    ignore_conflicts: bool = False,
    returning: bool = False,
) -> list[tuple]:
    """Insert plain rows (columns by attname; the others are NULL), `BATCH` at a time.

    SQLite: one prepared INSERT run for every row (`executemany`, a loop in C).
    PostgreSQL: one INSERT ... SELECT FROM unnest(one array per column) per batch, instead
    of a statement per row; with `returning`, the (key, id) of the rows inserted."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = ", ".join(quote(fields[c].column) for c in columns)
    table = quote(model._meta.db_table)
    postgres = connection.vendor == "postgresql"
    if postgres:
        arrays = ", ".join(f"%s::{fields[c].db_type(connection)}[]" for c in columns)
        sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        if returning:
            sql += f" RETURNING {quote('key')}, {quote('id')}"
    else:
        marks = ", ".join(["%s"] * len(columns))
        verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
        sql = f"{verb} INTO {table} ({names}) VALUES ({marks})"
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if postgres:
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                if returning:
                    found += cursor.fetchall()
            else:
                cursor.executemany(sql, batch)
    return found


def _effects(
    organization: Organization, effects: Effects, ids: Mapping[str, int], as_of: date
) -> None:
    """Holds, work stops, broken promises and plans, lifted holds: what the inserted
    actions mean."""
    since = connection.ops.adapt_datefield_value(as_of)
    hold_clients = {client for key, client in effects.holds if key in ids}
    if hold_clients:
        held = set(
            Hold.objects.filter(
                snapshot.among("client_id", hold_clients), lifted_on=None
            ).values_list("client_id", flat=True)
        )
        _insert(
            Hold,
            ("organization_id", "client_id", "since"),
            [(organization.pk, c, since) for c in sorted(hold_clients - held)],
        )
    stop_invoices = {invoice for key, invoice in effects.stops if key in ids}
    if stop_invoices:
        contracts = set(
            Invoice.objects.filter(pk__in=stop_invoices, contract__isnull=False).values_list(
                "contract_id", flat=True
            )
        )
        stopped = set(
            WorkStop.objects.filter(contract_id__in=contracts, lifted_on=None).values_list(
                "contract_id", flat=True
            )
        )
        _insert(
            WorkStop,
            ("organization_id", "contract_id", "since"),
            [(organization.pk, c, since) for c in sorted(contracts - stopped)],
        )
    broken = [promise for key, promise in effects.broken_promises if key in ids]
    if broken:
        Promise.objects.filter(pk__in=broken).update(status=Promise.Status.BROKEN)
    plans: dict[date, list[int]] = defaultdict(list)
    for key, plan, day in effects.broken_plans:
        if key in ids:
            plans[day].append(plan)
    for day, plan_ids in plans.items():
        Plan.objects.filter(pk__in=plan_ids).update(status=Plan.Status.BROKEN, broken_on=day)
    lifted = [hold for key, hold in effects.lifted_holds if key in ids]
    if lifted:
        Hold.objects.filter(pk__in=lifted).update(lifted_on=as_of)
    resumed = [stop for key, stop in effects.resumed_stops if key in ids]
    if resumed:
        WorkStop.objects.filter(pk__in=resumed).update(lifted_on=as_of)


def _invoices(rows: list[tuple]) -> None:
    """Store each invoice's next look and, where it changed, its record of the steps taken
    (`prepare.invoice_rows`): one row update per invoice, in id order, as one prepared
    UPDATE run for every row (SQLite) or one UPDATE ... FROM unnest (PostgreSQL)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Invoice._meta.db_table)
    pk, look = quote("id"), quote("next_step_on")
    record, actions = quote("ladder_steps"), quote("ladder_actions")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            days_, texts, counts, invoice_ids = (list(c) for c in zip(*rows, strict=True))
            cursor.execute(
                f"UPDATE {table} SET {look} = v.day, "
                f"{record} = COALESCE(v.steps, {table}.{record}), "
                f"{actions} = COALESCE(v.n, {table}.{actions}) "
                "FROM unnest(%s::bigint[], %s::date[], %s::text[], %s::integer[]) "
                f"AS v(id, day, steps, n) WHERE {table}.{pk} = v.id",
                [invoice_ids, days_, texts, counts],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {look} = %s, {record} = COALESCE(%s, {record}), "
                f"{actions} = COALESCE(%s, {actions}) WHERE {pk} = %s",
                rows,
            )
