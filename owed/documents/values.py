"""What a collection message says, gathered from the ledger: the `Draft` of one step for
one client (its invoices as they stand today, recipients, charges, earlier contacts) and
the text of every placeholder, written in the client's language.

Reads only; `owed.documents.compose` turns a draft into a message.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from owed.core.facts import CALL_TASKS
from owed.core.ladder import STANDARD, Recipient, Step
from owed.core.localize import bidi_safe, format_amount, format_date, format_number
from owed.documents import texts
from owed.documents.services import payment_data
from owed.errors import OwedError
from owed.ledger.models import Client, Contact, Invoice, Organization
from owed.ledger.selectors import annotate_balance

FORMAL_KEYS: Final = frozenset({"formal_notice", "demand_letter", "credit_hold"})
"""The steps whose message states the interest and fees the law allows."""

CHARGE_PLACEHOLDERS: Final = frozenset(
    {"interest", "compensation", "fees", "penalty", "total_claimed", "legal_basis"}
)

DEADLINE_DAYS: Final = {
    "formal_notice": 14,
    "credit_hold": 10,
    "demand_letter": 7,
    "agency_handoff": 7,
    "legal": 7,
}
"""Calendar days from the message to the final date for payment it names."""

EARLIER_CONTACTS_SHOWN: Final = 8


class CompositionError(OwedError):
    """A message that cannot be made; the message says why, for the action's note."""


class NothingOwed(CompositionError):
    """Every invoice the action lists was paid (or written off) since it was decided."""


@dataclass(frozen=True, slots=True)
class Line:
    invoice: Invoice
    balance: Decimal
    days_overdue: int


@dataclass
class Draft:
    """One step for one client, as it stands on `today`."""

    organization: Organization
    client: Client
    key: str
    """The text to use (`owed.documents.texts.KEYS`, or a step of the organization's own)."""
    step: str
    kind: str
    channels: tuple[str, ...]
    recipient: Recipient
    attach_invoice: bool
    attach_contract: bool
    lines: list[Line]
    today: date
    language: str
    action_id: int | None = None
    subject_id: int | None = None
    action_key: str = ""
    amount_due: Decimal | None = None
    """What the payment details ask for when it is not the whole balance (an instalment)."""
    notes: list[str] = field(default_factory=list)

    @property
    def currencies(self) -> list[str]:
        return sorted({line.invoice.currency for line in self.lines})


@dataclass(frozen=True, slots=True)
class Charges:
    """Interest, compensation, fees and penalty on the draft's invoices, per currency."""

    interest: dict[str, Decimal]
    compensation: dict[str, Decimal]
    fees: dict[str, Decimal]
    penalty: dict[str, Decimal]
    claimed: dict[str, Decimal]
    bases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recipients:
    to: tuple[str, ...]
    cc: tuple[str, ...]
    contact_name: str


# --- the draft ---------------------------------------------------------------------------------


def current_lines(invoice_ids: list[int], today: date) -> list[Line]:
    """Those of the invoices still owed on, with today's balance and days overdue, oldest
    first."""
    invoices = Invoice.objects.filter(pk__in=invoice_ids).select_related(
        "contract", "client", "organization"
    )
    rows = annotate_balance(invoices).filter(balance__gt=0, written_off_on=None)
    return sorted(
        (Line(row, row.balance, (today - row.due_date).days) for row in rows),
        key=lambda line: (line.invoice.due_date, line.invoice.number),
    )


def policy_step(client: Client, code: str) -> Step | None:
    """The step `code` of the policy that chases `client` (its own, its segment's, else
    the organization's default), or of the standard policy when that one lacks it."""
    from owed.dunning.models import ClientPolicy, Policy
    from owed.dunning.snapshot import policies

    default, by_name = policies(client.organization)
    name = ClientPolicy.objects.filter(client=client).values_list("policy__name", flat=True).first()
    if name is None:
        segments = Policy.objects.filter(organization=client.organization_id).exclude(
            countries="", client_kind=""
        )
        name = next(
            (p.name for p in segments.order_by("name") if p.covers(client.country, client.kind)),
            None,
        )
    policy = by_name.get(name, default) if name else default
    for candidate in (policy, STANDARD):
        if code in candidate.codes:
            return candidate.step(code)
    return None


