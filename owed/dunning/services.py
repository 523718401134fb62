"""What a user records about collections: promises, disputes, plans, snoozes, calls, policies.

Every service logs what happened as an `Interaction`, and sets the invoices it touches to
be looked at by the next run (`next_step_on` empty), so the ladder is planned again from
the new facts. The CLI, the admin, the web pages and the API all call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from owed.core import decide as core
from owed.core.calendar import first_allowed_moment, next_business_day
from owed.core.calls import Move, Reason, moves_after_call
from owed.core.ladder import Channel, Condition, Recipient, check_policy
from owed.core.ladder import Policy as CorePolicy
from owed.core.ladder import Step as CoreStep
from owed.core.money import allocate_evenly
from owed.dunning import snapshot
from owed.dunning.models import (
    Action,
    ClientPolicy,
    Dispute,
    Instalment,
    Interaction,
    Plan,
    Policy,
    PolicyStep,
    Promise,
    Snooze,
)
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.selectors import annotate_balance
from owed.ledger.zones import country_zone

MAX_INSTALMENTS = 60


def replan(invoice_ids: Sequence[int]) -> None:
    """Have the next run look at these invoices again, whatever their next look was."""
    ids = list(invoice_ids)
    for start in range(0, len(ids), 5000):
        Invoice.objects.filter(pk__in=ids[start : start + 5000]).update(next_step_on=None)


def invoice_find(*, organization: Organization, number: str) -> Invoice:
    try:
        return Invoice.objects.select_related("client").get(
            organization=organization, number=number
        )
    except Invoice.DoesNotExist:
        raise OwedError(f"no invoice numbered {number!r} in {organization.slug}") from None


def client_find(*, organization: Organization, code: str) -> Client:
    try:
        return Client.objects.get(organization=organization, code=code)
    except Client.DoesNotExist:
        raise OwedError(f"no client with id {code!r} in {organization.slug}") from None


def _balances(invoices: Sequence[Invoice]) -> dict[int, Decimal]:
    return dict(
        annotate_balance(Invoice.objects.filter(pk__in=[i.pk for i in invoices])).values_list(
            "id", "balance"
        )
    )


def _open(invoices: Sequence[Invoice], what: str) -> list[Invoice]:
    balances = _balances(invoices)
    closed = [i for i in invoices if balances.get(i.pk, 0) <= 0 or i.written_off_on]
    if closed:
        numbers = ", ".join(i.number for i in closed)
        raise OwedError(f"nothing is owed on {numbers}: no {what} needed")
    return list(invoices)


def _one_client(invoices: Sequence[Invoice]) -> Client:
    clients = {i.client_id for i in invoices}
    if len(clients) != 1:
        raise OwedError("the invoices belong to different clients; record one client at a time")
    return invoices[0].client


def _log(
    organization: Organization,
    client: Client,
    *,
    on: date,
    channel: str,
    direction: str,
    summary: str,
    invoice: Invoice | None = None,
    is_response: bool = False,
    **extra,
) -> Interaction:
    return Interaction.objects.create(
        organization=organization,
        client=client,
        invoice=invoice,
        channel=channel,
        direction=direction,
        happened_on=on,
        summary=summary[:300],
        is_response=is_response,
        **extra,
    )


def overdue_invoices(*, organization: Organization, client: Client, on: date) -> list[Invoice]:
    """The client's invoices past their due date with something still owed on `on`."""
    return list(
        annotate_balance(
            Invoice.objects.filter(
                organization=organization, client=client, written_off_on=None, due_date__lt=on
            )
        )
        .filter(balance__gt=0)
        .select_related("client")
        .order_by("due_date", "number")
    )


# --- promises, disputes, plans, snoozes ---------------------------------------------------


