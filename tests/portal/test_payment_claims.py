"""The portal's "I have paid" with a proof: the file is checked by its first bytes and
its size, kept under the data folder, and served only to the organization's members, as
a download. The claim waits on Today, its invoices quiet, until a user records the
payment or says it was not received."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from owed.dunning.models import Interaction, Snooze
from owed.portal.models import PaymentClaim
from owed.portal.requests import payment_claim_confirm, payment_claim_reject

from .conftest import path_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture
def english(their):
    their.client.language = "en"
    their.client.save()
    return their


def _paid(client, books, proof=None, **fields):
    data = {
        "form": "paid",
        "paid-invoice": str(books.overdue.pk),
        "paid-paid_on": books.today.isoformat(),
        **fields,
    }
    if proof is not None:
        data["paid-proof"] = proof
    return client.post(path_for(books.client), data)


def test_the_paid_form_is_multipart_and_asks_for_a_proof(client, books):
    page = client.get(path_for(books.client)).text
    form = page.split('id="form-paid"', 1)[1].split("</form>", 1)[0]
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file"' in form and 'name="paid-proof"' in form
    assert 'accept="application/pdf,image/png,image/jpeg' in form


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        (PNG, "receipt.png", "image/png", "png"),
        (PDF, "Biên lai.pdf", "application/pdf", "pdf"),
        (JPEG, "photo.JPG", "image/jpeg", "jpg"),
    ],
)
def test_a_proof_is_kept_under_the_data_folder_with_a_random_name(
    client, books, content, name, content_type, extension
):
    response = _paid(client, books, SimpleUploadedFile(name, content, "text/plain"))

    assert response.status_code == 302
    claim = PaymentClaim.objects.get(client=books.client)
    assert claim.proof_type == content_type and claim.proof_name == name
    stored = Path(claim.proof.path)
    assert stored.read_bytes() == content
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT) / "portal" / "proofs")
    assert stored.suffix == f".{extension}" and "receipt" not in stored.name
    assert books.client.code not in str(stored) and books.overdue.number not in str(stored)
    said = Interaction.objects.get(code="portal_paid")
    assert said.params["proof"] is True and said.params["claim"] == claim.pk
    assert "proof attached" in said.summary


def test_a_file_that_is_not_a_pdf_png_or_jpeg_is_refused_whatever_its_name(client, english):
    response = _paid(
        client, english, SimpleUploadedFile("receipt.pdf", b"<html>hello</html>", "application/pdf")
    )

    assert response.status_code == 422
    assert "This file is not a PDF, PNG or JPEG: send your proof in one of these." in response.text
    assert not PaymentClaim.objects.exists() and not Snooze.objects.exists()


def test_a_file_over_5_mb_is_refused_with_its_size(client, english):
    big = PDF + b"0" * (5 * 1024 * 1024)

    response = _paid(client, english, SimpleUploadedFile("big.pdf", big, "application/pdf"))

    assert response.status_code == 422
    assert "This file is too big (5.1 MB): send one of at most 5 MB." in response.text
    assert not PaymentClaim.objects.exists()


def test_a_claim_pauses_its_invoices_for_a_week(client, books):
    _paid(client, books, SimpleUploadedFile("r.png", PNG))

    claim = PaymentClaim.objects.get()
    (snooze,) = claim.snoozes.all()
    assert snooze.invoice == books.overdue
    assert snooze.until == books.today + timedelta(days=7)


def test_the_proof_is_not_served_publicly(client, books, web, their):
    _paid(client, books, SimpleUploadedFile("r.png", PNG))
    claim = PaymentClaim.objects.get()
    url = f"/requests/payments/{claim.pk}/proof/"

    assert client.get("/" + settings.MEDIA_URL + claim.proof.name).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]

    download = web.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == (
        f'attachment; filename="payment-proof-{claim.pk}.png"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


def test_another_organizations_user_cannot_download_the_proof(client, books, their):
    from tests.web.conftest import logged_in, make_user

    _paid(client, books, SimpleUploadedFile("r.png", PNG))
    claim = PaymentClaim.objects.get()
    stranger = logged_in(make_user("eve", (their.org, "owner")))

    assert stranger.get(f"/requests/payments/{claim.pk}/proof/").status_code == 404


def test_the_clients_timeline_links_to_the_proof(client, books, web):
    _paid(client, books, SimpleUploadedFile("r.png", PNG))
    claim = PaymentClaim.objects.get()

    page = web.get(f"/clients/{books.client.code}/").content.decode()

    assert f'href="/requests/payments/{claim.pk}/proof/"' in page


def test_confirming_and_rejecting_lift_the_pause(client, books, member):
    _paid(client, books, SimpleUploadedFile("r.png", PNG))
    _paid(client, books, **{"paid-invoice": str(books.recent.pk)})
    first, second = PaymentClaim.objects.order_by("pk")

    payment_claim_confirm(organization=books.org, claim=first, by=member)
    payment_claim_reject(
        organization=books.org, claim=second, by=member, note="Not on the statement"
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by) == ("confirmed", member)
    assert (second.status, second.decision_note) == ("rejected", "Not on the statement")
    assert {s.until for s in Snooze.objects.all()} == {books.today}
    rejected = Interaction.objects.get(code="payment_claim_rejected")
    assert rejected.note == "Not on the statement"
    # The client reads what became of them.
    page = client.get(path_for(books.client)).text
    assert "payment-claim-confirmed" in page and "payment-claim-rejected" in page
    assert "Not on the statement" not in page  # the team's note stays with the team
