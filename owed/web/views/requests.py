"""Today's "Client requests": what clients asked or reported in the portal and a user
decides. A payment plan request is approved (the plan is made as `owed plan` makes it,
its instalments and interval editable) or declined with a reason the client sees; a
reported payment is confirmed (then recorded on the invoice's page) or marked not
received. Owners and members decide; read-only members see the list. A proof of payment
is served only here, to the organization's members, as a download."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from owed.errors import OwedError
from owed.portal import requests as services
from owed.portal import selectors
from owed.portal.decision_forms import ApproveForm, DeclineForm, RejectForm
from owed.portal.models import PROOF_EXTENSIONS, PaymentClaim, PlanRequest
from owed.web.access import Access
from owed.web.views.base import INVALID, member_view, service_error

_BOUND = "_client_request_form"


def _plan_forms(asked: PlanRequest, today) -> dict:
    initial = {"instalments": asked.instalments, "every_days": asked.every_days}
    return {
        "approve": ApproveForm(prefix=f"approve-{asked.pk}", today=today, initial=initial),
        "decline": DeclineForm(prefix=f"decline-{asked.pk}"),
    }


def today_context(request, access: Access) -> dict:
    """What Today's "Client requests" section shows: the pending plan requests and payment
    claims, each with its forms for a user who may decide (and a form re-shown with its
    mistakes, open)."""
    organization = access.organization
    today = organization.today()
    found = selectors.pending(organization=organization)
    bound = getattr(request, _BOUND, None)
    for asked in found["plan_requests"]:
        asked.forms = _plan_forms(asked, today) if access.can_write else {}
        asked.total = selectors.totals(asked.invoices.all())
        asked.open_form = ""
        if bound and bound[0] in ("approve", "decline") and bound[1] == asked.pk:
            asked.forms[bound[0]] = bound[2]
            asked.open_form = bound[0]
    for claim in found["payment_claims"]:
        claim.forms = (
            {"reject": RejectForm(prefix=f"reject-{claim.pk}")} if access.can_write else {}
        )
        claim.total = selectors.totals(claim.invoices.all())
        claim.open_form = ""
        if bound and bound[0] == "reject" and bound[1] == claim.pk:
            claim.forms["reject"] = bound[2]
            claim.open_form = "reject"
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


@require_POST
@member_view
def plan_request_approve(request, access: Access, pk: int):
    asked = _plan_request(access, pk)
    organization = access.organization
    form = ApproveForm(request.POST, prefix=f"approve-{pk}", today=organization.today())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_request_approve(
                organization=organization,
                request=asked,
                by=request.user,
                instalments=data["instalments"],
                every_days=data["every_days"],
                first_due=data["first_due"],
            )
        except OwedError as exc:
            service_error(form, _refusal(exc))
        else:
            messages.success(
                request,
                _("Payment plan agreed with %(client)s; the reminders resume around it.")
                % {"client": asked.client.name},
            )
            return redirect("web:today")
    return _again(request, access, "approve", pk, form)


@require_POST
@member_view
def plan_request_decline(request, access: Access, pk: int):
    asked = _plan_request(access, pk)
    form = DeclineForm(request.POST, prefix=f"decline-{pk}")
    if form.is_valid():
        try:
            services.plan_request_decline(
                organization=access.organization,
                request=asked,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except OwedError as exc:
            service_error(form, _refusal(exc))
        else:
            messages.success(
                request,
                _("Request of %(client)s declined; the reminders resume.")
                % {"client": asked.client.name},
            )
            return redirect("web:today")
    return _again(request, access, "decline", pk, form)


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
    form = RejectForm(request.POST, prefix=f"reject-{pk}")
    if form.is_valid():
        try:
            services.payment_claim_reject(
                organization=access.organization,
                claim=claim,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except OwedError as exc:
            service_error(form, _refusal(exc))
        else:
            messages.success(
                request,
                _("Marked as not received: %(client)s. The reminders resume.")
                % {"client": claim.client.name},
            )
            return redirect("web:today")
    return _again(request, access, "reject", pk, form)


@require_GET
@member_view
def payment_claim_proof(request, access: Access, pk: int):
    """The proof a client sent with a reported payment, as a download: never shown in the
    page, never served from a public URL."""
    claim = _claim(access, pk)
    if not claim.proof or claim.proof_type not in PROOF_EXTENSIONS:
        raise Http404("no proof")
    try:
        file = claim.proof.open("rb")
    except OSError:
        raise Http404("the proof's file is missing") from None
    name = f"payment-proof-{claim.pk}.{PROOF_EXTENSIONS[claim.proof_type]}"
    response = FileResponse(file, as_attachment=True, filename=name, content_type=claim.proof_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
