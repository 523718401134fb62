"""Sending one step of an invoice's ladder now, as a user decides (the invoice page,
`owed send INVOICE --step STEP`, the API): a fresh copy of the invoice, a reminder, the
formal notice... through the same outbox as the daily run and Today's "Send now".

The step is recorded under the key the run uses (``invoice:<id>:<step>``, see
`owed.core.decide`), so the run never takes it again and the ladder goes on from it. A
step the run has planned already is that planned action, sent now. A step taken already
(sent, done, or merged into another message) is refused, except an invoice copy, which
may go again; a step that was skipped or failed (nothing reached the client) may be sent
now. Those go under a key of their own for the day (``manual:<invoice>:<step>:<day>``),
so that a second click, or a second user, never sends them twice. What the run planned
for the invoice alone at an earlier step is skipped: the ladder never goes backwards.

The credit hold and the work stop are the run's: their letters go with the hold or stop
they announce, which only the run puts in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from owed.core import decide as core
from owed.core import localize
from owed.core.ladder import Condition, Step
from owed.core.ladder import Policy as CorePolicy
from owed.dunning import snapshot, summaries
from owed.dunning.actions import SentNow, deliver_now, queue_now
from owed.dunning.labels import step_label
from owed.dunning.models import Action, ActionLine, ClientPolicy, Dispute
from owed.dunning.models import Policy as StoredPolicy
from owed.dunning.records import replan
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.selectors import annotate_balance
from owed.ledger.zones import country_zone


class StepRefused(OwedError):
    """The step cannot go because of what was done already: the step taken, the invoice
    written off or disputed (the API answers 409)."""


RUN_ONLY = frozenset({core.CREDIT_HOLD, core.WORK_STOP})
"""Steps only the run takes: their letters announce a hold or a work stop it puts in place."""

REPEATABLE = frozenset({"invoice_copy"})
"""Steps that may be sent again for the same invoice (once a day)."""

MESSAGE_CHANNELS = frozenset({"email", "letter"})


def client_policy(*, organization: Organization, client: Client) -> CorePolicy:
    """The policy that chases the client: its own, else its segment's, else the default."""
    default, by_name = snapshot.policies(organization)
    own = (
        ClientPolicy.objects.filter(client=client, policy__organization=organization)
        .values_list("policy__name", flat=True)
        .first()
    )
    if own is None:
        for stored in (
            StoredPolicy.objects.filter(organization=organization)
            .exclude(countries="", client_kind="")
            .order_by("name")
        ):
            if stored.covers(client.country, client.kind):
                own = stored.name
                break
    return by_name.get(own, default) if own else default


_NOTHING_WENT = frozenset({Action.Status.SKIPPED, Action.Status.FAILED})
"""What became of a step that reached nobody: it may be sent now."""


@dataclass(frozen=True, slots=True)
class StepChoice:
    """A step of the invoice's ladder that sends a message, and whether it can go now."""

    step: Step
    taken: Action | None
    """The invoice's record of the step under the run's key, if any."""
    last: Action | None
    """The latest action of the step for the invoice (the run's or a user's) that went or
    is planned; None when none did."""
    state: str
    """``new`` (never taken), ``planned`` (the run's planned action goes now), ``again``
    (it goes now: an invoice copy, or a step that was skipped or failed), ``today`` (an
    invoice copy that went today already) or ``taken`` (a step goes once per invoice)."""

    @property
    def code(self) -> str:
        return self.step.code

    @property
    def can_go(self) -> bool:
        """Sending it now is not refused for what became of it."""
        return self.state in ("new", "planned", "again")

    @property
    def shown(self) -> Action | None:
        """The action a list of steps says something about."""
        return self.last or self.taken


def _is_message(step: Step) -> bool:
    return bool(MESSAGE_CHANNELS & {c.value for c in step.channels})


