"""The summaries owed writes on a client's timeline, in the reader's language.

A service logs what happened as a `Said`: a code and its details (invoice numbers, ISO
days, amounts as strings, the user's own words). The interaction keeps the code and
details (`Interaction.code`, `params`) and, in `summary`, the English line every reader
of the database, the CLI and the API has always had (days in ISO). A page writes the
summary in its reader's language at display time (`summary_text`): steps by their names,
days in the reader's calendar, amounts and numbers with the reader's digits; the words
someone typed stay as they were typed.

An interaction without a code (a note someone wrote, the subject of a message sent in the
client's language, rows from before codes) is shown as stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from owed.core.localize import (
    LanguageError,
    check_language,
    format_amount,
    format_date,
    format_number,
)
from owed.core.money import MoneyError
from owed.dunning.labels import step_label

if TYPE_CHECKING:
    from owed.dunning.models import Interaction


class Code(StrEnum):
    SKIPPED = "skipped"
    WRITTEN_OFF = "written_off"
    PROMISE = "promise"
    DISPUTE = "dispute"
    DISPUTE_RESOLVED = "dispute_resolved"
    PLAN = "plan"
    SNOOZE = "snooze"
    CALL = "call"
    REPLY = "reply"
    PORTAL_PAID = "portal_paid"
    PORTAL_RECEIVED = "portal_received"
    MESSAGE_EDITED = "message_edited"
    MESSAGE_RESET = "message_reset"
    MESSAGE_RETRIED = "message_retried"
    MESSAGE_MARKED_SENT = "message_marked_sent"
    MESSAGE_SENT_AGAIN = "message_sent_again"
    PORTAL_LINK_REVOKED = "portal_link_revoked"
    PORTAL_LINK_RENEWED = "portal_link_renewed"
    DONE = "done"
    PORTAL_PLAN_REQUESTED = "portal_plan_requested"
    PLAN_REQUEST_APPROVED = "plan_request_approved"
    PLAN_REQUEST_DECLINED = "plan_request_declined"
    PAYMENT_CLAIM_CONFIRMED = "payment_claim_confirmed"
    PAYMENT_CLAIM_REJECTED = "payment_claim_rejected"


NOTE_IN_SUMMARY: Final = frozenset(
    {
        Code.SKIPPED,
        Code.WRITTEN_OFF,
        Code.PORTAL_PAID,
        Code.PORTAL_RECEIVED,
        Code.MESSAGE_EDITED,
        Code.MESSAGE_RESET,
        Code.MESSAGE_RETRIED,
        Code.MESSAGE_MARKED_SENT,
        Code.MESSAGE_SENT_AGAIN,
        Code.PORTAL_LINK_REVOKED,
        Code.PORTAL_LINK_RENEWED,
        Code.PLAN_REQUEST_APPROVED,
        Code.PLAN_REQUEST_DECLINED,
        Code.PAYMENT_CLAIM_CONFIRMED,
    }
)
"""Codes whose interaction `note` only repeats the summary (in English): a page shows the
summary alone. For the other codes the note is the user's own and is shown under it."""


@dataclass(frozen=True)
class Said:
    """What a service logs: a `Code` and its details (JSON-ready: strings, numbers,
    booleans and lists of them)."""

    code: Code
    params: dict = field(default_factory=dict)

    @property
    def english(self) -> str:
        """The line stored in `Interaction.summary`."""
        return _stored(self.code, self.params)


# --- what the services log ------------------------------------------------------------------


def _numbers(invoices: Sequence) -> list[str]:
    return [getattr(i, "number", i) for i in invoices]


def skipped(*, step: str, reason: str) -> Said:
    return Said(Code.SKIPPED, {"step": step, "reason": reason.strip()})


def done(*, step: str) -> Said:
    """A task marked as done (the user's note, if any, is the interaction's note)."""
    return Said(Code.DONE, {"step": step})


def written_off(*, invoice: str, note: str = "") -> Said:
    return Said(Code.WRITTEN_OFF, {"invoice": invoice, "note": note.strip()})


def promise(*, invoices: Sequence, until: date) -> Said:
    return Said(Code.PROMISE, {"invoices": _numbers(invoices), "until": until.isoformat()})


def dispute(*, invoice: str, reason: str) -> Said:
    return Said(Code.DISPUTE, {"invoice": invoice, "reason": reason.strip()})


def dispute_resolved(*, invoice: str, resolution: str = "") -> Said:
    return Said(Code.DISPUTE_RESOLVED, {"invoice": invoice, "resolution": resolution.strip()})


