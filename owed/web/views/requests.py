"""Today's "Client requests": what clients asked or reported in the portal and a user
decides. A payment plan request is approved (the plan is made as `owed plan` makes it,
its instalments and interval editable) or declined with a reason the client sees; a
reported payment is confirmed (then recorded on the invoice's page) or marked not
received. Owners and members decide; read-only members see the list. A proof of payment
is served only here, to the organization's members, as a download."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from owed.errors import OwedError
from owed.portal import requests as services
from owed.portal import selectors
from owed.portal.decision_forms import ApproveForm, DeclineForm, RejectForm
from owed.portal.models import PaymentClaim, PlanRequest
from owed.web.access import Access
from owed.web.views.base import INVALID, member_view, service_error

_BOUND = "_client_request_form"


def _forms(row: PlanRequest | PaymentClaim, today) -> dict:
    if isinstance(row, PaymentClaim):
        return {"reject": RejectForm(prefix=f"reject-{row.pk}")}
    initial = {"instalments": row.instalments, "every_days": row.every_days}
    return {
        "approve": ApproveForm(prefix=f"approve-{row.pk}", today=today, initial=initial),
        "decline": DeclineForm(prefix=f"decline-{row.pk}"),
    }


def today_context(request, access: Access) -> dict:
    """What Today's "Client requests" section shows: the pending plan requests and payment
    claims, each with its forms for a user who may decide (and a form re-shown with its
    mistakes, open)."""
    organization = access.organization
    today = organization.today()
    found = selectors.pending(organization=organization)
    bound = getattr(request, _BOUND, None)
    for row in (*found["plan_requests"], *found["payment_claims"]):
        row.forms = _forms(row, today) if access.can_write else {}
        row.total = selectors.totals(row.invoices.all())
        row.open_form = ""
        # A request and a claim may share an id: the form's kind tells them apart.
        if bound and bound[1] == row.pk and bound[0] in row.forms:
            row.forms[bound[0]] = bound[2]
            row.open_form = bound[0]
    found["pause_days"] = services.PAUSE_DAYS
    return {"client_requests": found}


def _again(request, access: Access, kind: str, pk: int, form):
    """Today again, with `form` open and its mistakes shown (422)."""
    from owed.web.views import today as today_views

    setattr(request, _BOUND, (kind, pk, form))
    return today_views._render(request, access, status=INVALID)


def _plan_request(access: Access, pk: int) -> PlanRequest:
    return get_object_or_404(
        PlanRequest.objects.select_related("client"), organization=access.organization, pk=pk
    )


def _claim(access: Access, pk: int) -> PaymentClaim:
    return get_object_or_404(
        PaymentClaim.objects.select_related("client"), organization=access.organization, pk=pk
    )


def _decide(request, access: Access, kind: str, pk: int, form, act):
    """Call `act(cleaned_data)` when `form` is valid and go back to Today saying what it
    returns; else Today again with the form open and its mistakes (or the refusal) on it."""
    if form.is_valid():
        try:
            said = act(form.cleaned_data)
        except OwedError as exc:
            service_error(form, _refusal(exc))
        else:
            messages.success(request, said)
            return redirect("web:today")
    return _again(request, access, kind, pk, form)


@require_POST
@member_view
def plan_request_approve(request, access: Access, pk: int):
    asked = _plan_request(access, pk)
    organization = access.organization
    form = ApproveForm(request.POST, prefix=f"approve-{pk}", today=organization.today())

    def act(data):
        services.plan_request_approve(
            organization=organization,
            request=asked,
            by=request.user,
            instalments=data["instalments"],
            every_days=data["every_days"],
            first_due=data["first_due"],
        )
        return _("Payment plan agreed with %(client)s; the reminders resume around it.") % {
            "client": asked.client.name
        }

    return _decide(request, access, "approve", pk, form, act)


@require_POST
@member_view
def plan_request_decline(request, access: Access, pk: int):
    asked = _plan_request(access, pk)

    def act(data):
        services.plan_request_decline(
            organization=access.organization, request=asked, reason=data["reason"], by=request.user
        )
        return _("Request of %(client)s declined; the reminders resume.") % {
            "client": asked.client.name
        }

    form = DeclineForm(request.POST, prefix=f"decline-{pk}")
    return _decide(request, access, "decline", pk, form, act)


@require_POST
@member_view
def payment_claim_confirm(request, access: Access, pk: int):
    """The payment arrived: the claim is confirmed, and the user goes on to record it on
    the (first) invoice's page."""
    claim = _claim(access, pk)
    try:
        services.payment_claim_confirm(
            organization=access.organization, claim=claim, by=request.user
        )
    except OwedError as exc:
        messages.error(request, _refusal(exc).message)
        return redirect("web:today")
    first = claim.invoices.order_by("due_date", "number").first()
    messages.success(
        request,
        _("Payment of %(client)s confirmed: record it on the invoice now.")
        % {"client": claim.client.name},
    )
    if first is None:
        return redirect("web:today")
    return redirect(reverse("web:invoice", args=[first.number]) + "#form-payment")


@require_POST
@member_view
def payment_claim_reject(request, access: Access, pk: int):
    claim = _claim(access, pk)

    def act(data):
        services.payment_claim_reject(
            organization=access.organization, claim=claim, note=data["note"], by=request.user
        )
        return _("Marked as not received: %(client)s. The reminders resume.") % {
            "client": claim.client.name
        }

    form = RejectForm(request.POST, prefix=f"reject-{pk}")
    return _decide(request, access, "reject", pk, form, act)


@require_GET
@member_view
def payment_claim_proof(request, access: Access, pk: int):
    """The proof a client sent with a reported payment, as a download: never shown in the
    page, never served from a public URL."""
    try:
        return services.proof_download(_claim(access, pk))
    except services.ProofMissing as exc:
        raise Http404(str(exc)) from None


def _refusal(exc: OwedError) -> OwedError:
    """A service's refusal in the reader's language where owed words it."""
    if isinstance(exc, services.RequestRefused):
        worded = {
            services.Refusal.DECIDED: _("Someone decided this already: the page shows it now."),
            services.Refusal.NOTHING_OWED: _("Nothing is owed on these invoices any more."),
            services.Refusal.NO_REASON: _("Say why, for the client."),
        }.get(exc.refusal)
        if worded:
            return OwedError(worded)
    return exc
