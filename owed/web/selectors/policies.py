"""The Policies pages: each policy of the organization, which clients it chases (its own,
its segment's, or every other one for the default), and which steps have texts.

A client is chased by its own policy, else by the first policy (by name) whose segment
covers it, else by the default (`owed.dunning.snapshot`): the counts here follow the
same rule, each in one query for all the policies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from owed.core.ladder import Policy as CorePolicy
from owed.documents import texts
from owed.documents.models import StepTemplate
from owed.dunning import snapshot
from owed.dunning.models import ClientPolicy, Policy
from owed.ledger.models import Client, Organization

NAMES_SHOWN = 5
"""Clients named on the list of policies (the others are counted)."""
CLIENTS_SHOWN = 200
"""Clients listed on a policy's page."""


@dataclass
class PolicyRow:
    name: str
    policy: CorePolicy
    stored: Policy | None
    """None for owed's built-in policy while the organization has not changed it."""
    is_default: bool
    countries: list[str] = field(default_factory=list)
    kind: str = ""
    own: int = 0
    """Clients given this policy as their own."""
    names: list[tuple[str, str]] = field(default_factory=list)
    """(client id, name) of the first of them."""
    through: int = 0
    """Clients without a policy of their own that it chases: its segment's, or for the
    default every client no other policy chases."""

    @property
    def is_segment(self) -> bool:
        return bool(self.countries or self.kind)


def _segment(stored: Policy) -> Q:
    q = Q()
    if stored.country_list:
        q &= Q(country__in=stored.country_list)
    if stored.client_kind:
        q &= Q(kind=stored.client_kind)
    return q


def policy_rows(organization: Organization) -> list[PolicyRow]:
    """Every policy of the organization, the default first, then by name."""
    default, by_name = snapshot.policies(organization)
    stored = list(
        Policy.objects.filter(organization=organization)
        .annotate(own=Count("clientpolicy"))
        .order_by("name")
    )
    rows = {
        p.name: PolicyRow(
            name=p.name,
            policy=by_name[p.name],
            stored=p,
            is_default=p.is_default,
            countries=p.country_list,
            kind=p.client_kind,
            own=p.own,
        )
        for p in stored
    }
    if default.name not in rows:
        rows[default.name] = PolicyRow(default.name, default, None, is_default=True)
    # Who has no policy of its own is chased by the first segment (by name) covering it.
    segments = [p for p in stored if p.is_segment]
    unassigned = Q(clientpolicy__isnull=True)
    counts: dict[str, Q] = {}
    earlier = Q(pk__in=[])
    for p in segments:
        counts[f"s{p.pk}"] = unassigned & _segment(p) & ~earlier
        earlier |= _segment(p)
    counts["default"] = unassigned & ~earlier
    found = Client.objects.filter(organization=organization).aggregate(
        **{key: Count("pk", filter=q) for key, q in counts.items()}
    )
    for p in segments:
        rows[p.name].through = found[f"s{p.pk}"] or 0
    rows[default.name].through = found["default"] or 0
    first = (
        ClientPolicy.objects.filter(policy__organization=organization)
        .annotate(
            n=Window(RowNumber(), partition_by=[F("policy_id")], order_by=[F("client__name")])
        )
        .filter(n__lte=NAMES_SHOWN)
        .values_list("policy__name", "client__code", "client__name")
    )
    for name, code, client_name in first:
        rows[name].names.append((code, client_name))
    return sorted(rows.values(), key=lambda r: (not r.is_default, r.name))


def own_clients(organization: Organization, stored: Policy | None) -> list[Client]:
    """The clients given the policy as their own, by name (the first `CLIENTS_SHOWN`)."""
    if stored is None:
        return []
    return list(
        Client.objects.filter(organization=organization, clientpolicy__policy=stored).order_by(
            "name", "code"
        )[:CLIENTS_SHOWN]
    )


def client_choices(organization: Organization, limit: int = 300) -> list[tuple[str, str]]:
    """(id, name) of the organization's clients, to suggest in a field."""
    return list(
        Client.objects.filter(organization=organization)
        .order_by("name", "code")
        .values_list("code", "name")[:limit]
    )


def own_texts(organization: Organization, codes: list[str]) -> dict[str, list[str]]:
    """For each step, the languages the organization has its own text in."""
    found: dict[str, list[str]] = {code: [] for code in codes}
    for step, language in StepTemplate.objects.filter(
        organization=organization, step__in=codes
    ).values_list("step", "language"):
        found[step].append(language)
    return found


def text_source(code: str, letter: bool) -> str:
    """The step whose text a step sends: its own, else the nearest of owed's."""
    if code in texts.KEYS:
        return code
    return "formal_notice" if letter else "reminder"