def plan(*, invoices: Sequence, instalments: int, every_days: int, first: date) -> Said:
    return Said(
        Code.PLAN,
        {
            "invoices": _numbers(invoices),
            "instalments": instalments,
            "every_days": every_days,
            "first": first.isoformat(),
        },
    )


def snooze(*, until: date, invoice: str = "", client: str = "") -> Said:
    return Said(Code.SNOOZE, {"invoice": invoice, "client": client, "until": until.isoformat()})


def call(*, reached: bool, reason: str = "", promised_for: date | None = None) -> Said:
    """A call; `promised_for`: the day the client promised to pay by on it (its outcome)."""
    params = {"reached": reached, "reason": reason}
    if promised_for is not None:
        params["promised_for"] = promised_for.isoformat()
    return Said(Code.CALL, params)


def call_outcome(promised_for: date | None) -> str:
    """A call's `Interaction.outcome` as stored (English, the day in ISO); `outcome_text`
    writes it in the reader's language."""
    return f"promise to pay by {promised_for.isoformat()}" if promised_for else ""


def reply() -> Said:
    return Said(Code.REPLY, {})


def portal_paid(
    *,
    invoices: Sequence,
    paid_on: date,
    amount: Decimal | None = None,
    currency: str = "",
    reference: str = "",
    claim: int | None = None,
    proof: bool = False,
) -> Said:
    """The client says, in the portal, that it paid (`currency`: the invoices' one, when
    they share it; `claim`: the `owed.portal.models.PaymentClaim` it made, `proof`: with a
    proof of payment attached)."""
    params = {
        "invoices": _numbers(invoices),
        "paid_on": paid_on.isoformat(),
        "amount": str(amount) if amount is not None else "",
        "currency": currency,
        "reference": reference.strip(),
    }
    if claim is not None:
        params["claim"] = claim
        params["proof"] = proof
    return Said(Code.PORTAL_PAID, params)


def portal_plan_requested(*, invoices: Sequence, instalments: int, every_days: int) -> Said:
    """The client asked, in the portal, to pay in instalments (its note, if any, is the
    interaction's note)."""
    return Said(
        Code.PORTAL_PLAN_REQUESTED,
        {"invoices": _numbers(invoices), "instalments": instalments, "every_days": every_days},
    )


def plan_request_approved(*, invoices: Sequence) -> Said:
    return Said(Code.PLAN_REQUEST_APPROVED, {"invoices": _numbers(invoices)})


def plan_request_declined(*, invoices: Sequence, reason: str) -> Said:
    return Said(Code.PLAN_REQUEST_DECLINED, {"invoices": _numbers(invoices), "reason": reason})


def payment_claim_confirmed(*, invoices: Sequence) -> Said:
    return Said(Code.PAYMENT_CLAIM_CONFIRMED, {"invoices": _numbers(invoices)})


def payment_claim_rejected(*, invoices: Sequence) -> Said:
    """A payment the client reported was not received (the user's note, if any, is the
    interaction's note)."""
    return Said(Code.PAYMENT_CLAIM_REJECTED, {"invoices": _numbers(invoices)})


def portal_received(*, invoices: Sequence) -> Said:
    return Said(Code.PORTAL_RECEIVED, {"invoices": _numbers(invoices)})


def message_edited(*, step: str, subject: str) -> Said:
    """A user worded a planned message differently (`subject`: the new subject)."""
    return Said(Code.MESSAGE_EDITED, {"step": step, "subject": subject})


def message_reset(*, step: str) -> Said:
    return Said(Code.MESSAGE_RESET, {"step": step})


def message_retried(*, subject: str, error: str = "") -> Said:
    """A user queued a failed e-mail again (`error`: why it had failed)."""
    return Said(Code.MESSAGE_RETRIED, {"subject": subject, "error": error.strip()})


def message_marked_sent(*, subject: str) -> Said:
    """A user said an e-mail whose sending was interrupted did arrive."""
    return Said(Code.MESSAGE_MARKED_SENT, {"subject": subject})


def message_sent_again(*, subject: str) -> Said:
    """A user had an e-mail whose sending was interrupted sent again."""
    return Said(Code.MESSAGE_SENT_AGAIN, {"subject": subject})


def portal_link_revoked() -> Said:
    return Said(Code.PORTAL_LINK_REVOKED, {})


def portal_link_renewed(*, replaced: bool) -> Said:
    """A new portal link was made; `replaced`: a valid one stopped working for it."""
    return Said(Code.PORTAL_LINK_RENEWED, {"replaced": replaced})


