"""A token sees and changes only its organization: another organization's id is a 404,
the same answer as for an id that was never used, on every resource, read and write."""

from __future__ import annotations

import pytest

from owed.api.tokens import token_create
from owed.dunning.models import Action, Dispute, Interaction, Plan, Promise, Snooze
from owed.ledger.models import Client, Contact, Contract, Invoice, Payment
from tests.api.conftest import Api, _user

pytestmark = pytest.mark.django_db

NEVER_USED = 10**12

# (URL, the Books attribute read there, the object's name in messages)
READS = [
    ("/clients", "client", "client"),
    ("/contacts", "contact", "contact"),
    ("/contracts", "contract", "contract"),
    ("/invoices", "overdue", "invoice"),
    ("/payments", "payment", "payment"),
    ("/actions", "action", "action"),
    ("/promises", "promise", "promise to pay"),
    ("/plans", "plan", "payment plan"),
    ("/disputes", "dispute", "dispute"),
    ("/interactions", "interaction", "interaction"),
]
MODELS = [
    Client,
    Contact,
    Contract,
    Invoice,
    Payment,
    Action,
    Promise,
    Plan,
    Dispute,
    Interaction,
    Snooze,
]


def _not_found(response, name: str, pk: int) -> None:
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": f"There is no {name} with id {pk}.",
        "details": [],
    }


@pytest.fixture
def counts(their, other_org):
    """How many rows the other organization has, to check that nothing was written there."""

    def count() -> dict[str, int]:
        return {m.__name__: m.objects.filter(organization=other_org).count() for m in MODELS}

    return count


@pytest.mark.parametrize(("url", "attribute", "name"), READS)
def test_another_organizations_id_reads_as_not_found(api, ledger, their, url, attribute, name):
    theirs = getattr(their, attribute).pk

    _not_found(api.get(f"{url}/{theirs}"), name, theirs)
    _not_found(api.get(f"{url}/{NEVER_USED}"), name, NEVER_USED)
    assert api.get(f"{url}/{getattr(ledger, attribute).pk}").status_code == 200


@pytest.mark.parametrize(("url", "attribute", "name"), READS)
def test_lists_hold_only_the_organizations_own_rows(api, ledger, their, url, attribute, name):
    mine = {row["id"] for row in api.get(url, limit=500).json()["items"]}
    model = type(getattr(their, attribute))

    assert mine
    assert mine.isdisjoint(
        model.objects.filter(organization=their.client.organization_id).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "url",
    [
        "/contacts",
        "/contracts",
        "/invoices",
        "/payments",
        "/actions",
        "/promises",
        "/plans",
        "/disputes",
        "/interactions",
    ],
)
def test_filtering_by_another_organizations_client_finds_nothing(api, ledger, their, url):
    body = api.get(url, client_id=their.client.pk).json()

    assert body["count"] == 0


def test_the_other_organizations_token_sees_its_own_rows_only(ledger, their, other_org):
    _user(other_org, "gb", "owner")
    gb = Api(token_create(username="gb", organization=other_org)[1])

    assert {c["code"] for c in gb.get("/clients").json()["items"]} == {"SEN", "LAM"}
    assert {c["id"] for c in gb.get("/clients").json()["items"]} == {
        their.client.pk,
        their.second_client.pk,
    }
    assert gb.get(f"/clients/{ledger.client.pk}").status_code == 404


def _patches(theirs):
    return [
        (
            "patch",
            f"/clients/{theirs.client.pk}",
            {"name": "Taken over"},
            "client",
            theirs.client.pk,
        ),
        (
            "patch",
            f"/contacts/{theirs.contact.pk}",
            {"name": "Taken over"},
            "contact",
            theirs.contact.pk,
        ),
        (
            "patch",
            f"/contracts/{theirs.contract.pk}",
            {"title": "Taken over"},
            "contract",
            theirs.contract.pk,
        ),
        ("post", f"/disputes/{theirs.dispute.pk}/resolve", {}, "dispute", theirs.dispute.pk),
        ("post", f"/invoices/{theirs.overdue.pk}/write-off", {}, "invoice", theirs.overdue.pk),
        (
            "post",
            f"/actions/{theirs.action.pk}/skip",
            {"reason": "Taken over"},
            "action",
            theirs.action.pk,
        ),
    ]


