"""`/settings/payment/`: the accounts clients pay into, with a preview of each one's QR
code for a sample amount (`.../qr.svg`, an image of the organization's own account)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from owed.core.qr import qr_svg
from owed.errors import OwedError
from owed.ledger.models import PaymentAccount
from owed.ledger.settings_services import PAYMENT_ACCOUNT_FIELDS, payment_account_save
from owed.ledger.settings_services import payment_account_delete as delete_account
from owed.web.access import Access
from owed.web.forms_settings import PaymentAccountForm
from owed.web.selectors import settings as sel
from owed.web.views.base import INVALID, is_owner, member_view, owner_view, service_error
from owed.web.views.settings.common import settings_page


def _found(access: Access, pk: int) -> PaymentAccount:
    account = sel.payment_account_of(organization=access.organization, pk=pk)
    if account is None:
        raise Http404("no such payment account")
    return account


@require_http_methods(["GET", "HEAD"])
@owner_view
def payment_accounts(request, access: Access):
    return settings_page(
        request,
        access,
        "web/settings/payments.html",
        "payment",
        {"rows": sel.payment_accounts(organization=access.organization)},
    )


def _edit(request, access: Access, account: PaymentAccount | None):
    """The add and change pages: the form for an owner, the account's details otherwise."""
    form = None
    status = 200
    if is_owner(access):
        # A copy: a form with mistakes must not change the account shown next to it.
        instance = (
            copy.copy(account) if account else PaymentAccount(organization=access.organization)
        )
        form = PaymentAccountForm(request.POST or None, instance=instance)
        if request.method == "POST":
            if form.is_valid():
                fields = {name: form.cleaned_data[name] for name in PAYMENT_ACCOUNT_FIELDS}
                try:
                    saved = payment_account_save(
                        organization=access.organization,
                        by=request.user,
                        account=account,
                        **fields,
                    )
                except OwedError as exc:
                    service_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("Payment account saved.")
                        if account
                        else _("Payment account added: its QR code is shown below."),
                    )
                    return redirect("web:settings-payment", pk=saved.pk)
            status = INVALID
    qr = sel.qr_sample(account) if account else None
    return settings_page(
        request,
        access,
        "web/settings/payment.html",
        "payment",
        {
            "account": account,
            "number": sel.account_number(account) if account else "",
            "qr": qr,
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@owner_view
def payment_account_add(request, access: Access):
    return _edit(request, access, None)


@require_http_methods(["GET", "HEAD", "POST"])
@owner_view
def payment_account(request, access: Access, pk: int):
    return _edit(request, access, _found(access, pk))


@require_POST
@owner_view
def payment_account_delete(request, access: Access, pk: int):
    account = _found(access, pk)
    name = str(account)
    delete_account(organization=access.organization, by=request.user, account=account)
    messages.success(request, _("Payment account deleted: %(name)s.") % {"name": name})
    return redirect("web:settings-payments")


@require_http_methods(["GET", "HEAD"])
@member_view
def payment_account_qr(request, access: Access, pk: int):
    """The account's QR code for the sample amount, as an SVG image (404 where none fits)."""
    sample = sel.qr_sample(_found(access, pk))
    if not sample.payload:
        raise Http404("no QR code for this account")
    response = HttpResponse(qr_svg(sample.payload, scale=4), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response