# --- the English line stored ------------------------------------------------------------------


def _stored(code: Code, p: dict) -> str:
    """The summary as services have always stored it: English, days in ISO, a step by its
    code with spaces."""
    if code is Code.SKIPPED:
        return f"Skipped {p['step'].replace('_', ' ')}: {p['reason']}"
    if code is Code.WRITTEN_OFF:
        return f"Wrote off {p['invoice']}" + (f": {p['note']}" if p["note"] else "")
    if code is Code.PROMISE:
        return f"Promise to pay {', '.join(p['invoices'])} by {p['until']}"
    if code is Code.DISPUTE:
        return f"Dispute on {p['invoice']}: {p['reason']}"
    if code is Code.DISPUTE_RESOLVED:
        resolution = p["resolution"]
        return f"Dispute on {p['invoice']} resolved" + (f": {resolution}" if resolution else "")
    if code is Code.PLAN:
        return (
            f"Payment plan for {', '.join(p['invoices'])}: {p['instalments']} "
            f"instalments every {p['every_days']} days from {p['first']}"
        )
    if code is Code.SNOOZE:
        what = p["invoice"] or f"client {p['client']}"
        return f"Snoozed {what} until {p['until']}"
    if code is Code.CALL:
        text = "Call: reached" if p["reached"] else "Call: not reached"
        return text + (f" ({p['reason']})" if p["reason"] else "")
    if code is Code.PORTAL_PAID:
        parts = [f"The client says they paid {', '.join(p['invoices'])} on {p['paid_on']}"]
        if p["amount"]:
            parts.append(f"amount {p['amount']}")
        if p["reference"]:
            parts.append(f"reference {p['reference']}")
        if p.get("proof"):
            parts.append("proof attached")
        return "; ".join(parts)
    if code is Code.PORTAL_RECEIVED:
        return f"The client confirms receiving {', '.join(p['invoices'])}"
    if code is Code.MESSAGE_EDITED:
        return f"Edited the {p['step'].replace('_', ' ')} message: {p['subject']}"
    if code is Code.MESSAGE_RESET:
        return f"Put the {p['step'].replace('_', ' ')} message back to the step's text"
    if code is Code.MESSAGE_RETRIED:
        return f"E-mail queued again after it failed: {p['subject']}"
    if code is Code.MESSAGE_MARKED_SENT:
        return f"E-mail marked as sent after its sending was interrupted: {p['subject']}"
    if code is Code.MESSAGE_SENT_AGAIN:
        return f"E-mail queued again after its sending was interrupted: {p['subject']}"
    if code is Code.DONE:
        return f"Done: {p['step'].replace('_', ' ')}"
    if code is Code.PORTAL_LINK_REVOKED:
        return "Revoked the client's portal link."
    if code is Code.PORTAL_PLAN_REQUESTED:
        return (
            f"The client asks for a payment plan for {', '.join(p['invoices'])}: "
            f"{p['instalments']} instalments every {p['every_days']} days"
        )
    if code is Code.PLAN_REQUEST_APPROVED:
        return f"Approved the client's request for a payment plan for {', '.join(p['invoices'])}"
    if code is Code.PLAN_REQUEST_DECLINED:
        return (
            f"Declined the client's request for a payment plan for "
            f"{', '.join(p['invoices'])}: {p['reason']}"
        )
    if code is Code.PAYMENT_CLAIM_CONFIRMED:
        return f"Confirmed the payment the client reported for {', '.join(p['invoices'])}"
    if code is Code.PAYMENT_CLAIM_REJECTED:
        return f"Not received: the payment the client reported for {', '.join(p['invoices'])}"
    if code is Code.PORTAL_LINK_RENEWED:
        if p["replaced"]:
            return "Made a new portal link; the earlier one no longer works."
        return "Made a new portal link."
    return "Reply from the client"


# --- the line a reader sees -------------------------------------------------------------------


def summary_text(interaction: Interaction, language: str | None = None) -> str:
    """The interaction's summary in `language` (default: the active one). Without a code,
    or with details this version cannot read, the summary as stored."""
    if not interaction.code:
        return interaction.summary
    try:
        code = Code(interaction.code)
        language = check_language(language or translation.get_language() or "en")
    except (ValueError, LanguageError):
        return interaction.summary
    with translation.override(language):
        try:
            return _written(code, interaction.params or {}, language)
        except (KeyError, TypeError, ValueError, ArithmeticError, MoneyError):
            return interaction.summary