@transaction.atomic
def promise_record(
    *,
    organization: Organization,
    invoices: Sequence[Invoice],
    until: date,
    on: date,
    note: str = "",
    log: bool = True,
) -> Promise:
    """The client promised to pay `invoices` by `until`: they are not chased until then."""
    if not invoices:
        raise OwedError("a promise needs at least one invoice")
    client = _one_client(invoices)
    if until < on:
        raise OwedError(f"the promised date {until} is before the day of the promise {on}")
    _open(invoices, "promise")
    promise = Promise.objects.create(
        organization=organization, client=client, made_on=on, until=until, note=note
    )
    promise.invoices.set(invoices)
    if log:
        _log(
            organization,
            client,
            on=on,
            channel=Interaction.Channel.NOTE,
            direction=Interaction.Direction.IN,
            summary=f"Promise to pay {', '.join(i.number for i in invoices)} by {until}",
            invoice=invoices[0] if len(invoices) == 1 else None,
            is_response=True,
            note=note,
        )
    replan([i.pk for i in invoices])
    return promise


@transaction.atomic
def dispute_open(
    *, organization: Organization, invoice: Invoice, reason: str, on: date, log: bool = True
) -> Dispute:
    """The client disputes the invoice: its ladder stops until the dispute is resolved."""
    if not reason.strip():
        raise OwedError("say what the client disputes (--reason)")
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                organization=organization, invoice=invoice, opened_on=on, reason=reason.strip()
            )
    except IntegrityError:
        raise OwedError(f"invoice {invoice.number} already has an open dispute") from None
    if log:
        _log(
            organization,
            invoice.client,
            on=on,
            channel=Interaction.Channel.NOTE,
            direction=Interaction.Direction.IN,
            summary=f"Dispute on {invoice.number}: {reason.strip()}",
            invoice=invoice,
            is_response=True,
        )
    replan([invoice.pk])
    return dispute


@transaction.atomic
def dispute_resolve(
    *, organization: Organization, invoice: Invoice, on: date, resolution: str = ""
) -> Dispute:
    """Close the invoice's open dispute: its ladder resumes where it stopped."""
    dispute = Dispute.objects.filter(
        organization=organization, invoice=invoice, resolved_on=None
    ).first()
    if dispute is None:
        raise OwedError(f"invoice {invoice.number} has no open dispute")
    if on < dispute.opened_on:
        raise OwedError(f"the dispute was opened on {dispute.opened_on}, after {on}")
    dispute.resolved_on = on
    dispute.resolution = resolution
    dispute.save(update_fields=["resolved_on", "resolution"])
    Action.objects.filter(
        organization=organization, key=f"dispute:{dispute.pk}:resolve", status="planned"
    ).update(status=Action.Status.DONE)
    _log(
        organization,
        invoice.client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        summary=f"Dispute on {invoice.number} resolved" + (f": {resolution}" if resolution else ""),
        invoice=invoice,
    )
    replan([invoice.pk])
    return dispute


@transaction.atomic
def plan_create(
    *,
    organization: Organization,
    invoices: Sequence[Invoice],
    instalments: int,
    every_days: int,
    on: date,
    first_due: date | None = None,
    grace_days: int = 7,
) -> Plan:
    """Agree to have the invoices' balance paid in equal instalments every `every_days`."""
    if not invoices:
        raise OwedError("a plan needs at least one invoice")
    if not 1 <= instalments <= MAX_INSTALMENTS:
        raise OwedError(f"a plan has between 1 and {MAX_INSTALMENTS} instalments")
    if every_days < 1:
        raise OwedError("instalments must be at least one day apart (--every)")
    if grace_days < 0:
        raise OwedError("the grace days cannot be negative")
    client = _one_client(invoices)
    currencies = {i.currency for i in invoices}
    if len(currencies) != 1:
        raise OwedError("a plan covers invoices of one currency")
    _open(invoices, "plan")
    if Plan.objects.filter(invoices__in=invoices, status=Plan.Status.ACTIVE).exists():
        raise OwedError("one of these invoices is already under an active plan")
    rows = dict(
        annotate_balance(Invoice.objects.filter(pk__in=[i.pk for i in invoices])).values_list(
            "id", "paid"
        )
    )
    balances = _balances(invoices)
    total = sum(balances.values(), Decimal(0))
    currency = currencies.pop()
    first = first_due or on + timedelta(days=every_days)
    if first < on:
        raise OwedError(f"the first instalment ({first}) cannot be due before the plan ({on})")
    plan = Plan.objects.create(
        organization=organization,
        client=client,
        created_on=on,
        currency=currency,
        total=total,
        paid_before=sum(rows.values(), Decimal(0)),
        grace_days=grace_days,
    )
    plan.invoices.set(invoices)
    Instalment.objects.bulk_create(
        Instalment(
            plan=plan, number=n, due_date=first + timedelta(days=every_days * (n - 1)), amount=a
        )
        for n, a in enumerate(allocate_evenly(total, instalments, currency), start=1)
    )
    _log(
        organization,
        client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.IN,
        summary=(
            f"Payment plan for {', '.join(i.number for i in invoices)}: {instalments} "
            f"instalments every {every_days} days from {first}"
        ),
        is_response=True,
    )
    replan([i.pk for i in invoices])
    return plan


