"""Two owners demoting each other at the same moment: one wins, the other is refused, and
the organization keeps an owner (membership changes of one organization take turns).

PostgreSQL only. On SQLite, owed opens every transaction IMMEDIATE, which takes the one
database write lock at its start, so two changes never overlap there.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from owed.errors import OwedError
from owed.ledger import settings_services
from owed.ledger.models import Membership
from tests.locks import someone_waits_for_a_lock
from tests.web.conftest import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite's IMMEDIATE transactions already make writers wait "
            "for each other, so the two changes cannot interleave there"
        )


def test_two_owners_demoting_each_other_at_once_leave_one_owner(org, monkeypatch):
    mai = make_user("mai", (org, Membership.Role.OWNER))
    lan = make_user("lan", (org, Membership.Role.OWNER))
    first_counted = threading.Event()
    count_owners = settings_services._other_owners

    def counting_then_holding_on(organization, membership):
        # The first change has counted the other owners; it commits only once the second
        # one is waiting for the lock (or has gone past it, which the test then catches).
        others = count_owners(organization, membership)
        if not first_counted.is_set():
            first_counted.set()
            deadline = time.monotonic() + 5
            while not someone_waits_for_a_lock() and time.monotonic() < deadline:
                time.sleep(0.02)
        return others

    monkeypatch.setattr(settings_services, "_other_owners", counting_then_holding_on)
    outcomes: dict[str, str] = {}

    def demote(user, by) -> None:
        membership = Membership.objects.get(organization=org, user=user)
        try:
            settings_services.member_role_set(
                organization=org, by=by, membership=membership, role="member"
            )
            outcomes[user.username] = "demoted"
        except OwedError as exc:
            outcomes[user.username] = exc.message
        finally:
            connections.close_all()

    first = threading.Thread(target=demote, args=(mai, lan))
    first.start()
    assert first_counted.wait(10)
    second = threading.Thread(target=demote, args=(lan, mai))
    second.start()
    first.join(20)
    second.join(20)

    assert outcomes["mai"] == "demoted"
    assert outcomes["lan"].startswith("lan is the only owner")
    roles = dict(Membership.objects.filter(organization=org).values_list("user__username", "role"))
    assert roles == {"mai": "member", "lan": "owner"}