def note_shown(interaction: Interaction) -> str:
    """The note a page shows under the summary: the user's own words, not a repetition of
    the summary."""
    note = interaction.note or ""
    if interaction.code in NOTE_IN_SUMMARY or note == interaction.summary:
        return ""
    return note


def _day(text: str, language: str) -> str:
    return format_date(date.fromisoformat(text), language)


def _list(numbers: Sequence[str]) -> str:
    return pgettext("between invoice numbers", ", ").join(numbers)


def _written(code: Code, p: dict, language: str) -> str:
    if code is Code.SKIPPED:
        return _("%(step)s skipped: %(reason)s") % {
            "step": step_label(p["step"]),
            "reason": p["reason"],
        }
    if code is Code.WRITTEN_OFF:
        if p.get("note"):
            return _("Wrote off %(invoice)s: %(note)s") % p
        return _("Wrote off %(invoice)s") % p
    if code is Code.PROMISE:
        return _("Promised to pay %(invoices)s by %(date)s") % {
            "invoices": _list(p["invoices"]),
            "date": _day(p["until"], language),
        }
    if code is Code.DISPUTE:
        return _("Disputed %(invoice)s: %(reason)s") % p
    if code is Code.DISPUTE_RESOLVED:
        if p.get("resolution"):
            return _("Dispute about %(invoice)s resolved: %(resolution)s") % p
        return _("Dispute about %(invoice)s resolved") % p
    if code is Code.PLAN:
        count, every = int(p["instalments"]), int(p["every_days"])
        return _("Payment plan for %(invoices)s: %(instalments)s %(every)s, from %(date)s") % {
            "invoices": _list(p["invoices"]),
            "instalments": ngettext("%(n)s instalment", "%(n)s instalments", count)
            % {"n": format_number(count, language)},
            "every": ngettext("every %(n)s day", "every %(n)s days", every)
            % {"n": format_number(every, language)},
            "date": _day(p["first"], language),
        }
    if code is Code.SNOOZE:
        values = {"date": _day(p["until"], language)}
        if p.get("invoice"):
            return _("Snoozed %(invoice)s until %(date)s") % {**values, "invoice": p["invoice"]}
        return _("Snoozed every invoice of %(client)s until %(date)s") % {
            **values,
            "client": p["client"],
        }
    if code is Code.CALL:
        text = _("Call: reached") if p["reached"] else _("Call: not reached")
        if p.get("promised_for"):
            text = _("%(call)s; promised to pay by %(date)s") % {
                "call": text,
                "date": _day(p["promised_for"], language),
            }
        return text
    if code is Code.PORTAL_PAID:
        parts = [
            _("The client says they paid %(invoices)s on %(date)s.")
            % {"invoices": _list(p["invoices"]), "date": _day(p["paid_on"], language)}
        ]
        if p.get("amount"):
            parts.append(_("Amount: %(amount)s.") % {"amount": _amount(p, language)})
        if p.get("reference"):
            parts.append(_("Reference: %(reference)s.") % p)
        if p.get("proof"):
            parts.append(_("Proof of payment attached."))
        return " ".join(parts)
    if code is Code.PORTAL_PLAN_REQUESTED:
        count, every = int(p["instalments"]), int(p["every_days"])
        return _(
            "The client asks for a payment plan for %(invoices)s: %(instalments)s %(every)s."
        ) % {
            "invoices": _list(p["invoices"]),
            "instalments": ngettext("%(n)s instalment", "%(n)s instalments", count)
            % {"n": format_number(count, language)},
            "every": ngettext("every %(n)s day", "every %(n)s days", every)
            % {"n": format_number(every, language)},
        }
    if code is Code.PLAN_REQUEST_APPROVED:
        return _("Approved the client’s request for a payment plan for %(invoices)s.") % {
            "invoices": _list(p["invoices"])
        }
    if code is Code.PLAN_REQUEST_DECLINED:
        return _(
            "Declined the client’s request for a payment plan for %(invoices)s: %(reason)s"
        ) % {
            "invoices": _list(p["invoices"]),
            "reason": p["reason"],
        }
    if code is Code.PAYMENT_CLAIM_CONFIRMED:
        return _("Confirmed the payment the client reported for %(invoices)s.") % {
            "invoices": _list(p["invoices"])
        }
    if code is Code.PAYMENT_CLAIM_REJECTED:
        return _("Not received: the payment the client reported for %(invoices)s.") % {
            "invoices": _list(p["invoices"])
        }
    if code is Code.PORTAL_RECEIVED:
        return _("The client confirms receiving %(invoices)s.") % {"invoices": _list(p["invoices"])}
    if code is Code.MESSAGE_EDITED:
        return _("The “%(step)s” message reworded: %(subject)s") % {
            "step": step_label(p["step"]),
            "subject": p["subject"],
        }
    if code is Code.MESSAGE_RESET:
        return _("The “%(step)s” message is the step’s text again") % {
            "step": step_label(p["step"])
        }
    if code is Code.MESSAGE_RETRIED:
        if p.get("error"):
            return (
                _(
                    "E-mail queued again after it failed: %(subject)s (it had failed with: %(error)s)"
                )
                % p
            )
        return _("E-mail queued again after it failed: %(subject)s") % p
    if code is Code.MESSAGE_MARKED_SENT:
        return _("E-mail marked as sent after its sending was interrupted: %(subject)s") % p
    if code is Code.MESSAGE_SENT_AGAIN:
        return (
            _(
                "E-mail queued again after its sending was interrupted (the client may get it "
                "twice): %(subject)s"
            )
            % p
        )
    if code is Code.DONE:
        return _("Done: %(step)s") % {"step": step_label(p["step"])}
    if code is Code.PORTAL_LINK_REVOKED:
        return _("Revoked the client’s portal link.")
    if code is Code.PORTAL_LINK_RENEWED:
        if p.get("replaced"):
            return _("Made a new portal link; the earlier one no longer works.")
        return _("Made a new portal link.")
    return _("Reply from the client")


