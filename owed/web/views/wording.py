"""Templates (`/templates/`): the text each step sends, in each language, and a step's
page (`/templates/<step>/<language>/`) to write the organization's own version, with a
live preview filled in for one of its real open invoices (with its plan's next
instalment or its latest promise for the steps about those, else a labelled sample).

The preview is composed by `owed.documents.compose.preview_step`, as `owed template
preview` composes it; saving checks the placeholders as the admin does
(`owed.documents.own_texts`). As the user types, htmx posts the draft to
`/templates/<step>/<language>/preview/` and shows the answer; without JavaScript the
Preview button posts the form to the page itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from owed.core.localize import LANGUAGES
from owed.documents import texts
from owed.documents.compose import CompositionError, preview_step
from owed.documents.models import StepTemplate
from owed.documents.own_texts import (
    default_or_none,
    draft_problems,
    has_letter,
    preview_draft,
    preview_invoice_in,
    preview_invoices,
    step_template_reset,
    step_template_save,
    template_steps,
)
from owed.errors import OwedError
from owed.ledger.models import Invoice, Language
from owed.web import forms_policies as f
from owed.web.access import Access
from owed.web.labels import step_label
from owed.web.views.base import INVALID, member_view, page, service_error

LANGUAGE_NAMES = dict(Language.choices)

PLACEHOLDERS = {
    "client_name": gettext_lazy("the client's name"),
    "contact_name": gettext_lazy("the person written to (else the client's name)"),
    "account_number": gettext_lazy("the client's id in your books"),
    "organization_name": gettext_lazy("your organization's name"),
    "signature": gettext_lazy("your organization's name, e-mail and phone, one a line"),
    "invoice_list": gettext_lazy(
        "the invoices, one a line: number, balance, due date, days overdue"
    ),
    "invoice_numbers": gettext_lazy("the invoice numbers, separated by commas"),
    "invoices": gettext_lazy("the word for invoice, in the singular or plural, with the numbers"),
    "total_balance": gettext_lazy("what is still owed on those invoices today"),
    "oldest_due_date": gettext_lazy("the due date of the oldest invoice"),
    "days_overdue": gettext_lazy("how long the oldest invoice is overdue, e.g. 12 days"),
    "today": gettext_lazy("the date of the message"),
    "interest": gettext_lazy("the interest the law allows, to today (formal steps)"),
    "compensation": gettext_lazy("the fixed compensation for recovery costs (formal steps)"),
    "fees": gettext_lazy("the contract's late-payment fees (formal steps)"),
    "penalty": gettext_lazy("the contract's penalty (formal steps)"),
    "total_claimed": gettext_lazy("balance, interest, compensation, fees and penalty together"),
    "legal_basis": gettext_lazy("the law the interest rests on"),
    "earlier_contacts": gettext_lazy("the dates of the earlier reminders, letters and calls"),
    "deadline": gettext_lazy("the final date for payment"),
    "payment_instructions": gettext_lazy("how to pay: the account, the amount and the reference"),
    "portal_link": gettext_lazy("the link to the client's own page"),
    "contract": gettext_lazy("the contract's id and title"),
    "instalment_number": gettext_lazy("the number of the instalment (payment plans)"),
    "instalment_amount": gettext_lazy("the amount of the instalment"),
    "instalment_due_date": gettext_lazy("the due date of the instalment"),
    "promise_date": gettext_lazy("the date the client promised to pay by"),
}


def _url(step: str, language: str) -> str:
    return reverse("web:template", kwargs={"step": step, "language": language})


@require_GET
@member_view
def templates(request, access: Access):
    organization = access.organization
    steps = template_steps(organization)
    own = set(
        StepTemplate.objects.filter(organization=organization).values_list("step", "language")
    )
    rows = [
        {
            "code": code,
            "label": step_label(code),
            "is_script": code in texts.SCRIPT_KEYS,
            "is_own_step": code not in texts.KEYS,
            "cells": [
                {"language": language, "own": (code, language) in own} for language in LANGUAGES
            ],
        }
        for code in steps
    ]
    return page(
        request,
        access,
        "web/templates.html",
        {
            "rows": rows,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "nav": "templates",
        },
    )


def _step(organization, step: str, language: str) -> None:
    """404 unless the step can have a text in the organization and the language is one
    owed writes in."""
    if language not in LANGUAGES or step not in template_steps(organization):
        raise Http404("no such text")


def _current(organization, step: str, language: str) -> tuple[texts.Wording, StepTemplate | None]:
    """The text the step sends now (the organization's own, owed's, or for a step of the
    organization's own without a text, owed's nearest), and the organization's own."""
    own = StepTemplate.objects.filter(
        organization=organization, step=step, language=language
    ).first()
    if own is not None:
        return texts.Wording(own.subject, own.body, own.letter_body, "organization"), own
    default = default_or_none(step, language)
    if default is not None:
        return default, None
    fallback = "formal_notice" if has_letter(organization, step) else "reminder"
    return texts.default_wording(fallback, language), None


