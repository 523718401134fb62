"""An organization's own texts for the collection steps, as the back office edits them:
which steps can have one, saving one (checked as the admin checks it), going back to
owed's text, and a draft filled in for one of the organization's real invoices.

The preview composes with `owed.documents.compose.preview_step`, the code behind
`owed template preview`: what it shows is what the step would send today (an instalment
reminder about the next unpaid instalment of the invoice's plan, a broken-promise call
about its latest promise, or a labelled sample of either when it has none).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from owed.core.localize import check_language
from owed.documents import texts
from owed.documents.compose import Composed, preview_invoice, preview_step
from owed.documents.models import StepTemplate, text_problems
from owed.errors import OwedError
from owed.ledger.models import Invoice, Organization
from owed.ledger.selectors import annotate_balance


def own_steps(organization: Organization) -> list[str]:
    """The steps of the organization's policies that owed has no text for, by code."""
    from owed.dunning.models import PolicyStep

    codes = PolicyStep.objects.filter(policy__organization=organization).values_list(
        "code", flat=True
    )
    return sorted(set(codes) - set(texts.KEYS))


def template_steps(organization: Organization) -> list[str]:
    """Every step that can have a text: owed's, in ladder order, then the organization's."""
    return [*texts.KEYS, *own_steps(organization)]


def has_letter(organization: Organization, step: str) -> bool:
    """True if the step sends a letter: owed's letter steps, and any step of the
    organization's policies sent by letter."""
    from owed.dunning.models import PolicyStep

    if step in texts.LETTER_KEYS:
        return True
    return PolicyStep.objects.filter(
        policy__organization=organization, code=step, channels__contains="letter"
    ).exists()


def default_or_none(step: str, language: str) -> texts.Wording | None:
    """owed's text for the step, or None for a step of the organization's own."""
    try:
        return texts.default_wording(step, language)
    except KeyError:
        return None


def draft_problems(*, subject: str, body: str, letter_body: str = "") -> dict[str, list[str]]:
    """What is wrong with each part of a draft (an unknown placeholder, a stray brace), in
    the active language, by field; empty when it can be saved and previewed."""
    found = {}
    for name, text in (("subject", subject), ("body", body), ("letter_body", letter_body)):
        problems = text_problems(text or "")
        if problems:
            found[name] = problems
    return found


@transaction.atomic
def step_template_save(
    *,
    organization: Organization,
    step: str,
    language: str,
    subject: str,
    body: str,
    letter_body: str = "",
) -> StepTemplate:
    """Store the organization's text for `step` in `language`, replacing its earlier one.
    Refuses what the admin refuses (an unknown step or placeholder, a stray brace)."""
    code = check_language(language)
    template = StepTemplate.objects.filter(
        organization=organization, step=step, language=code
    ).first() or StepTemplate(organization=organization, step=step, language=code)
    template.subject = subject
    template.body = body
    template.letter_body = letter_body or ""
    try:
        template.full_clean()
    except ValidationError as exc:
        details = [str(m) for messages in exc.message_dict.values() for m in messages]
        raise OwedError("the text cannot be saved", details=details) from None
    template.save()
    return template


def step_template_reset(*, organization: Organization, step: str, language: str) -> bool:
    """Go back to owed's text: delete the organization's own. False if it had none."""
    deleted, _ = StepTemplate.objects.filter(
        organization=organization, step=step, language=check_language(language)
    ).delete()
    return bool(deleted)


def preview_invoice_in(organization: Organization, language: str) -> Invoice | None:
    """The invoice a preview of a text in `language` uses: the most overdue open invoice of
    a client writing in `language` (a Persian text is shown on a Persian client's invoice,
    with that client's payment details), else the organization's most overdue open one
    (`compose.preview_invoice`)."""
    owing = annotate_balance(
        Invoice.objects.filter(
            organization=organization, written_off_on=None, client__language=language
        )
    ).filter(balance__gt=0)
    found = owing.select_related("client", "contract").order_by("due_date", "id").first()
    return found or preview_invoice(organization)


def preview_invoices(organization: Organization, limit: int = 50) -> list[Invoice]:
    """The invoices a preview can use: the most overdue open ones first (one query)."""
    owing = annotate_balance(
        Invoice.objects.filter(organization=organization, written_off_on=None)
    ).filter(balance__gt=0)
    return list(owing.select_related("client").order_by("due_date", "id")[:limit])


def preview_draft(
    *,
    invoice: Invoice,
    step: str,
    language: str,
    subject: str,
    body: str,
    letter_body: str = "",
) -> Composed:
    """What the step would send today about `invoice` in `language` with this draft (not
    saved). A blank letter text uses owed's letter, as a saved one would. Raises
    `texts.TextError` for a draft with placeholder problems (check `draft_problems`
    first) and `CompositionError` for one that cannot be composed."""
    code = check_language(language)
    default = default_or_none(step, code)
    letter = letter_body or (default.letter_body if default else "")
    wording = texts.Wording(subject, body, letter, source="organization")
    return preview_step(step, invoice=invoice, language=code, wording=wording)
