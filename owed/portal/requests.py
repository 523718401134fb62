"""What a client asks or reports in the portal that waits for a user's decision: a request
for a payment plan, and a payment it says it made (a claim, maybe with a proof).

While one waits, its invoices are snoozed (`snooze_create`, the snooze of `owed snooze`)
for at most `PAUSE_DAYS`, so that no reminder crosses the answer; the decision lifts those
snoozes (they end on the day of the decision) and has the invoices planned again.
Approving a request makes the plan with `plan_create`, as `owed plan` does. Every step is
on the client's timeline: the request or claim as a client response, the decision as a
note.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse

from owed.core.money import MAX_AMOUNT
from owed.dunning import summaries
from owed.dunning.models import Interaction, Plan, Snooze
from owed.dunning.records import log_interaction, not_owed, replan
from owed.dunning.services import plan_create, reply_log, snooze_create
from owed.dunning.summaries import Said
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Organization
from owed.portal.models import PROOF_EXTENSIONS, ClientRequest, PaymentClaim, PlanRequest

PAUSE_DAYS: Final = 7
"""How long a request or claim pauses its invoices at most, when nobody decides sooner."""

MIN_INSTALMENTS: Final = 2
MAX_INSTALMENTS: Final = 12
"""How many instalments a client may ask for in the portal."""

MIN_EVERY_DAYS: Final = 7
MAX_EVERY_DAYS: Final = 90
"""How far apart a client may ask the instalments to be, in days."""

PROOF_MAX_BYTES: Final = 5 * 1024 * 1024
"""The largest proof of payment a client may upload (5 MB)."""

_SIGNATURES: Final = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class Refusal(StrEnum):
    """Why a request, a claim or a decision is refused (pages say it in their language)."""

    NO_INVOICE = "no_invoice"
    NOT_THE_CLIENTS = "not_the_clients"
    NOTHING_OWED = "nothing_owed"
    CURRENCIES = "currencies"
    INSTALMENTS = "instalments"
    EVERY_DAYS = "every_days"
    ASKED_ALREADY = "asked_already"
    UNDER_A_PLAN = "under_a_plan"
    DECIDED = "decided"
    NO_REASON = "no_reason"
    PROOF_TYPE = "proof_type"
    PROOF_SIZE = "proof_size"
    AMOUNT = "amount"


class RequestRefused(OwedError):
    """A refusal with its `Refusal`, so that a page or the API can word it or map it."""

    def __init__(self, refusal: Refusal, message: str) -> None:
        super().__init__(message)
        self.refusal = refusal


# --- the proof of payment -----------------------------------------------------------------


def proof_type(head: bytes) -> str | None:
    """The content type a file starting with `head` is (PDF, PNG or JPEG), read from its
    leading bytes, never from its name; None for anything else."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def proof_check(file: UploadedFile) -> str:
    """The uploaded proof's content type; `RequestRefused` when it is too big or not a
    PDF, PNG or JPEG."""
    if file.size is not None and file.size > PROOF_MAX_BYTES:
        raise RequestRefused(Refusal.PROOF_SIZE, "the proof is larger than 5 MB")
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    found = proof_type(head)
    if found is None:
        raise RequestRefused(Refusal.PROOF_TYPE, "the proof is not a PDF, PNG or JPEG file")
    return found


class ProofMissing(Exception):
    """The claim came without a proof (`file_lost` False), or its file is gone (True)."""

    def __init__(self, *, file_lost: bool) -> None:
        super().__init__("the proof's file is missing" if file_lost else "no proof")
        self.file_lost = file_lost