def _preview(organization, step: str, language: str, *, draft: dict | None, number: str) -> dict:
    """The preview's context: the invoice it is on, the composed message, or why there is
    none. `draft` is the unsaved text (subject, body, letter_body); None: the text in use."""
    number = (number or "").strip()
    if number:
        invoice = (
            Invoice.objects.filter(organization=organization, number=number)
            .select_related("client", "contract")
            .first()
        )
        if invoice is None:
            return {
                "problem": _("No invoice is numbered %(number)s.") % {"number": number},
                "language": language,
            }
    else:
        invoice = preview_invoice_in(organization, language)
        if invoice is None:
            return {
                "problem": _("The preview needs an invoice: import or add one first."),
                "language": language,
            }
    found: dict = {"invoice": invoice, "language": language}
    try:
        if draft is None:
            found["composed"] = preview_step(step, invoice=invoice, language=language)
        else:
            problems = draft_problems(
                subject=draft.get("subject", ""),
                body=draft.get("body", ""),
                letter_body=draft.get("letter_body", ""),
            )
            if problems:
                found["text_problems"] = [p for ps in problems.values() for p in ps]
                return found
            if not (draft.get("subject") or "").strip() or not (draft.get("body") or "").strip():
                found["problem"] = _("Write a subject line and a text to see them filled in.")
                return found
            found["composed"] = preview_draft(
                invoice=invoice,
                step=step,
                language=language,
                subject=draft["subject"],
                body=draft["body"],
                letter_body=draft.get("letter_body", ""),
            )
    except (CompositionError, texts.TextError, OwedError) as exc:
        found["problem"] = _("No preview: %(reason)s") % {"reason": exc}
    else:
        # What the preview made up, for an invoice without a plan or a promise.
        samples = found["composed"].samples
        found["sample"] = (
            "promise" if "promise_date" in samples else "instalment" if samples else ""
        )
    return found


def _form(step: str, language: str, letter: bool, data=None, initial=None) -> f.TemplateForm:
    return f.TemplateForm(
        data,
        initial=initial,
        language=language,
        has_letter=letter,
        is_script=step in texts.SCRIPT_KEYS,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def template(request, access: Access, step: str, language: str):
    organization = access.organization
    _step(organization, step, language)
    current, own = _current(organization, step, language)
    letter = has_letter(organization, step)
    posted = request.POST.get("form") if request.method == "POST" else None
    status = 200
    form = reset = None
    draft = None
    if access.can_write:
        initial = {
            "subject": current.subject,
            "body": current.body,
            "letter_body": own.letter_body if own else current.letter_body,
        }
        data = request.POST if posted == "text" else None
        form = _form(step, language, letter, data, initial)
        if own is not None:
            reset = f.ResetForm(request.POST if posted == "reset" else None, prefix="reset")
    if posted == "text" and form is not None:
        draft = {k: request.POST.get(k, "") for k in ("subject", "body", "letter_body")}
        if not letter:
            draft["letter_body"] = ""
        if form.is_valid() and "preview" not in request.POST:
            data = form.cleaned_data
            try:
                step_template_save(
                    organization=organization,
                    step=step,
                    language=language,
                    subject=data["subject"],
                    body=data["body"],
                    letter_body=data.get("letter_body", ""),
                )
            except OwedError as exc:
                service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Your text for %(step)s in %(language)s is saved: the next messages use it.")
                    % {"step": step_label(step), "language": LANGUAGE_NAMES[language]},
                )
                return redirect(_url(step, language))
        status = INVALID if form.errors else 200
    elif posted == "reset" and reset is not None:
        if reset.is_valid():
            step_template_reset(organization=organization, step=step, language=language)
            messages.success(
                request,
                _("%(step)s in %(language)s uses owed's text again.")
                % {"step": step_label(step), "language": LANGUAGE_NAMES[language]},
            )
            return redirect(_url(step, language))
        status = INVALID
    elif posted is not None:
        raise Http404("no such form")
    default = default_or_none(step, language)
    number = request.POST.get("invoice", "") if posted == "text" else request.GET.get("invoice", "")
    return page(
        request,
        access,
        "web/templates_edit.html",
        {
            "step": step,
            "label": step_label(step),
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "direction": "rtl" if language == "fa" else "ltr",
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "current": current,
            "own": own,
            "default": default,
            "borrowed": None if default else ("formal_notice" if letter else "reminder"),
            "has_letter": letter,
            "form": form,
            "reset": reset,
            "open_form": posted,
            "preview": _preview(organization, step, language, draft=draft, number=number),
            "invoices": preview_invoices(organization) if form is not None else [],
            # A placeholder without words here yet is described in English.
            "placeholders": [
                (f"{{{name}}}", PLACEHOLDERS.get(name, meaning))
                for name, meaning in texts.PLACEHOLDERS.items()
            ],
            "nav": "templates",
        },
        status=status,
    )


@require_POST
@member_view
def template_preview(request, access: Access, step: str, language: str):
    """The preview alone, for the draft posted (htmx, as the user types)."""
    organization = access.organization
    _step(organization, step, language)
    draft = {k: request.POST.get(k, "") for k in ("subject", "body", "letter_body")}
    if not has_letter(organization, step):
        draft["letter_body"] = ""
    return page(
        request,
        access,
        "web/templates_preview.html",
        {
            "preview": _preview(
                organization, step, language, draft=draft, number=request.POST.get("invoice", "")
            )
        },
    )
