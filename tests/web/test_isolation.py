"""Another organization's rows are not there: every page and every POST that names one of
its clients, invoices or actions answers 404 and changes nothing. Read-only members see
everything and can change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from owed.dunning.models import Action, Interaction, Promise, Snooze
from owed.ledger.models import Invoice, Membership, Payment
from tests.web.conftest import logged_in, make_user

pytestmark = pytest.mark.django_db


def _their_posts(their) -> list[tuple[str, dict]]:
    today = their.today.isoformat()
    later = (their.today + timedelta(days=5)).isoformat()
    call, reminder = their.call.pk, their.reminder.pk
    invoice = f"/invoices/{their.overdue.number}/"
    return [
        (f"/actions/{reminder}/skip/", {f"skip-{reminder}-reason": "x"}),
        (f"/actions/{reminder}/snooze/", {f"snooze-{reminder}-until": later}),
        (f"/actions/{call}/call/", {f"call-{call}-reached": "no"}),
        (
            invoice,
            {
                "form": "payment",
                "payment-date": today,
                "payment-amount": "1",
                "payment-method": "cash",
            },
        ),
        (invoice, {"form": "promise", "promise-until": later}),
        (
            invoice,
            {
                "form": "plan",
                "plan-instalments": "2",
                "plan-every_days": "30",
                "plan-grace_days": "7",
            },
        ),
        (invoice, {"form": "dispute", "dispute-reason": "x"}),
        (invoice, {"form": "snooze", "snooze-until": later}),
        (invoice, {"form": "write_off", "write_off-confirm": "on"}),
    ]


def _nothing_changed(their) -> None:
    assert not Interaction.objects.exists()
    assert not Promise.objects.exists()
    assert not Snooze.objects.exists()
    assert Payment.objects.filter(organization=their.org).count() == 2
    assert set(Action.objects.filter(organization=their.org).values_list("status", flat=True)) == {
        "planned"
    }
    assert not Invoice.objects.filter(organization=their.org, written_off_on__isnull=False).exists()


def test_their_client_and_invoice_pages_are_not_found(web, books, their):
    assert web.get("/clients/THISTLE/").status_code == 404
    assert web.get(f"/invoices/{their.overdue.number}/").status_code == 404
    assert web.get(f"/invoices/{their.recent.number}/").status_code == 404


def test_every_post_about_their_rows_is_not_found(web, books, their):
    for url, data in _their_posts(their):
        assert web.post(url, data).status_code == 404, url
    _nothing_changed(their)


def test_our_lists_never_show_their_rows(web, books, their):
    for url in ("/", "/receivables/", "/receivables/export.csv", "/receivables/?q=X-"):
        page = web.get(url).content.decode()
        assert "X-INV" not in page and "THISTLE" not in page and "X-Công ty" not in page, url
    assert "X-INV" not in web.get("/receivables/?client=THISTLE").content.decode()


def test_a_code_used_by_both_organizations_shows_our_own_client(web, books, other_org):
    from tests.web.conftest import make_books

    make_books(other_org, prefix="Y-", code="HOASEN")
    page = web.get("/clients/HOASEN/").content.decode()
    assert "Y-Công ty" not in page and "Y-INV" not in page
    assert "INV-001" in page


def test_a_read_only_member_sees_every_page_without_forms(web_reader, books):
    for url in ("/", "/receivables/", "/clients/HOASEN/", "/invoices/INV-001/"):
        response = web_reader.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "read-only access" in page
        assert 'method="post" action="/actions/' not in page
        assert 'name="form"' not in page
    assert web_reader.get("/receivables/export.csv").status_code == 200


def test_a_read_only_member_cannot_post_anything(web_reader, books):
    today = books.today.isoformat()
    call, reminder = books.call.pk, books.reminder.pk
    posts = [
        (f"/actions/{reminder}/skip/", {f"skip-{reminder}-reason": "x"}),
        (f"/actions/{reminder}/snooze/", {f"snooze-{reminder}-until": "2099-01-01"}),
        (f"/actions/{call}/call/", {f"call-{call}-reached": "no"}),
        (
            "/invoices/INV-001/",
            {
                "form": "payment",
                "payment-date": today,
                "payment-amount": "1",
                "payment-method": "cash",
            },
        ),
        ("/invoices/INV-001/", {"form": "promise", "promise-until": "2099-01-01"}),
        ("/invoices/INV-001/", {"form": "dispute", "dispute-reason": "x"}),
        ("/invoices/INV-001/", {"form": "write_off", "write_off-confirm": "on"}),
    ]
    for url, data in posts:
        assert web_reader.post(url, data).status_code == 403, url
    assert not Interaction.objects.exists()
    assert Payment.objects.count() == 2


def test_a_member_can_post(web_member, books):
    response = web_member.post(
        f"/actions/{books.reminder.pk}/skip/", {f"skip-{books.reminder.pk}-reason": "done by hand"}
    )
    assert response.status_code == 302


def test_read_only_in_one_organization_and_member_in_another(org, other_org, books, their):
    user = make_user("lan", (org, Membership.Role.READ_ONLY), (other_org, Membership.Role.MEMBER))
    http = logged_in(user)
    assert http.get("/").status_code == 302  # two organizations: choose one first
    http.post("/organizations/", {"organization": org.pk})
    assert (
        http.post(
            f"/actions/{books.reminder.pk}/skip/", {f"skip-{books.reminder.pk}-reason": "x"}
        ).status_code
        == 403
    )
    http.post("/organizations/", {"organization": other_org.pk})
    assert (
        http.post(
            f"/actions/{their.reminder.pk}/skip/", {f"skip-{their.reminder.pk}-reason": "x"}
        ).status_code
        == 302
    )
    # Now in the other organization, ours are the ones not found.
    assert http.get("/clients/HOASEN/").status_code == 404
