"""Escalation policies: read and write them as plain data (`owed policy show/edit`, the
Policies page), store them, and say which policy chases a client. Saving one has the
invoices it chases looked at again by the next run."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from owed.core.ladder import Channel, Condition, Recipient, check_policy
from owed.core.ladder import Policy as CorePolicy
from owed.core.ladder import Step as CoreStep
from owed.dunning import snapshot
from owed.dunning.models import ClientPolicy, Policy, PolicyStep
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Organization


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
