"""Composing a planned action into the message the client gets: subject, plain text, HTML,
attachments, recipients, in the client's language; and the call scripts of call tasks.

`compose(action)` reads the ledger and renders PDFs; it writes nothing. The step's text
is the organization's own (`StepTemplate`) or owed's default (`owed.documents.texts`).

- **Recipients**: a step addressed to the payer (`payer_contact`, or any step whose
  policy says `Recipient.BILLING`) goes to the client's billing contacts, with a
  business's main contacts in copy; every other step to the main contacts (else the
  billing ones). No address at all is a `CompositionError`.
- **Invoices**: those the action lists, with today's balance and days overdue; those
  paid or written off since are left out, and when none is left the action is
  `NothingOwed`.
- **Charges**: the formal steps (formal notice, credit hold, demand letter), and any text
  that uses a charge placeholder, state the interest, compensation, fees and penalty
  `owed.law` allows to today with their legal basis. When they cannot be worked out
  (a rate the tables lack), the message goes without them and says so in its notes.
- **Attachments**: a PDF copy of each invoice for a step that attaches the invoice
  (`invoice_copy`); the letter as a PDF for a step sent by letter; for a step that
  attaches the contract (the demand letter), the contract of the invoices as a PDF
  (`owed.documents.papers.contract_pdf`), after the letter; a note when there is none.

`queue_due` (in `owed.documents.outbox`) puts the composed messages in the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import translation

from owed.core.facts import BROKEN_PROMISE
from owed.core.ladder import Recipient
from owed.core.localize import (
    LanguageError,
    bidi_safe,
    check_language,
    format_amount,
    format_date,
    format_number,
)
from owed.documents import texts
from owed.documents.email_html import email_html, plain_links
from owed.documents.pdf import safe_name
from owed.documents.previews import preview_instalment, preview_promise
from owed.documents.services import (
    _letter_labels,
    bidi_text,
    invoice_pdf,
    letter_pdf,
    party_data,
    sender_data,
)
from owed.documents.values import (
    CHARGE_PLACEHOLDERS,
    FORMAL_KEYS,
    CompositionError,
    Draft,
    Line,
    NothingOwed,
    charges,
    current_lines,
    instalment_of,
    is_call,
    payment,
    policy_step,
    recipients,
    text_key,
    values,
)
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.selectors import annotate_balance
from owed.mail.services import AttachmentInput

__all__ = [
    "Composed",
    "CompositionError",
    "NothingOwed",
    "call_script",
    "compose",
    "preview_invoice",
    "preview_step",
]


@dataclass(frozen=True)
class Composed:
    """A message ready for the outbox, and what the user should know about it."""

    subject: str
    text: str
    html: str
    attachments: tuple[AttachmentInput, ...]
    language: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    notes: tuple[str, ...]
    """Plain English, for the action's note: what was left out or done differently."""
    letter_text: str = ""
    """The letter's text as filled in, for a step sent by letter."""
    key: str = ""
    source: str = "default"
    """Whose text it is: ``default``, ``organization`` or ``edited`` (this action's own)."""
    wording: texts.Wording | None = None
    """The text as written, placeholders and all."""
    attachment_names: tuple[str, ...] = field(default=())
    letter: AttachmentInput | None = None
    """The letter's PDF (also among the attachments), to print and post."""
    samples: tuple[str, ...] = field(default=())
    """The placeholders a preview filled with made-up values (no plan, no promise)."""


def compose(
    action, *, today: date | None = None, files: bool = True, require_recipient: bool = True
) -> Composed:
    """The message of a planned e-mail or letter action, on `today` (default: the
    organization's today). Raises `NothingOwed` and `CompositionError` (see module).

    A user's own wording of this action's message (`owed.dunning.models.ActionReview`)
    replaces the step's text. For a preview: `files=False` renders no PDF (the
    attachments are still named), `require_recipient=False` composes without an address.
    """
    draft = action_draft(action, today=today)
    return _compose(
        draft,
        require_recipient=require_recipient,
        with_files=files,
        wording=_own_wording(action, draft),
    )