def proof_download(claim: PaymentClaim) -> FileResponse:
    """The claim's proof as a download, for the back office and the API alike: an
    attachment of its own content type, never sniffed as another, never kept in a cache
    (a client's bank document). `ProofMissing` when there is none to give."""
    if not claim.proof or claim.proof_type not in PROOF_EXTENSIONS:
        raise ProofMissing(file_lost=False)
    try:
        file = claim.proof.open("rb")
    except OSError:
        raise ProofMissing(file_lost=True) from None
    name = f"payment-proof-{claim.pk}.{PROOF_EXTENSIONS[claim.proof_type]}"
    response = FileResponse(file, as_attachment=True, filename=name, content_type=claim.proof_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- what the services share -----------------------------------------------------------------


def _invoices_of(
    organization: Organization, client: Client, invoices: Sequence[Invoice]
) -> list[Invoice]:
    if not invoices:
        raise RequestRefused(Refusal.NO_INVOICE, "choose at least one invoice")
    for invoice in invoices:
        if invoice.organization_id != organization.pk or invoice.client_id != client.pk:
            raise RequestRefused(
                Refusal.NOT_THE_CLIENTS, f"invoice {invoice.number} is not this client's"
            )
    closed = not_owed(invoices)
    if closed:
        numbers = ", ".join(i.number for i in closed)
        raise RequestRefused(Refusal.NOTHING_OWED, f"nothing is owed on {numbers}")
    return list(invoices)


def _pause(organization: Organization, invoices: Sequence[Invoice], on: date) -> list[Snooze]:
    """Snooze each invoice for `PAUSE_DAYS` while a user decides."""
    until = on + timedelta(days=PAUSE_DAYS)
    return [
        snooze_create(organization=organization, until=until, on=on, invoice=invoice)
        for invoice in invoices
    ]


def _pending[R: ClientRequest](organization: Organization, row: R) -> tuple[R, list[Invoice]]:
    """`row` read again under a lock, with its invoices; `OwedError` when it is another
    organization's, `RequestRefused` when it is decided already."""
    model = type(row)
    found = (
        model.objects.select_for_update(of=("self",))
        .filter(organization=organization, pk=row.pk)
        .select_related("client")
        .first()
    )
    if found is None:
        raise OwedError(f"no {model._meta.verbose_name} {row.pk} in {organization.slug}")
    if found.status != model.Status.PENDING:
        raise RequestRefused(
            Refusal.DECIDED,
            f"{model._meta.verbose_name} {row.pk} is {found.status} already",
        )
    return found, list(found.invoices.select_related("client").order_by("due_date", "number"))


def _decide[R: ClientRequest](
    organization: Organization,
    found: R,
    invoices: Sequence[Invoice],
    *,
    status: str,
    on: date,
    by,
    said: Said,
    fields: Sequence[str] = (),
    note: str = "",
) -> R:
    """Record the decision on `found` (and its other changed `fields`): its snoozes end on
    `on` (a pause ends the day its `until` is; one over already stays as it was), its
    invoices are planned again, and the decision is a note on the client's timeline."""
    found.snoozes.filter(until__gt=on).update(until=on)
    replan([i.pk for i in invoices])
    found.status = status
    found.decided_on = on
    found.decided_by = by if by is not None and by.is_authenticated else None
    found.save(update_fields=["status", "decided_on", "decided_by", *fields])
    log_interaction(
        organization,
        found.client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        said=said,
        note=note,
    )
    return found


# --- payment plan requests -------------------------------------------------------------------


@transaction.atomic
def plan_request_create(
    *,
    organization: Organization,
    client: Client,
    invoices: Sequence[Invoice],
    instalments: int,
    every_days: int,
    on: date,
    note: str = "",
) -> PlanRequest:
    """The client asks to pay `invoices` in `instalments` every `every_days` days. Logged
    as its response (a portal reply); the invoices are snoozed until a user decides, at
    most `PAUSE_DAYS`."""
    chosen = _invoices_of(organization, client, invoices)
    if not MIN_INSTALMENTS <= instalments <= MAX_INSTALMENTS:
        raise RequestRefused(
            Refusal.INSTALMENTS,
            f"ask for {MIN_INSTALMENTS} to {MAX_INSTALMENTS} instalments",
        )
    if not MIN_EVERY_DAYS <= every_days <= MAX_EVERY_DAYS:
        raise RequestRefused(
            Refusal.EVERY_DAYS,
            f"instalments are {MIN_EVERY_DAYS} to {MAX_EVERY_DAYS} days apart",
        )
    if len({i.currency for i in chosen}) != 1:
        raise RequestRefused(Refusal.CURRENCIES, "a plan covers invoices of one currency")
    ids = [i.pk for i in chosen]
    if PlanRequest.objects.filter(
        organization=organization, status=PlanRequest.Status.PENDING, invoices__in=ids
    ).exists():
        raise RequestRefused(
            Refusal.ASKED_ALREADY, "a plan was asked for one of these invoices already"
        )
    if Plan.objects.filter(invoices__in=ids, status=Plan.Status.ACTIVE).exists():
        raise RequestRefused(
            Refusal.UNDER_A_PLAN, "one of these invoices is already under an active plan"
        )
    request = PlanRequest.objects.create(
        organization=organization,
        client=client,
        instalments=instalments,
        every_days=every_days,
        note=note.strip(),
        created_on=on,
    )
    request.invoices.set(chosen)
    reply_log(
        organization=organization,
        client=client,
        on=on,
        note=note.strip(),
        said=summaries.portal_plan_requested(
            invoices=chosen, instalments=instalments, every_days=every_days
        ),
        via="portal",
    )
    request.snoozes.set(_pause(organization, chosen, on))
    return request


@transaction.atomic
def plan_request_approve(
    *,
    organization: Organization,
    request: PlanRequest,
    by=None,
    instalments: int | None = None,
    every_days: int | None = None,
    first_due: date | None = None,
    on: date | None = None,
) -> PlanRequest:
    """Agree the plan the client asked for (or with other `instalments` / `every_days`):
    it is made by `plan_create` over the request's invoices still owed, the request's
    snoozes end and the ladder is planned again around the plan. `by`: the user deciding."""
    on = on or organization.today()
    found, invoices = _pending(organization, request)
    closed = set(not_owed(invoices))
    owed = [i for i in invoices if i not in closed]
    if not owed:
        raise RequestRefused(
            Refusal.NOTHING_OWED, "nothing is owed on the request's invoices any more"
        )
    found.plan = plan_create(
        organization=organization,
        invoices=owed,
        instalments=instalments or found.instalments,
        every_days=every_days or found.every_days,
        on=on,
        first_due=first_due,
    )
    return _decide(
        organization,
        found,
        invoices,
        status=PlanRequest.Status.APPROVED,
        on=on,
        by=by,
        said=summaries.plan_request_approved(invoices=owed),
        fields=["plan"],
    )


@transaction.atomic
def plan_request_decline(
    *,
    organization: Organization,
    request: PlanRequest,
    reason: str,
    by=None,
    on: date | None = None,
) -> PlanRequest:
    """Decline the request with a reason the client sees in the portal; its snoozes end
    and the ladder goes on."""
    on = on or organization.today()
    reason = (reason or "").strip()
    if not reason:
        raise RequestRefused(Refusal.NO_REASON, "say why the request is declined (--reason)")
    found, invoices = _pending(organization, request)
    found.decline_reason = reason
    return _decide(
        organization,
        found,
        invoices,
        status=PlanRequest.Status.DECLINED,
        on=on,
        by=by,
        said=summaries.plan_request_declined(invoices=invoices, reason=reason),
        fields=["decline_reason"],
    )


# --- payments the client reports --------------------------------------------------------------


@transaction.atomic
def payment_claim_create(
    *,
    organization: Organization,
    client: Client,
    invoices: Sequence[Invoice],
    paid_on: date,
    on: date,
    amount: Decimal | None = None,
    reference: str = "",
    proof: UploadedFile | None = None,
) -> PaymentClaim:
    """The client says it paid `invoices` on `paid_on`, maybe with a proof (a PDF, PNG or
    JPEG of at most 5 MB, checked by its leading bytes). Nothing is recorded as paid: the
    claim waits for a user, its invoices snoozed meanwhile (at most `PAUSE_DAYS`), and is
    logged as the client's response."""
    chosen = _invoices_of(organization, client, invoices)
    if amount is not None and (amount <= 0 or amount >= MAX_AMOUNT or amount != round(amount, 2)):
        raise RequestRefused(Refusal.AMOUNT, f"{amount} is not an amount that can be paid")
    content_type = proof_check(proof) if proof is not None else ""
    currencies = {i.currency for i in chosen}
    currency = currencies.pop() if len(currencies) == 1 else ""
    reference = reference.strip()
    claim = PaymentClaim(
        organization=organization,
        client=client,
        paid_on=paid_on,
        amount=amount,
        currency=currency,
        reference=reference,
        created_on=on,
        proof_type=content_type,
        proof_name=(proof.name or "")[-200:] if proof is not None else "",
    )
    claim.save()
    claim.invoices.set(chosen)
    numbers = ", ".join(i.number for i in chosen)
    parts = [f"The client says they paid {numbers} on {paid_on}"]
    if amount is not None:
        parts.append(f"amount {amount}")
    if reference:
        parts.append(f"reference {reference}")
    if proof is not None:
        parts.append("proof attached")
    reply_log(
        organization=organization,
        client=client,
        on=on,
        note=f"{'; '.join(parts)} (via the client portal).",
        said=summaries.portal_paid(
            invoices=chosen,
            paid_on=paid_on,
            amount=amount,
            currency=currency,
            reference=reference,
            claim=claim.pk,
            proof=proof is not None,
        ),
        via="portal",
    )
    claim.snoozes.set(_pause(organization, chosen, on))
    if proof is not None:
        # Last: a refusal above leaves no file behind.
        claim.proof.save(PROOF_EXTENSIONS[content_type], proof, save=False)
        claim.save(update_fields=["proof"])
    return claim


@transaction.atomic
def payment_claim_confirm(
    *, organization: Organization, claim: PaymentClaim, by=None, on: date | None = None
) -> PaymentClaim:
    """The payment arrived: the claim is confirmed and its snoozes end. The payment itself
    is recorded on the invoice as any other (`payment_record`), which settles it."""
    on = on or organization.today()
    found, invoices = _pending(organization, claim)
    return _decide(
        organization,
        found,
        invoices,
        status=PaymentClaim.Status.CONFIRMED,
        on=on,
        by=by,
        said=summaries.payment_claim_confirmed(invoices=invoices),
    )


@transaction.atomic
def payment_claim_reject(
    *,
    organization: Organization,
    claim: PaymentClaim,
    by=None,
    note: str = "",
    on: date | None = None,
) -> PaymentClaim:
    """The payment has not arrived: the claim is rejected (`note`: why, for the team), its
    snoozes end and the ladder goes on."""
    on = on or organization.today()
    found, invoices = _pending(organization, claim)
    found.decision_note = (note or "").strip()
    return _decide(
        organization,
        found,
        invoices,
        status=PaymentClaim.Status.REJECTED,
        on=on,
        by=by,
        said=summaries.payment_claim_rejected(invoices=invoices),
        fields=["decision_note"],
        note=found.decision_note,
    )