@transaction.atomic
def snooze_create(
    *,
    organization: Organization,
    until: date,
    on: date,
    invoice: Invoice | None = None,
    client: Client | None = None,
    note: str = "",
) -> Snooze:
    """Chase nothing for the invoice (or every invoice of the client) until `until`."""
    if (invoice is None) == (client is None):
        raise OwedError("snooze either an invoice or a client")
    if until <= on:
        raise OwedError(f"snooze until a day after {on}")
    target_client = client or invoice.client
    snooze = Snooze.objects.create(
        organization=organization,
        invoice=invoice,
        client=client,
        created_on=on,
        until=until,
        note=note,
    )
    what = invoice.number if invoice else f"client {target_client.code}"
    _log(
        organization,
        target_client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        summary=f"Snoozed {what} until {until}",
        invoice=invoice,
        note=note,
    )
    if invoice is not None:
        replan([invoice.pk])
    else:
        replan(list(Invoice.objects.filter(client=client).values_list("pk", flat=True)))
    return snooze


# --- calls and other interactions ---------------------------------------------------------


@transaction.atomic
def call_log(
    *,
    organization: Organization,
    client: Client,
    on: date,
    reached: bool = True,
    reason: Reason | None = None,
    promised_for: date | None = None,
    note: str = "",
) -> Interaction:
    """Record a call and make the moves its outcome suggests (playbook L3-L4).

    A reached call needs a reason. Planned call tasks of the client up to `on` are done.
    """
    if reached and reason is None:
        raise OwedError(
            "say why the client has not paid: --reason " + "|".join(r.value for r in Reason)
        )
    if promised_for is not None and not reached:
        raise OwedError("a promise needs a call that reached the client")
    summary = "Call: reached" if reached else "Call: not reached"
    if reason is not None:
        summary += f" ({reason.value})"
    interaction = _log(
        organization,
        client,
        on=on,
        channel=Interaction.Channel.CALL,
        direction=Interaction.Direction.OUT,
        summary=summary,
        is_response=reached,
        reason=reason.value if reason else "",
        note=note,
        outcome=f"promise to pay by {promised_for}" if promised_for else "",
    )
    Action.objects.filter(
        organization=organization,
        client=client,
        status=Action.Status.PLANNED,
        step__in=sorted(core.CALL_TASKS),
        decided_on__lte=on,
    ).update(status=Action.Status.DONE)
    overdue = overdue_invoices(organization=organization, client=client, on=on)
    moves = moves_after_call(
        reason=reason or Reason.OTHER,
        called_on=on,
        promised_for=promised_for,
        country=client.country,
    )
    for move in moves:
        if move.move is Move.SEND_INVOICE_COPY and overdue:
            _invoice_copies(organization, client, overdue, on, interaction)
        elif move.move is Move.PROPOSE_PLAN:
            _task(
                organization,
                client,
                f"interaction:{interaction.pk}:propose_plan",
                "propose_plan",
                on,
                overdue,
            )
        elif move.move is Move.OPEN_DISPUTE:
            for invoice in overdue:
                if not Dispute.objects.filter(invoice=invoice, resolved_on=None).exists():
                    dispute_open(
                        organization=organization,
                        invoice=invoice,
                        reason=note or "dissatisfied (call)",
                        on=on,
                        log=False,
                    )
        elif move.move is Move.RECORD_PROMISE and overdue:
            promise_record(
                organization=organization,
                invoices=overdue,
                until=promised_for,
                on=on,
                note=note,
                log=False,
            )
        elif move.move is Move.CALL_BACK:
            _task(
                organization,
                client,
                f"interaction:{interaction.pk}:callback",
                "callback",
                move.on,
                overdue,
            )
    replan([i.pk for i in overdue])
    return interaction


