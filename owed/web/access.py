"""Who may see and do what in the back office: the user's organization and role.

A user works in one organization at a time, kept in the session. Every query of the
back office goes through `Access.organization`; a row of another organization is never
found (404). A read-only member sees every page but gets no forms, and a POST from one is
refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from owed.ledger.models import Membership, Organization

SESSION_KEY = "owed_organization"


@dataclass(frozen=True, slots=True)
class Access:
    organization: Organization
    role: str
    memberships: int
    """How many organizations the user belongs to (more than one: it may switch)."""

    @property
    def can_write(self) -> bool:
        return self.role != Membership.Role.READ_ONLY


def memberships_of(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization__id")
    )


def access_for(request: HttpRequest) -> Access | None:
    """The user's access in the organization chosen in the session; with a single
    membership, that organization (chosen now). None when the user must choose first
    or belongs to none."""
    found = memberships_of(request.user)
    chosen = request.session.get(SESSION_KEY)
    membership = next((m for m in found if m.organization_id == chosen), None)
    if membership is None and len(found) == 1:
        membership = found[0]
        request.session[SESSION_KEY] = membership.organization_id
    if membership is None:
        return None
    return Access(membership.organization, membership.role, len(found))


def choose(request: HttpRequest, organization_id: int) -> bool:
    """Work in this organization from now on, if the user is a member; False otherwise."""
    if not Membership.objects.filter(user=request.user, organization_id=organization_id).exists():
        return False
    request.session[SESSION_KEY] = organization_id
    return True
