"""An invoice's page (`/invoices/<number>/`): balance, ladder position, next step,
interest to date, and the forms that act on it, sending a step of its ladder now among
them. Every form posts to the page itself with its name in `form`; each calls the service
the CLI calls."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from owed.dunning.actions import write_off_record
from owed.dunning.labels import step_label
from owed.dunning.services import (
    dispute_open,
    dispute_resolve,
    plan_create,
    promise_record,
    snooze_create,
)
from owed.dunning.step_now import invoice_step_send
from owed.errors import OwedError
from owed.ledger.services import payment_record
from owed.web import forms as f
from owed.web.access import Access
from owed.web.selectors import invoices as sel
from owed.web.templatetags.owed_web import day
from owed.web.views.base import INVALID, member_view, page, service_error
from owed.web.views.today import say_sent


def _step_label(choice) -> str:
    """A step to send now as the list of steps shows it: its name, and what became of it."""
    name = step_label(choice.code)
    shown = choice.shown
    if shown is None:
        return name
    values = {
        "step": name,
        "day": day(shown.decided_on, "short"),
        "status": str(shown.get_status_display()).lower(),
    }
    if choice.state == "planned":
        return _("%(step)s (planned for %(day)s: it goes now)") % values
    if choice.state == "again" and choice.last is None:
        return _("%(step)s (%(status)s on %(day)s: it goes now)") % values
    if choice.state == "again":
        return _("%(step)s (%(status)s on %(day)s: a new one goes)") % values
    if choice.state == "today":
        return _("%(step)s (%(status)s on %(day)s: again tomorrow)") % values
    return _("%(step)s (%(status)s on %(day)s)") % values


def _forms(invoice, today, data=None, only: str | None = None, steps=()) -> dict:
    """The forms that fit the invoice's state, by name; `only` is bound to `data`.
    `steps`: the steps that may be sent now (`sel.send_choices`)."""
    is_open = invoice.balance > 0 and invoice.written_off_on is None
    has_dispute = invoice.disputes.filter(resolved_on=None).exists()
    makers = {}
    first = next((c.code for c in steps if c.can_go), None)
    if is_open and first is not None:
        choices = [(c.code, _step_label(c)) for c in steps]
        makers["send"] = lambda d: f.SendStepForm(
            d, prefix="send", choices=choices, initial={"step": first}
        )
    if invoice.written_off_on is None:
        makers["payment"] = lambda d: f.PaymentForm(
            d, prefix="payment", today=today, currency=invoice.currency, initial={"date": today}
        )
    if is_open:
        makers["promise"] = lambda d: f.PromiseForm(d, prefix="promise", today=today)
        makers["plan"] = lambda d: f.PlanForm(d, prefix="plan", today=today)
        makers["snooze"] = lambda d: f.SnoozeForm(d, prefix="snooze", today=today)
        makers["write_off"] = lambda d: f.WriteOffForm(d, prefix="write_off")
        if not has_dispute:
            makers["dispute"] = lambda d: f.DisputeForm(d, prefix="dispute")
    if has_dispute:
        makers["resolve"] = lambda d: f.ResolveForm(d, prefix="resolve")
    return {name: make(data if name == only else None) for name, make in makers.items()}


def _act(name: str, organization, invoice, data: dict, today) -> str:
    """Call the form's service; the message to show when it is done."""
    if name == "payment":
        payment_record(
            organization=organization,
            client=invoice.client,
            date=data["date"],
            amount=data["amount"],
            currency=invoice.currency,
            invoices=[invoice],
            method=data["method"],
            reference=data["reference"],
        )
        return _("Payment recorded.")
    if name == "promise":
        promise_record(
            organization=organization,
            invoices=[invoice],
            until=data["until"],
            on=today,
            note=data["note"],
        )
        return _("Promise recorded: reminders wait until that day.")
    if name == "plan":
        plan_create(
            organization=organization,
            invoices=[invoice],
            instalments=data["instalments"],
            every_days=data["every_days"],
            on=today,
            first_due=data["first_due"],
            grace_days=data["grace_days"],
        )
        return _("Payment plan agreed.")
    if name == "dispute":
        dispute_open(organization=organization, invoice=invoice, reason=data["reason"], on=today)
        return _("Dispute opened: reminders pause until it is resolved.")
    if name == "resolve":
        dispute_resolve(
            organization=organization, invoice=invoice, on=today, resolution=data["resolution"]
        )
        return _("Dispute resolved: the reminders resume.")
    if name == "snooze":
        snooze_create(
            organization=organization,
            until=data["until"],
            on=today,
            invoice=invoice,
            note=data["note"],
        )
        return _("Snoozed.")
    if name == "write_off":
        write_off_record(organization=organization, invoice=invoice, on=today, note=data["note"])
        return _("Invoice written off.")
    raise ValueError(name)


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def invoice(request, access: Access, number: str):
    organization = access.organization
    found = sel.invoice_of(organization=organization, number=number)
    if found is None:
        raise Http404("no such invoice")
    today = organization.today()
    posted = request.POST.get("form") if request.method == "POST" else None
    forms = {}
    nothing_to_send = False
    if access.can_write:
        steps = sel.send_choices(organization=organization, invoice=found, today=today)
        forms = _forms(found, today, request.POST, only=posted, steps=steps)
        nothing_to_send = "send" not in forms and found.balance > 0
        nothing_to_send = nothing_to_send and found.written_off_on is None
    status = 200
    if posted is not None:
        form = forms.get(posted)
        if form is None:
            return HttpResponseBadRequest(_("This form does not apply to the invoice now."))
        if posted == "send" and form.is_valid():
            # Not in a transaction: the message is delivered once its queueing committed.
            try:
                sent = invoice_step_send(
                    organization=organization,
                    invoice=found,
                    step=form.cleaned_data["step"],
                    by=request.user,
                )
            except OwedError as exc:
                service_error(form, exc)
            else:
                say_sent(request, sent)
                return redirect("web:invoice", number=found.number)
        elif form.is_valid():
            try:
                with transaction.atomic():
                    message = _act(posted, organization, found, form.cleaned_data, today)
            except OwedError as exc:
                service_error(form, exc)
            else:
                messages.success(request, message)
                return redirect("web:invoice", number=found.number)
        status = INVALID
    return page(
        request,
        access,
        "web/invoice.html",
        {
            "invoice": found,
            "client": found.client,
            "today": today,
            "days_late": max(0, (today - found.due_date).days) if found.balance > 0 else 0,
            "ladder": sel.ladder(organization=organization, invoice=found),
            "pauses": sel.pauses(organization=organization, invoice=found, today=today),
            "charges": sel.charges(invoice=found, today=today),
            "history": sel.history(organization=organization, invoice=found),
            "forms": forms,
            "nothing_to_send": nothing_to_send,
            "open_form": posted,
        },
        status=status,
    )