def reply_log(
    *, organization: Organization, client: Client, on: date, note: str = ""
) -> Interaction:
    """The client answered (e-mail, chat, letter): a response for the credit-hold rule."""
    interaction = _log(
        organization,
        client,
        on=on,
        channel=Interaction.Channel.EMAIL,
        direction=Interaction.Direction.IN,
        summary="Reply from the client",
        is_response=True,
        note=note,
    )
    replan(list(Invoice.objects.filter(client=client).values_list("pk", flat=True)))
    return interaction


def note_log(*, organization: Organization, client: Client, on: date, note: str) -> Interaction:
    if not note.strip():
        raise OwedError("a note needs some text (--note)")
    return _log(
        organization,
        client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        summary=note.strip().splitlines()[0],
        note=note,
    )


def _zone(organization: Organization, client: Client) -> str:
    return client.timezone or country_zone(client.country) or organization.timezone


def _moment(organization: Organization, client: Client, on: date) -> datetime:
    from zoneinfo import ZoneInfo

    zone = _zone(organization, client)
    return first_allowed_moment(
        on_or_after=datetime.combine(on, time(0), tzinfo=ZoneInfo(zone)),
        country=client.country,
        client_kind=client.kind,
        tz=zone,
    )


def _task(
    organization: Organization,
    client: Client,
    key: str,
    step: str,
    on: date,
    invoices: Sequence[Invoice],
) -> Action:
    action, _ = Action.objects.get_or_create(
        organization=organization,
        key=key,
        defaults={
            "kind": "task",
            "client": client,
            "step": step,
            "channels": Channel.TASK.value,
            "decided_on": on,
            "scheduled_for": _moment(organization, client, on),
            "timezone": _zone(organization, client),
        },
    )
    _lines(action, invoices, on)
    return action


def _lines(action: Action, invoices: Sequence[Invoice], on: date) -> None:
    from owed.dunning.models import ActionLine

    balances = _balances(invoices)
    ActionLine.objects.bulk_create(
        ActionLine(
            action=action,
            invoice=i,
            days_overdue=(on - i.due_date).days,
            balance=balances.get(i.pk, Decimal(0)),
        )
        for i in invoices
    )


def _invoice_copies(
    organization: Organization,
    client: Client,
    invoices: Sequence[Invoice],
    on: date,
    interaction: Interaction,
) -> Action:
    """Send a fresh copy of the invoices now, in one message. Each invoice whose ladder has
    not reached `invoice_copy` yet gets that step recorded as merged into this message, so
    the ladder does not send a copy again."""
    action = Action.objects.create(
        organization=organization,
        key=f"interaction:{interaction.pk}:invoice_copy",
        kind="manual",
        client=client,
        step="invoice_copy",
        channels=Channel.EMAIL.value,
        decided_on=on,
        scheduled_for=_moment(organization, client, on),
        timezone=_zone(organization, client),
        reason="the client said the invoice was lost",
    )
    _lines(action, invoices, on)
    taken = set(
        Action.objects.filter(
            organization=organization,
            key__in=[core.invoice_key(i.pk, "invoice_copy") for i in invoices],
        ).values_list("key", flat=True)
    )
    for invoice in invoices:
        key = core.invoice_key(invoice.pk, "invoice_copy")
        if key in taken:
            continue
        merged = Action.objects.create(
            organization=organization,
            key=key,
            kind=core.Kind.LADDER.value,
            client=client,
            invoice=invoice,
            subject_id=invoice.pk,
            step="invoice_copy",
            channels=Channel.EMAIL.value,
            status=Action.Status.MERGED,
            merged_into=action,
            decided_on=on,
            scheduled_for=action.scheduled_for,
            timezone=action.timezone,
            reason="merged into invoice_copy",
        )
        _lines(merged, [invoice], on)
    return action