def _creates(mine, theirs):
    """Creating with a link to the other organization's client, contract or invoice."""
    invoice = {
        "issue_date": "2026-11-22",
        "due_date": "2026-12-22",
        "lines": [{"description": "x", "unit_price": "1"}],
    }
    return [
        ("/contacts", {"client_id": theirs.client.pk, "name": "Spy"}, "client", theirs.client.pk),
        (
            "/contracts",
            {"client_id": theirs.client.pk, "code": "K-9", "title": "T", "price": "1"},
            "client",
            theirs.client.pk,
        ),
        (
            "/invoices",
            {"client_id": theirs.client.pk, "number": "X-1", **invoice},
            "client",
            theirs.client.pk,
        ),
        (
            "/invoices",
            {
                "client_id": mine.client.pk,
                "contract_id": theirs.contract.pk,
                "number": "X-2",
                **invoice,
            },
            "contract",
            theirs.contract.pk,
        ),
        (
            "/payments",
            {"client_id": theirs.client.pk, "date": "2026-11-22", "amount": "1"},
            "client",
            theirs.client.pk,
        ),
        (
            "/payments",
            {
                "client_id": mine.client.pk,
                "date": "2026-11-22",
                "amount": "1",
                "invoice_ids": [theirs.overdue.pk],
            },
            "invoice",
            theirs.overdue.pk,
        ),
        (
            "/promises",
            {"invoice_ids": [mine.overdue.pk, theirs.overdue.pk], "until": "2026-12-31"},
            "invoice",
            theirs.overdue.pk,
        ),
        (
            "/plans",
            {"invoice_ids": [theirs.overdue.pk], "instalments": 2, "every_days": 7},
            "invoice",
            theirs.overdue.pk,
        ),
        (
            "/disputes",
            {"invoice_id": theirs.overdue.pk, "reason": "No"},
            "invoice",
            theirs.overdue.pk,
        ),
        (
            "/interactions/calls",
            {"client_id": theirs.client.pk, "reason": "forgot"},
            "client",
            theirs.client.pk,
        ),
        ("/interactions/replies", {"client_id": theirs.client.pk}, "client", theirs.client.pk),
        (
            "/interactions/notes",
            {"client_id": theirs.client.pk, "note": "x"},
            "client",
            theirs.client.pk,
        ),
        (
            "/snoozes",
            {"invoice_id": theirs.overdue.pk, "until": "2999-12-31"},
            "invoice",
            theirs.overdue.pk,
        ),
        (
            "/snoozes",
            {"client_id": theirs.client.pk, "until": "2999-12-31"},
            "client",
            theirs.client.pk,
        ),
    ]


@pytest.mark.parametrize("n", range(6))
def test_changing_another_organizations_row_is_not_found_and_changes_nothing(
    api, ledger, their, counts, n
):
    method, url, data, name, pk = _patches(their)[n]
    before = counts()

    def state() -> dict:
        return {
            "client": Client.objects.get(pk=their.client.pk).name,
            "contract": Contract.objects.get(pk=their.contract.pk).title,
            "dispute": Dispute.objects.get(pk=their.dispute.pk).resolved_on,
            "invoice": Invoice.objects.get(pk=their.overdue.pk).written_off_on,
            "action": Action.objects.get(pk=their.action.pk).status,
        }

    changed = state()

    _not_found(getattr(api, method)(url, data), name, pk)

    assert counts() == before
    assert changed == state()


@pytest.mark.parametrize("n", range(14))
def test_creating_with_a_link_to_another_organization_is_not_found(
    api, ledger, their, counts, org, n
):
    url, data, name, pk = _creates(ledger, their)[n]
    before_theirs = counts()
    before_mine = {m.__name__: m.objects.filter(organization=org).count() for m in MODELS}

    _not_found(api.post(url, data), name, pk)

    assert counts() == before_theirs
    assert {m.__name__: m.objects.filter(organization=org).count() for m in MODELS} == before_mine