def text_key(kind: str, step: str) -> str:
    """The text an action of `kind` and `step` uses."""
    if kind == "instalment":
        key = f"instalment_{step}"
        return key if key in texts.KEYS else "instalment_reminder"
    return step


# --- recipients --------------------------------------------------------------------------------


def recipients(client: Client, recipient: Recipient, notes: list[str]) -> Recipients:
    """Who the message goes to: the billing contacts for a step addressed to the payer
    (`Recipient.BILLING`), with the main contacts of a business in copy; the main
    contacts otherwise. Either falls back to the other role, with a note."""
    contacts = list(Contact.objects.filter(client=client).exclude(email="").order_by("id"))
    main = [c for c in contacts if c.role == Contact.Role.MAIN]
    billing = [c for c in contacts if c.role == Contact.Role.BILLING]
    cc: list[Contact] = []
    if recipient is Recipient.BILLING:
        to = billing
        if billing and client.kind == Client.Kind.BUSINESS:
            cc = [c for c in main if c.email not in {b.email for b in billing}]
        elif main:
            to = main
            notes.append("no billing contact with an e-mail address: written to the main contact")
    else:
        to = main or billing
    named = next((c.name for c in to if c.name.strip()), "")
    return Recipients(
        tuple(_address(c) for c in to), tuple(_address(c) for c in cc), named or client.name
    )


def _address(contact: Contact) -> str:
    name = contact.name.replace('"', "").strip()
    return f'"{name}" <{contact.email}>' if name else contact.email


# --- charges -----------------------------------------------------------------------------------


def charges(draft: Draft) -> Charges | None:
    """What the law adds to the draft's invoices up to today; None (and a note) when it
    cannot be worked out for one of them, e.g. a rate the tables lack."""
    from owed.law.services import invoice_charges, rate_tables, say

    tables = rate_tables()  # read once for all the draft's invoices
    found: dict[str, dict[str, Decimal]] = {
        name: defaultdict(Decimal)
        for name in ("interest", "compensation", "fees", "penalty", "claimed")
    }
    bases: list[str] = []
    for line in draft.lines:
        try:
            result = invoice_charges(line.invoice, until=draft.today, tables=tables)
        except OwedError as exc:
            draft.notes.append(
                f"sent without interest and fees: for {line.invoice.number}, {exc.message}"
            )
            return None
        currency = line.invoice.currency
        found["interest"][currency] += result.interest.interest
        found["compensation"][currency] += result.interest.compensation
        found["fees"][currency] += result.fees
        found["penalty"][currency] += result.penalty
        found["claimed"][currency] += result.total_due
        # Kept with the action (its note), so the figure in the letter can be reproduced.
        used = "; ".join(
            f"{row.table} {row.rate} from {row.valid_from} ({row.source})"
            for row in result.interest.rates_used
        )
        draft.notes.append(
            f"{line.invoice.number}: {result.law} interest {result.interest.interest} "
            f"{currency} to {draft.today}" + (f", rates used: {used}" if used else "")
        )
        basis = say(result.interest.basis, draft.language)
        if basis not in bases:
            bases.append(basis)
    return Charges(**{name: dict(amounts) for name, amounts in found.items()}, bases=tuple(bases))


# --- earlier contacts --------------------------------------------------------------------------