# --- policies -----------------------------------------------------------------------------


def policy_to_data(policy: CorePolicy) -> dict:
    """A policy as plain data (the format of `owed policy show --json` and `edit`)."""
    return {
        "name": policy.name,
        "minimum_balances": {c: str(a) for c, a in policy.minimum_balances},
        "steps": [
            {
                "code": s.code,
                "offset_days": s.offset_days,
                "channels": [c.value for c in s.channels],
                "recipient": s.recipient.value,
                "conditions": [c.value for c in s.conditions],
                "attach_invoice": s.attach_invoice,
                "attach_contract": s.attach_contract,
            }
            for s in policy.steps
        ],
    }


def policy_from_data(data: object) -> CorePolicy:
    """Read a policy from plain data; every mistake is reported at once."""
    if not isinstance(data, dict):
        raise OwedError("a policy is an object with a name and a list of steps")
    problems: list[str] = []
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name: give the policy a name")
        name = "?"
    steps = []
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list):
        problems.append("steps: a list of steps is needed")
        raw_steps = []
    for n, raw in enumerate(raw_steps, start=1):
        where = f"step {n}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: not an object")
            continue
        try:
            unknown = set(raw) - {
                "code",
                "offset_days",
                "channels",
                "recipient",
                "conditions",
                "attach_invoice",
                "attach_contract",
            }
            if unknown:
                raise ValueError(f"unknown field {sorted(unknown)[0]!r}")
            offset = raw.get("offset_days")
            if not isinstance(offset, int) or isinstance(offset, bool):
                raise ValueError("offset_days must be a whole number of days")
            steps.append(
                CoreStep(
                    code=str(raw.get("code", "")),
                    offset_days=offset,
                    channels=tuple(Channel(c) for c in raw.get("channels", [])),
                    recipient=Recipient(raw.get("recipient", "main")),
                    conditions=tuple(Condition(c) for c in raw.get("conditions", [])),
                    attach_invoice=bool(raw.get("attach_invoice", False)),
                    attach_contract=bool(raw.get("attach_contract", False)),
                )
            )
        except (ValueError, TypeError) as exc:
            problems.append(f"{where}: {exc}")
    minimums = []
    raw_minimums = data.get("minimum_balances", {}) or {}
    if not isinstance(raw_minimums, dict):
        problems.append("minimum_balances: an object of currency: amount")
        raw_minimums = {}
    for currency, amount in raw_minimums.items():
        try:
            minimums.append((str(currency).upper(), Decimal(str(amount))))
        except ArithmeticError:
            problems.append(f"minimum_balances: {amount!r} is not an amount")
    policy = CorePolicy(name=name.strip(), steps=tuple(steps), minimum_balances=tuple(minimums))
    if not problems:
        problems += [
            f"{p.step}: {p.message}" if p.step else p.message for p in check_policy(policy)
        ]
    if problems:
        raise OwedError("the policy cannot be saved", details=problems)
    return policy


def policy_current(*, organization: Organization, name: str | None = None) -> CorePolicy:
    default, by_name = snapshot.policies(organization)
    if name is None or name == default.name:
        return default
    if name not in by_name:
        raise OwedError(f"no policy named {name!r}; known: {', '.join(sorted(by_name)) or '-'}")
    return by_name[name]