def _offered(step: Step, invoice: Invoice, today: date) -> bool:
    """The step can be sent by hand for this invoice at all (see `step_choices`)."""
    if not _is_message(step) or step.code in RUN_ONLY:
        return False
    if Condition.WORK_STOP_CLAUSE in step.conditions and not _has_clause(invoice):
        return False
    return _in_time(step, invoice, today)


def _in_time(step: Step, invoice: Invoice, today: date) -> bool:
    """The step makes sense today: an invoice copy at any time, a reminder before the due
    date only before it, any other step once its day (the due date and its offset) came."""
    if step.code in REPEATABLE:
        return True
    if step.offset_days < 0:
        return today < invoice.due_date
    return _step_day(step, invoice) <= today


def _step_day(step: Step, invoice: Invoice) -> date:
    return invoice.due_date + timedelta(days=step.offset_days)


def _day(value: date) -> str:
    """A date in the active language and its calendar."""
    try:
        language = localize.check_language(translation.get_language() or "en")
    except localize.LanguageError:
        language = "en"
    return localize.format_date(value, language)


def _has_clause(invoice: Invoice) -> bool:
    contract = invoice.contract if invoice.contract_id else None
    return contract is not None and contract.work_stop_grace_days is not None


def _manual_key(invoice: Invoice, code: str, today: date) -> str:
    return f"{_manual_prefix(invoice)}{code}:{today.isoformat()}"


def _manual_prefix(invoice: Invoice) -> str:
    return f"manual:{invoice.pk}:"


def _choice(step: Step, taken: Action | None, sent: list[Action], today: date) -> StepChoice:
    """`sent`: the step's actions a user had sent for the invoice, oldest first."""
    went = [a for a in (taken, *sent) if a is not None and a.status not in _NOTHING_WENT]
    last = max(went, key=lambda a: (a.decided_on, a.pk), default=None)
    if taken is not None and taken.status == Action.Status.PLANNED:
        state = "planned"
    elif last is None:
        state = "new" if taken is None else "again"
    elif step.code not in REPEATABLE:
        state = "taken"
    else:
        state = "today" if last.decided_on >= today else "again"
    return StepChoice(step, taken, last, state)


def step_choices(*, organization: Organization, invoice: Invoice, today: date) -> list[StepChoice]:
    """The steps of the invoice's policy a user may send now, in ladder order, each with
    what became of it: the steps that send an e-mail or a letter, without the credit hold
    and the work stop (the run's), a step for contracts with a work-stop clause when the
    invoice has none, and a step that makes no sense today: one whose day (the due date
    and its offset) has not come, or a reminder before the due date once that date came.
    An invoice copy may go at any time."""
    policy = client_policy(organization=organization, client=invoice.client)
    steps = [s for s in policy.steps if _offered(s, invoice, today)]
    keys = {core.invoice_key(invoice.pk, s.code): s for s in steps}
    prefix = _manual_prefix(invoice)
    taken: dict[str, Action] = {}
    sent: dict[str, list[Action]] = {s.code: [] for s in steps}
    for action in (
        Action.objects.filter(organization=organization)
        .filter(Q(key__in=list(keys)) | Q(key__startswith=prefix))
        .select_related("merged_into")
        .order_by("decided_on", "id")
    ):
        if action.key in keys:
            taken[action.key] = action
        elif action.step in sent:
            sent[action.step].append(action)
    return [_choice(step, taken.get(key), sent[step.code], today) for key, step in keys.items()]