def earlier_contacts(draft: Draft) -> list[tuple[date, str]]:
    """(day, channel) of the messages, letters and calls the client had about these
    invoices before today: actions sent or planned for an earlier day, and the contacts
    logged (calls, e-mails and letters written by hand)."""
    from owed.dunning.models import Action, Interaction
    from owed.dunning.selectors import client_actions

    since = min((line.invoice.issue_date for line in draft.lines), default=None)
    since = since or draft.today - timedelta(days=90)
    actions = (
        client_actions(organization=draft.client.organization, client=draft.client)
        .filter(
            status__in=(Action.Status.PLANNED, Action.Status.SENT),
            decided_on__gte=since,
            decided_on__lt=draft.today,
        )
        .exclude(channels="task")
        .exclude(pk=draft.action_id)
        .values_list("pk", "decided_on", "channels")
    )
    found: set[tuple[date, str]] = set()
    seen_actions = set()
    for pk, day, channels in actions:
        seen_actions.add(pk)
        found.add((day, "email" if "email" in channels else "letter"))
    logged = Interaction.objects.filter(
        client=draft.client,
        direction=Interaction.Direction.OUT,
        channel__in=("email", "letter", "call"),
        happened_on__gte=since,
        happened_on__lt=draft.today,
    ).values_list("action_id", "happened_on", "channel")
    for action_id, day, channel in logged:
        if action_id is None or action_id not in seen_actions:
            found.add((day, channel))
    return sorted(found)[-EARLIER_CONTACTS_SHOWN:]


# --- the values --------------------------------------------------------------------------------


def values(
    draft: Draft, people: Recipients | None, owed_charges: Charges | None, pay: dict | None
) -> dict[str, str]:
    """The text of every placeholder for `draft`, in its language (Persian made
    bidi-safe); a placeholder with nothing to say is empty, which leaves its line out.
    `pay` is `payment(draft)`, worked out once by the caller (it renders a QR code)."""
    code = draft.language
    part = texts.parts(code)
    org, client = draft.organization, draft.client

    def money(amounts: dict[str, Decimal], *, zero: bool = True) -> str:
        shown = [(c, a) for c, a in sorted(amounts.items()) if zero or a]
        return " + ".join(format_amount(a, c, code) for c, a in shown)

    def days(n: int) -> str:
        template = part["day_one"] if abs(n) == 1 else part["day_other"]
        return template.replace("{n}", format_number(n, code))

    def when(day: date) -> str:
        return format_date(day, code)

    balances: dict[str, Decimal] = defaultdict(Decimal)
    for line in draft.lines:
        balances[line.invoice.currency] += line.balance
    oldest = draft.lines[0] if draft.lines else None
    found = {
        "client_name": client.name,
        "contact_name": people.contact_name if people else client.name,
        "account_number": client.code,
        "organization_name": org.name,
        "signature": "\n".join(x for x in (org.name, org.email, org.phone) if x),
        "invoice_list": "\n".join(_invoice_line(line, part, code, days) for line in draft.lines),
        "invoice_numbers": part["list_separator"].join(x.invoice.number for x in draft.lines),
        "invoices": (
            part["invoices_one"] if len(draft.lines) == 1 else part["invoices_other"]
        ).replace("{numbers}", part["list_separator"].join(x.invoice.number for x in draft.lines))
        if draft.lines
        else "",
        "total_balance": money(balances),
        "oldest_due_date": when(oldest.invoice.due_date) if oldest else "",
        "days_overdue": days(oldest.days_overdue) if oldest and oldest.days_overdue > 0 else "",
        "today": when(draft.today),
        "deadline": (
            when(draft.today + timedelta(days=DEADLINE_DAYS[draft.key]))
            if draft.key in DEADLINE_DAYS
            else ""
        ),
        "portal_link": _portal_link(client),
        "contract": _contract(draft),
        "earlier_contacts": part["list_separator"].join(
            part["contact"]
            .replace("{date}", when(day))
            .replace("{channel}", part[f"channel_{channel}"])
            for day, channel in earlier_contacts(draft)
        ),
        "payment_instructions": payment_text(pay, code),
    }
    if owed_charges is not None:
        found |= {
            "interest": money(owed_charges.interest),
            "compensation": money(owed_charges.compensation, zero=False),
            "fees": money(owed_charges.fees, zero=False),
            "penalty": money(owed_charges.penalty, zero=False),
            "total_claimed": money(owed_charges.claimed),
            "legal_basis": " ".join(owed_charges.bases),
        }
    found |= _agreement_values(draft, when)
    return {name: bidi_safe(text, code) for name, text in found.items()}