def _own_wording(action, draft: Draft) -> texts.Wording | None:
    """The user's own wording of the action's message, if any, in the client's language."""
    from owed.dunning.models import ActionReview

    try:
        review = action.review
    except ActionReview.DoesNotExist:
        return None
    if not review.edited:
        return None
    if review.language and review.language != draft.language:
        draft.notes.append(
            f"the edited text is in {review.language} and the client reads "
            f"{draft.language}: the step's text was used"
        )
        return None
    return texts.Wording(review.subject, review.body, review.letter_body, source="edited")


def preview_step(
    step: str,
    *,
    invoice: Invoice,
    language: str | None = None,
    wording: texts.Wording | None = None,
    today: date | None = None,
) -> Composed:
    """The message `step` would send about `invoice` today, without attachments and
    without needing an e-mail address (to try a text out).

    An instalment reminder (``instalment_pre_due_reminder``, ``instalment_reminder``: the
    plan's ``pre_due_reminder`` and ``reminder`` steps) is about the next unpaid
    instalment of the invoice's payment plan, and a ``broken_promise`` call about its
    latest promise to pay. An invoice without either gets a sample instead (see
    `Composed.samples`): instalment 1 of 3 of its balance, due as the step's timing has
    it today; a promise made for a week ago.
    """
    client = invoice.client
    day = today or invoice.organization.today()
    # "instalment_reminder" is the reminder step of an instalment.
    if step.startswith("instalment_"):
        kind, base = "instalment", step.removeprefix("instalment_")
    elif step == BROKEN_PROMISE:
        kind, base = "broken_promise", step
    else:
        kind, base = "ladder", step
    draft = _draft(
        organization=invoice.organization,
        client=client,
        key=text_key(kind, base) if kind == "instalment" else step,
        step=base,
        kind=kind,
        channels=None,
        lines=current_lines([invoice.pk], day),
        today=day,
        language=_language(client, language),
    )
    if not draft.lines:
        # A preview of an invoice paid in full still shows the text, with its amount.
        row = annotate_balance(Invoice.objects.filter(pk=invoice.pk)).get()
        draft.lines = [Line(row, row.total, (day - row.due_date).days)]
        draft.notes.append(f"{row.number} is paid: shown with its total, as if nothing was")
    samples: dict[str, str] = {}
    if kind == "instalment":
        samples = preview_instalment(draft, invoice)
    elif kind == "broken_promise":
        samples = preview_promise(draft, invoice)
    return _compose(
        draft, require_recipient=False, with_files=False, wording=wording, samples=samples
    )


def preview_invoice(organization: Organization) -> Invoice | None:
    """The invoice a preview uses: the organization's most overdue open one, else its
    latest invoice."""
    invoices = Invoice.objects.filter(organization=organization).select_related(
        "client", "contract"
    )
    owing = annotate_balance(invoices.filter(written_off_on=None)).filter(balance__gt=0)
    return owing.order_by("due_date", "id").first() or invoices.order_by("-issue_date").first()


def call_script(action, language: str | None = None, *, today: date | None = None) -> list[str]:
    """What to say on a call task (a call, a broken promise or a call-back), point by point,
    in `language` (default: the client's), on `today` (default: the organization's): the
    script's paragraphs filled in.

    `CompositionError` for a task that is not a call.
    """
    if not is_call(action.step):
        raise CompositionError(f"{action.step} is not a call: it has no script")
    draft = action_draft(action, today=today, language=language, allow_empty=True)
    wording = _wording(draft)
    people = recipients(draft.client, Recipient.MAIN, [])
    filled = texts.render(
        wording.body, values(draft, people, None, payment(draft)), escape=_literal(draft)
    )
    return texts.paragraphs(filled)


# --- drafts ------------------------------------------------------------------------------------


def action_draft(
    action, *, today: date | None = None, language: str | None = None, allow_empty: bool = False
) -> Draft:
    """The draft of an action: its step, its client and the invoices it lists, today."""
    client: Client = action.client
    organization: Organization = action.organization
    day = today or organization.today()
    # `.all()` uses the lines `queue_due` prefetched for every due action at once.
    listed = [line.invoice_id for line in action.lines.all()]
    lines = current_lines(listed, day) if listed else []
    if listed and not lines and not allow_empty:
        number = Invoice.objects.in_bulk(listed)
        numbers = ", ".join(number[pk].number for pk in listed)
        raise NothingOwed(f"nothing is owed any more on {numbers}: the message was not sent")
    draft = _draft(
        organization=organization,
        client=client,
        key=text_key(action.kind, action.step),
        step=action.step,
        kind=action.kind,
        channels=tuple(action.channel_list),
        lines=lines,
        today=day,
        language=_language(client, language),
        action_id=action.pk,
        subject_id=action.subject_id,
        action_key=action.key,
    )
    instalment = instalment_of(draft)
    if instalment is not None:
        draft.amount_due = instalment.amount
    return draft


