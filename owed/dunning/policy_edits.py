"""Changing an organization's policies as a whole: save an edited ladder (renaming it
too), copy one under a new name, make one the default, delete one.

Each builds on `owed.dunning.services` (`policy_from_data`, `policy_save`), so what it
refuses is what `owed policy edit` refuses; and each has the invoices it may change
looked at again by the next run (`next_step_on` emptied).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Q

from owed.core.ladder import Policy as CorePolicy
from owed.dunning.models import ClientPolicy, Policy
from owed.dunning.services import (
    policy_current,
    policy_from_data,
    policy_save,
    replan,
    segment_from_data,
)
from owed.errors import OwedError
from owed.ledger.models import Invoice, Organization

NAME_LENGTH = Policy._meta.get_field("name").max_length


@dataclass(frozen=True, slots=True)
class Saved:
    stored: Policy
    before: CorePolicy
    after: CorePolicy


def _check_name(organization: Organization, name: str, *, renaming: str | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise OwedError("give the policy a name")
    if len(name) > NAME_LENGTH:
        raise OwedError(f"a policy's name has at most {NAME_LENGTH} characters")
    taken = Policy.objects.filter(organization=organization, name=name).exists()
    if name != renaming and (taken or name == policy_current(organization=organization).name):
        raise OwedError(f"there is already a policy named {name!r}")
    return name


@transaction.atomic
def policy_update(*, organization: Organization, name: str, data: dict) -> Saved:
    """Replace the policy `name` with `data` (the format of `owed policy show --json`,
    with its optional "segment"); a new "name" in `data` renames it. The default policy
    stays the default (owed's built-in one is stored on its first change)."""
    before = policy_current(organization=organization, name=name)
    after = policy_from_data(data)
    segment = segment_from_data(data)
    stored = Policy.objects.filter(organization=organization, name=before.name).first()
    is_default = stored.is_default if stored else True
    if is_default and (segment[0] or segment[1]):
        raise OwedError("the default policy chases every client: it cannot have a segment")
    if after.name != before.name:
        _check_name(organization, after.name)
        if stored is not None:
            stored.name = after.name
            stored.save(update_fields=["name", "updated_at"])
    saved = policy_save(
        organization=organization, policy=after, make_default=is_default, segment=segment
    )
    return Saved(saved, before, after)


@transaction.atomic
def policy_copy(*, organization: Organization, source: str, name: str) -> Policy:
    """Store a copy of the policy `source` named `name`; it chases no client until it is
    given some (or a segment)."""
    original = policy_current(organization=organization, name=source)
    name = _check_name(organization, name)
    return policy_save(
        organization=organization, policy=replace(original, name=name), make_default=False
    )


@transaction.atomic
def policy_make_default(*, organization: Organization, name: str) -> Policy:
    """Chase every client without a policy of its own (or a segment's) with `name`."""
    policy = policy_current(organization=organization, name=name)
    stored = Policy.objects.filter(organization=organization, name=policy.name).first()
    if stored is None or stored.is_default:
        return stored or policy_save(organization=organization, policy=policy)
    if stored.is_segment:
        raise OwedError(
            f"{policy.name} serves a segment: remove its segment before making it the default"
        )
    if not Policy.objects.filter(organization=organization, is_default=True).exists():
        # owed's built-in ladder was the default: keep it, stored, among the policies.
        builtin = policy_current(organization=organization)
        if not Policy.objects.filter(organization=organization, name=builtin.name).exists():
            policy_save(organization=organization, policy=builtin, make_default=False)
    return policy_save(organization=organization, policy=policy, make_default=True)


@transaction.atomic
def policy_delete(*, organization: Organization, name: str) -> int:
    """Delete a policy that is not the default; its clients go back to the default (or
    their segment's). Returns how many clients had it as their own."""
    stored = Policy.objects.filter(organization=organization, name=name).first()
    if stored is None:
        policy_current(organization=organization, name=name)  # the built-in default
        raise OwedError(f"{name} is the default policy: it cannot be deleted")
    if stored.is_default:
        raise OwedError(f"{name} is the default policy: it cannot be deleted")
    own = ClientPolicy.objects.filter(policy=stored)
    clients = own.count()
    affected = Invoice.objects.filter(organization=organization, written_off_on=None)
    if stored.is_segment:
        affected = affected.filter(
            Q(client__clientpolicy__isnull=True) | Q(client__clientpolicy__policy=stored)
        )
    else:
        affected = affected.filter(client__clientpolicy__policy=stored)
    replan(list(affected.values_list("pk", flat=True)))
    stored.delete()
    return clients