def _portal_link(client: Client) -> str:
    """The absolute URL of the client's portal page (a link made if none is valid)."""
    if client.pk is None:
        return ""
    from owed.portal.links import portal_url

    return portal_url(client)


def _invoice_line(line: Line, part, code: str, days) -> str:
    template = part["invoice_line"] if line.days_overdue > 0 else part["invoice_line_not_due"]
    return (
        template.replace("{number}", line.invoice.number)
        .replace("{due_date}", format_date(line.invoice.due_date, code))
        .replace("{days}", days(line.days_overdue))
        .replace("{balance}", format_amount(line.balance, line.invoice.currency, code))
    )


def _contract(draft: Draft) -> str:
    """The contract of the first invoice listed that has one; for a work stop lifted, the
    stopped contract."""
    from owed.dunning.models import WorkStop

    contracts = [line.invoice.contract for line in draft.lines]
    if draft.kind == "work_resumed" and draft.subject_id:
        stop = WorkStop.objects.filter(pk=draft.subject_id).select_related("contract").first()
        contracts.append(stop.contract if stop else None)
    for contract in contracts:
        if contract is not None:
            return f"{contract.code} ({contract.title})" if contract.title else contract.code
    return ""


def payment(draft: Draft) -> dict | None:
    """How to pay the draft's balance (one currency only: one account, one QR code)."""
    currencies = draft.currencies
    if len(currencies) != 1:
        return None
    amount = draft.amount_due
    if amount is None:
        amount = sum((line.balance for line in draft.lines), Decimal(0))
    return payment_data(
        organization=draft.organization,
        amount=amount,
        currency=currencies[0],
        reference=", ".join(line.invoice.number for line in draft.lines),
        language=draft.language,
    )


def payment_text(data: dict | None, code: str) -> str:
    """Payment details (as `payment` gives them) as lines of text."""
    if data is None:
        return ""
    lines = [
        f"{bidi_safe(label, code)}: {bidi_safe(value, code)}" for label, value in data["lines"]
    ]
    return "\n".join([data["title"], *lines])


def _agreement_values(draft: Draft, when) -> dict[str, str]:
    """The instalment of a plan's reminder, the date of a broken promise."""
    from owed.dunning.models import Plan, Promise

    if draft.kind == "instalment" and draft.subject_id:
        plan = Plan.objects.filter(pk=draft.subject_id).first()
        instalment = instalment_of(draft)
        if plan and instalment:
            return {
                "instalment_number": format_number(instalment.number, draft.language),
                "instalment_amount": format_amount(
                    instalment.amount, plan.currency, draft.language
                ),
                "instalment_due_date": when(instalment.due_date),
            }
    if draft.kind == "broken_promise" and draft.subject_id:
        promise = Promise.objects.filter(pk=draft.subject_id).first()
        if promise:
            return {"promise_date": when(promise.until)}
    return {}


def instalment_of(draft: Draft):
    """The instalment an instalment reminder is about (None for other drafts)."""
    from owed.dunning.models import Instalment

    number = _instalment_number(draft.action_key)
    if draft.kind != "instalment" or not draft.subject_id or number is None:
        return None
    return Instalment.objects.filter(plan_id=draft.subject_id, number=number).first()


def _instalment_number(key: str) -> int | None:
    """The instalment's number in an action key ``plan:<plan>:<number>:<step>``."""
    parts = key.split(":")
    if len(parts) == 4 and parts[0] == "plan" and parts[2].isdigit():
        return int(parts[2])
    return None


def is_call(step: str) -> bool:
    return step in CALL_TASKS