def _draft(*, organization, client, key, step, kind, channels, lines, today, language, **more):
    found = policy_step(client, step) if kind in ("ladder", "manual") else None
    recipient = found.recipient if found else Recipient.MAIN
    if step == "payer_contact":
        recipient = Recipient.BILLING
    if channels is None:  # a preview: the policy's channels, else an e-mail
        channels = tuple(c.value for c in found.channels) if found else ("email",)
    return Draft(
        organization=organization,
        client=client,
        key=key,
        step=step,
        kind=kind,
        channels=channels,
        recipient=recipient,
        attach_invoice=found.attach_invoice if found else key == "invoice_copy",
        attach_contract=found.attach_contract if found else False,
        lines=lines,
        today=today,
        language=language,
        **more,
    )


def _language(client: Client, language: str | None) -> str:
    for candidate in (language, client.language, client.organization.language, "en"):
        if candidate:
            try:
                return check_language(candidate)
            except LanguageError:
                if candidate is language:
                    raise CompositionError(f"owed does not write in {language!r}") from None
    return "en"


def _wording(draft: Draft, wording: texts.Wording | None = None) -> texts.Wording:
    if wording is not None:
        return wording
    try:
        return texts.wording_for(
            organization=draft.organization, key=draft.key, language=draft.language
        )
    except KeyError:
        pass
    # A step of the organization's own without a text yet: the nearest default.
    fallback = "formal_notice" if "letter" in draft.channels else "reminder"
    draft.notes.append(f"no text for the step {draft.key}: the {fallback} text was used")
    return texts.wording_for(organization=draft.organization, key=fallback, language=draft.language)


def _literal(draft: Draft):
    """How the text's own words are written: Persian with its left-to-right runs isolated."""
    return lambda text: bidi_safe(text, draft.language)


# --- composing ---------------------------------------------------------------------------------


def _compose(
    draft: Draft,
    *,
    require_recipient: bool,
    with_files: bool,
    wording: texts.Wording | None = None,
    samples: dict[str, str] | None = None,
) -> Composed:
    """`samples`: values a preview makes up for placeholders the draft has none for."""
    wording = _wording(draft, wording)
    people = recipients(draft.client, draft.recipient, draft.notes)
    if not people.to:
        if require_recipient:
            raise CompositionError(
                f"client {draft.client.code} has no contact with an e-mail address"
            )
        draft.notes.append(f"client {draft.client.code} has no contact with an e-mail address")
    uses = set(texts.placeholders_in(wording.subject + wording.body + wording.letter_body))
    owed_charges = (
        charges(draft)
        if draft.lines and (draft.key in FORMAL_KEYS or uses & CHARGE_PLACEHOLDERS)
        else None
    )
    pay = payment(draft)
    filled = values(draft, people, owed_charges, pay)
    used_samples = tuple(name for name in samples or {} if name in uses)
    filled |= {name: bidi_safe(text, draft.language) for name, text in (samples or {}).items()}
    literal = _literal(draft)
    subject = " ".join(texts.render(wording.subject, filled, escape=literal).split())
    if not subject:
        raise CompositionError(f"the subject of {draft.key} is empty once filled in")
    text = plain_links(texts.render(wording.body, filled, escape=literal)) + "\n"
    code = draft.language
    with translation.override(code):
        labels = _letter_labels()
    headers = [labels[k] for k in ("invoice", "due_date", "days_overdue", "balance")]
    if draft.lines and pay is None:
        draft.notes.append(_no_payment_note(draft))
    rows = _invoice_rows(draft)
    html = email_html(
        subject=subject,
        body=wording.body,
        values=filled,
        language=code,
        invoices=bidi_text(rows, code),
        headers=bidi_text(headers, code),
        payment=bidi_text(pay, code) if pay else None,
    )
    by_letter = "letter" in draft.channels
    letter_text = ""
    if by_letter:
        letter_text = texts.render(wording.letter_body or wording.body, filled, escape=literal)
    attachments: list[AttachmentInput] = []
    names: list[str] = []  # listed without the files too (a preview)
    letter = None
    if draft.attach_invoice:
        for line in draft.lines:
            names.append(f"{safe_name(line.invoice.number, 'document')}.pdf")
            if with_files:
                attachments.append(AttachmentInput(names[-1], invoice_pdf(line.invoice)))
    if by_letter:
        names.append(
            f"{texts.parts(code)['letter_file']}-{safe_name(_reference(draft), 'document')}.pdf"
        )
        if with_files:
            data = _letter(draft, subject, letter_text, rows, owed_charges, pay, filled)
            letter = AttachmentInput(names[-1], letter_pdf(data), "application/pdf")
            attachments.append(letter)
    if draft.attach_contract:
        from owed.documents.papers import contract_pdf, contracts_of

        contracts = contracts_of(line.invoice for line in draft.lines)
        for contract in contracts:
            names.append(f"{safe_name(contract.code, 'document')}.pdf")
            if with_files:
                attachments.append(
                    AttachmentInput(names[-1], contract_pdf(contract, code), "application/pdf")
                )
        if not contracts:
            draft.notes.append("the invoices have no contract: none is attached")
    return Composed(
        subject=subject,
        text=text,
        html=html,
        attachments=tuple(attachments),
        language=code,
        to=people.to,
        cc=people.cc,
        notes=tuple(draft.notes),
        letter_text=letter_text,
        key=draft.key,
        source=wording.source,
        wording=wording,
        attachment_names=tuple(names),
        letter=letter,
        samples=used_samples,
    )


