"""An organization's own step texts in the admin: refused with the unknown placeholder
named, previewed on one of the organization's real invoices, and each member sees only
their organizations' texts."""

from __future__ import annotations

import html

import pytest

from owed.documents.models import StepTemplate
from owed.ledger.services import user_add
from tests.ledger.admin_forms import PASSWORD

pytestmark = pytest.mark.django_db


def _form(org, **overrides) -> dict[str, object]:
    data = {
        "organization": org.pk,
        "step": "reminder",
        "language": "en",
        "subject": "About {invoice_numbers}",
        "body": "Hello {contact_name},\n\n{invoice_list}\n\nThanks,\n{signature}",
        "letter_body": "",
    }
    return data | overrides


def test_a_text_is_added_from_the_admin(admin_client, org):
    page = admin_client.get("/admin/documents/steptemplate/add/")
    response = admin_client.post("/admin/documents/steptemplate/add/", _form(org))

    assert "Save the text to see it filled in for one of your invoices." in page.text

    assert response.status_code == 302
    assert StepTemplate.objects.get().subject == "About {invoice_numbers}"


def test_an_unknown_placeholder_is_refused_with_its_name(admin_client, org):
    response = admin_client.post(
        "/admin/documents/steptemplate/add/", _form(org, body="Hello {customer}")
    )

    assert response.status_code == 200
    shown = html.unescape(response.text)
    assert "Unknown placeholder {customer}. The placeholders are: {client_name}" in shown
    assert not StepTemplate.objects.exists()


def test_the_change_page_previews_the_text_on_a_real_invoice(admin_client, invoice_for):
    invoice = invoice_for("vi")
    template = StepTemplate.objects.create(
        organization=invoice.organization,
        step="reminder",
        language="vi",
        subject="Về hóa đơn {invoice_numbers}",
        body="Kính gửi {contact_name},\n\nSố tiền: {total_balance}",
    )

    page = admin_client.get(f"/admin/documents/steptemplate/{template.pk}/change/")

    assert page.status_code == 200
    shown = html.unescape(page.text)
    assert "Về hóa đơn INV-77-VI" in shown
    assert "Số tiền: 14.500.000\xa0₫" in shown


def test_a_member_may_write_texts_and_sees_only_their_organization_s(client, org, other_org):
    user_add(organization=org, username="lan", password=PASSWORD, role="member")
    StepTemplate.objects.create(
        organization=org, step="reminder", language="en", subject="Ours", body="x"
    )
    StepTemplate.objects.create(
        organization=other_org, step="reminder", language="en", subject="Theirs", body="x"
    )
    client.login(username="lan", password=PASSWORD)

    page = client.get("/admin/documents/steptemplate/")
    added = client.post("/admin/documents/steptemplate/add/", _form(org, step="call"))

    assert page.status_code == 200
    assert "Ours" in page.text and "Theirs" not in page.text
    assert added.status_code == 302
    assert StepTemplate.objects.filter(organization=org, step="call").exists()