def _today(organization: Organization, now: datetime) -> date:
    try:
        zone = ZoneInfo(organization.timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return timezone.localdate(now, zone)


def _open_invoice(organization: Organization, invoice: Invoice) -> Invoice:
    """The organization's invoice, locked, with its balance; refused when nothing may be
    sent about it."""
    mine = Invoice.objects.filter(organization=organization, pk=invoice.pk)
    # Two users sending a step of the same invoice at once: one after the other.
    if not list(mine.select_for_update().values_list("pk", flat=True)):
        raise OwedError(_("No such invoice."))
    found = (
        annotate_balance(mine).select_related("client", "contract", "client__organization").first()
    )
    if found is None:
        raise OwedError(_("No such invoice."))
    number = {"number": found.number}
    if found.written_off_on is not None:
        raise StepRefused(_("Invoice %(number)s is written off: nothing is chased on it.") % number)
    if found.balance <= 0:
        raise OwedError(
            _("Nothing is owed on invoice %(number)s: there is nothing to send.") % number
        )
    if Dispute.objects.filter(invoice=found, resolved_on=None).exists():
        raise StepRefused(
            _(
                "Invoice %(number)s has an open dispute: resolve it first (its reminders "
                "pause while it is open)."
            )
            % number
        )
    return found


def _chosen(organization: Organization, invoice: Invoice, code: str, today: date) -> StepChoice:
    code = (code or "").strip()
    policy = client_policy(organization=organization, client=invoice.client)
    if code not in policy.codes:
        known = ", ".join(s.code for s in policy.steps if _offered(s, invoice, today))
        raise OwedError(
            _("The policy %(policy)s has no step “%(code)s”; steps that can be sent: %(known)s.")
            % {"policy": policy.name, "code": code, "known": known or "-"}
        )
    step = policy.step(code)
    values = {"step": step_label(code), "number": invoice.number}
    if not _is_message(step):
        raise OwedError(_("“%(step)s” is a task: it sends no message.") % values)
    if code in RUN_ONLY:
        raise OwedError(
            _(
                "“%(step)s” goes with the hold it announces, which only the daily run puts "
                "in place: it cannot be sent by hand."
            )
            % values
        )
    if Condition.WORK_STOP_CLAUSE in step.conditions and not _has_clause(invoice):
        raise OwedError(_("Invoice %(number)s has no contract with a work-stop clause.") % values)
    if not _in_time(step, invoice, today):
        if step.offset_days < 0:
            raise OwedError(
                _("Invoice %(number)s is past its due date: “%(step)s” is too late.") % values
            )
        raise OwedError(
            _("“%(step)s” of invoice %(number)s can go from %(date)s, not before.")
            % {**values, "date": _day(_step_day(step, invoice))}
        )
    [choice] = [
        c
        for c in step_choices(organization=organization, invoice=invoice, today=today)
        if c.code == code
    ]
    return choice


def _refusal(invoice: Invoice, choice: StepChoice) -> str:
    last = choice.last
    head = last.merged_into if last.status == Action.Status.MERGED else None
    values = {"step": step_label(choice.code), "number": invoice.number}
    if choice.state == "today":
        return (
            _("“%(step)s” of invoice %(number)s went today already: it may go again tomorrow.")
            % values
        )
    if head is not None:
        values |= {"other": step_label(head.step), "date": _day(head.decided_on)}
        if head.status == Action.Status.PLANNED:
            return (
                _(
                    "“%(step)s” of invoice %(number)s goes with the message “%(other)s” "
                    "planned for %(date)s: send that one now from Today."
                )
                % values
            )
        return (
            _("“%(step)s” of invoice %(number)s went with the message “%(other)s” of %(date)s.")
            % values
        )
    values["date"] = _day(last.decided_on)
    if last.status == Action.Status.SENT:
        return _("“%(step)s” of invoice %(number)s was sent on %(date)s.") % values
    if last.status == Action.Status.DONE:
        return _("“%(step)s” of invoice %(number)s was done on %(date)s.") % values
    return _("“%(step)s” of invoice %(number)s is planned for %(date)s already.") % values


def _zone_name(organization: Organization, client: Client) -> str:
    return client.timezone or country_zone(client.country) or organization.timezone


def _record(
    organization: Organization,
    invoice: Invoice,
    choice: StepChoice,
    *,
    key: str,
    kind: str,
    today: date,
    now: datetime,
) -> Action:
    """A planned action for the step of this invoice, to be sent at once; refused when
    the key is taken (a second click, or another user a moment before)."""
    step = choice.step
    try:
        with transaction.atomic():
            action = Action.objects.create(
                organization=organization,
                key=key,
                kind=kind,
                client=invoice.client,
                invoice=invoice,
                subject_id=invoice.pk,
                step=step.code,
                channels=",".join(c.value for c in step.channels),
                decided_on=today,
                scheduled_for=now,
                timezone=_zone_name(organization, invoice.client),
                reason=summaries.SENT_NOW_REASON,
            )
    except IntegrityError:
        raise StepRefused(
            _("“%(step)s” of invoice %(number)s was sent today already.")
            % {"step": step_label(step.code), "number": invoice.number}
        ) from None
    ActionLine.objects.create(
        action=action,
        invoice=invoice,
        days_overdue=(today - invoice.due_date).days,
        balance=invoice.balance,
    )
    return action


def _supersede_earlier(organization: Organization, invoice: Invoice, sent: Action) -> None:
    """Skip what the run planned for this invoice alone at an earlier step of its ladder:
    after a formal notice, say, a reminder planned for tomorrow would go backwards."""
    codes = [s.code for s in client_policy(organization=organization, client=invoice.client).steps]
    if sent.step not in codes:
        return
    earlier = codes[: codes.index(sent.step)]
    planned = (
        Action.objects.filter(
            organization=organization,
            invoice=invoice,
            kind=core.Kind.LADDER,
            status=Action.Status.PLANNED,
            step__in=earlier,
        )
        .exclude(pk=sent.pk)
        .prefetch_related("lines")
    )
    alone = [a.pk for a in planned if {line.invoice_id for line in a.lines.all()} <= {invoice.pk}]
    if alone:
        Action.objects.filter(pk__in=alone, status=Action.Status.PLANNED).update(
            status=Action.Status.SKIPPED,
            reason=summaries.LATER_STEP_SENT_REASON,
            updated_at=timezone.now(),
        )


def invoice_step_send(
    *,
    organization: Organization,
    invoice: Invoice,
    step: str,
    by=None,
    now: datetime | None = None,
) -> SentNow:
    """Send the step `step` of the invoice's ladder now: the action for it is recorded (or
    the run's planned one taken), composed, queued and logged in one transaction, then
    delivered (`owed.dunning.actions.action_send_now`: at once within the client's contact
    hours, else at their start).

    Refused, changing nothing: nothing owed, the invoice written off, an open dispute, a
    step that is a task or the run's own, a step taken already that may not repeat (see
    the module), no e-mail address (for a letter, no postal address). Not inside a
    transaction: delivery claims the message in one of its own.
    """
    now = now or timezone.now()
    if invoice.organization_id != organization.pk:
        raise OwedError(_("No such invoice."))
    today = _today(organization, now)
    with transaction.atomic():
        invoice = _open_invoice(organization, invoice)
        choice = _chosen(organization, invoice, step, today)
        if choice.state == "planned":
            action = choice.taken
        elif choice.state == "new":
            action = _record(
                organization,
                invoice,
                choice,
                key=core.invoice_key(invoice.pk, choice.code),
                kind=core.Kind.LADDER.value,
                today=today,
                now=now,
            )
        elif choice.state == "again":
            action = _record(
                organization,
                invoice,
                choice,
                key=_manual_key(invoice, choice.code, today),
                kind="manual",
                today=today,
                now=now,
            )
        else:
            raise StepRefused(_refusal(invoice, choice))
        message = queue_now(organization=organization, action=action, by=by, now=now)
        if choice.state in ("new", "planned"):
            _supersede_earlier(organization, invoice, action)
        # The ladder moved: the next run looks at the invoice again.
        replan([invoice.pk])
    return deliver_now(organization=organization, action=action, message=message, now=now)