def outcome_text(interaction: Interaction, language: str | None = None) -> str:
    """The interaction's `outcome` in `language` (default: the active one): a call's
    promise to pay written by owed, else the outcome as stored."""
    params = interaction.params or {}
    if interaction.code != Code.CALL or not params.get("promised_for"):
        return interaction.outcome
    try:
        language = check_language(language or translation.get_language() or "en")
        with translation.override(language):
            return _("promise to pay by %(date)s") % {
                "date": _day(params["promised_for"], language)
            }
    except (LanguageError, TypeError, ValueError):
        return interaction.outcome


def _amount(p: dict, language: str) -> str:
    try:
        value = Decimal(p["amount"])
    except InvalidOperation:
        return str(p["amount"])
    if p.get("currency"):
        try:
            return format_amount(value, p["currency"], language)
        except MoneyError:
            pass
    return format_number(value, language)


# --- why an action was skipped or changed -------------------------------------------------------

_SNOOZED_UNTIL: Final = "snoozed until "
WRITTEN_OFF_REASON: Final = "the invoice was written off"
"""The reason given to the actions skipped by a write-off."""
SENT_NOW_REASON: Final = "sent now by a user"
"""The reason of an action a user had a step of an invoice's ladder sent for, at once."""
LATER_STEP_SENT_REASON: Final = "a later step was sent now"
"""The reason of a planned step skipped because a user had a later one sent at once."""
DISPUTE_BY_CALL_REASON: Final = "dissatisfied (call)"
"""The reason of a dispute a call opened (the client was dissatisfied) without a note."""


def action_reason_text(reason: str, language: str | None = None) -> str:
    """An action's (or a dispute's) `reason` in `language` (default: the active one) when
    owed wrote it (the ladder's and the services' fixed reasons); a user's own reason as
    it was typed."""
    try:
        language = check_language(language or translation.get_language() or "en")
    except LanguageError:
        return reason
    with translation.override(language):
        if reason.startswith(_SNOOZED_UNTIL):
            try:
                until = date.fromisoformat(reason.removeprefix(_SNOOZED_UNTIL))
            except ValueError:
                return reason
            return _("snoozed until %(date)s") % {"date": format_date(until, language)}
        fixed = {
            WRITTEN_OFF_REASON: _("the invoice was written off"),
            "the due date has passed": _("the due date has passed"),
            "the client responded after the first reminder": _(
                "the client responded after the first reminder"
            ),
            "the client said the invoice was lost": _("the client said the invoice was lost"),
            SENT_NOW_REASON: _("sent now by a user"),
            LATER_STEP_SENT_REASON: _("a later step was sent now"),
            DISPUTE_BY_CALL_REASON: _("the client said on a call that they are dissatisfied"),
        }
        return fixed.get(reason, reason)


def snoozed_reason(until: date) -> str:
    """The reason given to an action skipped by a snooze (English, the day in ISO)."""
    return f"{_SNOOZED_UNTIL}{until.isoformat()}"