def segment_from_data(data: object) -> tuple[tuple[str, ...], str]:
    """The segment of a policy file: `"segment": {"countries": ["VN"], "kind": "individual"}`
    (both optional). Returns (countries, kind); empty for a policy without a segment."""
    raw = data.get("segment") if isinstance(data, dict) else None
    if raw in (None, {}):
        return (), ""
    problems = []
    if not isinstance(raw, dict) or set(raw) - {"countries", "kind"}:
        raise OwedError(
            "the policy cannot be saved",
            details=['segment: an object with "countries" (a list) and/or "kind"'],
        )
    countries = raw.get("countries") or []
    if not isinstance(countries, list):
        problems.append('segment: countries is a list of ISO codes, e.g. ["VN", "TH"]')
        countries = []
    found = []
    for value in countries:
        code = str(value).strip().upper()
        if len(code) != 2 or not code.isalpha() or not code.isascii():
            problems.append(f"segment: {value!r} is not a two-letter country code")
        else:
            found.append(code)
    kind = raw.get("kind") or ""
    if kind not in ("", "business", "individual"):
        problems.append(f"segment: kind is business or individual, not {kind!r}")
    if problems:
        raise OwedError("the policy cannot be saved", details=problems)
    return tuple(found), kind


def policy_segment(*, organization: Organization, name: str) -> dict | None:
    """The stored policy's segment as data, or None."""
    stored = Policy.objects.filter(organization=organization, name=name).first()
    if stored is None or not stored.is_segment:
        return None
    segment: dict = {}
    if stored.country_list:
        segment["countries"] = stored.country_list
    if stored.client_kind:
        segment["kind"] = stored.client_kind
    return segment


@transaction.atomic
def policy_save(
    *,
    organization: Organization,
    policy: CorePolicy,
    make_default: bool = True,
    segment: tuple[tuple[str, ...], str] = ((), ""),
) -> Policy:
    """Store the policy (replacing one of the same name) and have every invoice it chases
    looked at again by the next run. A policy with a segment (countries, client kind)
    chases the clients in it that have no policy of their own; it cannot be the default."""
    countries, kind = segment
    if (countries or kind) and make_default:
        raise OwedError("a policy for a segment cannot be the default: save it --not-default")
    stored, _ = Policy.objects.get_or_create(organization=organization, name=policy.name)
    if (countries or kind) and stored.is_default:
        raise OwedError(f"{policy.name} is the default policy: it cannot have a segment")
    stored.countries = ",".join(countries)
    stored.client_kind = kind
    if make_default:
        Policy.objects.filter(organization=organization, is_default=True).exclude(
            pk=stored.pk
        ).update(is_default=False)
        stored.is_default = True
    stored.minimum_balances = {c: str(a) for c, a in policy.minimum_balances}
    stored.save()
    stored.steps.all().delete()
    PolicyStep.objects.bulk_create(
        PolicyStep(
            policy=stored,
            position=n,
            code=s.code,
            offset_days=s.offset_days,
            channels=",".join(c.value for c in s.channels),
            recipient=s.recipient.value,
            conditions=",".join(c.value for c in s.conditions),
            attach_invoice=s.attach_invoice,
            attach_contract=s.attach_contract,
        )
        for n, s in enumerate(policy.steps)
    )
    affected = Invoice.objects.filter(organization=organization, written_off_on=None)
    if stored.is_default or stored.is_segment:
        # Which clients a segment covers can change with any save: look at them all.
        affected = affected.filter(
            Q(client__clientpolicy__isnull=True) | Q(client__clientpolicy__policy=stored)
        )
    else:
        affected = affected.filter(client__clientpolicy__policy=stored)
    affected.update(next_step_on=None)
    return stored


@transaction.atomic
def policy_assign(*, organization: Organization, client: Client, name: str | None) -> None:
    """Chase the client with the named policy (None: the organization's default)."""
    if name is None:
        ClientPolicy.objects.filter(client=client).delete()
    else:
        policy = Policy.objects.filter(organization=organization, name=name).first()
        if policy is None:
            raise OwedError(f"no stored policy named {name!r}")
        ClientPolicy.objects.update_or_create(client=client, defaults={"policy": policy})
    Invoice.objects.filter(client=client).update(next_step_on=None)


def next_business(client: Client, day: date) -> date:
    return next_business_day(day, client.country)