def _no_payment_note(draft: Draft) -> str:
    currencies = draft.currencies
    if len(currencies) > 1:
        return (
            f"the invoices are in {', '.join(currencies)}: no payment details (one account, "
            "one currency at a time)"
        )
    return f"no payment account for {currencies[0]}: no payment details"


def _invoice_rows(draft: Draft) -> list[list[str]]:
    code = draft.language
    return [
        [
            line.invoice.number,
            format_date(line.invoice.due_date, code, "short"),
            format_number(max(line.days_overdue, 0), code),
            format_amount(line.balance, line.invoice.currency, code),
        ]
        for line in draft.lines
    ]


def _reference(draft: Draft) -> str:
    numbers = [line.invoice.number for line in draft.lines]
    if len(numbers) == 1:
        return numbers[0]
    return draft.client.code


def _letter(draft: Draft, subject, letter_text, rows, owed_charges, pay, filled) -> dict:
    """The letter's data for `letter_pdf` (see docs/documents.md)."""
    code = draft.language
    part = texts.parts(code)
    data = {
        "language": code,
        "sender": sender_data(draft.organization, code),
        "recipient": party_data(draft.client, code, home_country=draft.organization.country),
        "date": format_date(draft.today, code),
        "subject": subject,
        "reference": ", ".join(line.invoice.number for line in draft.lines) or draft.client.code,
        # One paragraph a line: a letter's text is written that way.
        "paragraphs": [line for line in letter_text.split("\n") if line.strip()],
        "closing": part["closing"],
        "signature": {"name": draft.organization.name},
        "labels": {"fees": part["fees_label"], "penalty": part["penalty_label"]},
    }
    if rows:
        data["invoices"] = [
            {"number": r[0], "due_date": r[1], "days_overdue": r[2], "balance": r[3]} for r in rows
        ]
        if len(rows) > 1 and len(draft.currencies) == 1:
            data["invoices_total"] = filled["total_balance"]
    if owed_charges is not None and len(draft.currencies) == 1:
        amounts = {
            "principal": filled["total_balance"],
            "interest": filled.get("interest", ""),
            "compensation": filled.get("compensation", ""),
            "fees": filled.get("fees", ""),
            "penalty": filled.get("penalty", ""),
            "total": filled["total_claimed"],
            "basis": filled.get("legal_basis", ""),
        }
        data["amounts"] = {k: v for k, v in amounts.items() if v}
    if filled.get("deadline"):
        data["deadline"] = {"date": filled["deadline"]}
    if pay is not None:
        data["payment"] = pay
    return data
