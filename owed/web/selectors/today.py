"""Today: the actions the runs planned up to today, grouped by step, most important first;
the messages whose delivery failed or was interrupted; and the preview of a planned e-mail
or letter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum

from owed.core import decide as core
from owed.documents.compose import Composed, CompositionError, NothingOwed, compose
from owed.dunning import workload
from owed.dunning.actions import is_message
from owed.dunning.models import Action, ActionLine, ActionReview
from owed.dunning.presenters import step_order
from owed.ledger.models import Client, Invoice, Language, Organization
from owed.ledger.selectors import annotate_balance, invoices_with_balance
from owed.mail.models import Message
from owed.web.labels import step_label

ROWS_PER_GROUP = 100
FAILED_SHOWN = 50


@dataclass(frozen=True, slots=True)
class Line:
    invoice: Invoice
    balance: Decimal
    days_late: int


@dataclass(slots=True)
class Item:
    """One planned action of a row: its invoices, when it was planned for, its forms."""

    action: Action
    lines: list[Line]
    days_overdue: int = 0
    """Days since the day it was planned for, where the organization is: 0 for today's,
    more for an action left over from an earlier day (it is late)."""
    forms: dict = field(default_factory=dict)
    """The page's forms for the action (set by the view)."""
    open_form: str = ""
    """The form shown open (one re-shown with its errors)."""
    preview: Preview | None = None
    """The message's preview, shown open (set by the view for one action at most)."""

    @property
    def is_call(self) -> bool:
        return self.action.step in core.CALL_TASKS

    @property
    def is_task(self) -> bool:
        return self.action.channel_list == ["task"]

    @property
    def is_message(self) -> bool:
        return is_message(self.action)

    @property
    def review(self) -> ActionReview | None:
        try:
            return self.action.review  # select_related by `today_groups`
        except ActionReview.DoesNotExist:
            return None

    @property
    def edited(self) -> bool:
        return self.review is not None and self.review.edited

    @property
    def approved(self) -> bool:
        return self.review is not None and self.review.approved


@dataclass(slots=True)
class Row:
    """A client in a step's group, with its planned actions at that step (two when a step
    was planned on different days for different invoices of the client), newest first."""

    client: Client
    items: list[Item]
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)
    """What the row's invoices still owe, per currency (each invoice once)."""
    days_late: int = 0
    """The most days late of the row's invoices."""
    share: Decimal = Decimal(0)
    """The row's balances as a share of everything owed in their currencies: how much of
    the receivables the client's actions are about, comparable across currencies."""

    @property
    def action(self) -> Action:
        """The newest planned action of the row."""
        return self.items[0].action


@dataclass(slots=True)
class Group:
    step: str
    label: str
    is_task: bool
    rows: list[Row] = field(default_factory=list)
    count: int = 0
    """The group's actions (a row may hold several)."""
    hidden: int = 0
    """The actions of the rows beyond `ROWS_PER_GROUP`, not shown."""

    @property
    def items(self) -> list[Item]:
        return [item for row in self.rows for item in row.items]

    @property
    def to_approve(self) -> list[int]:
        """The ids of the group's messages shown and not approved yet."""
        return [i.action.pk for i in self.items if i.is_message and not i.approved]


def end_of_day(organization: Organization, day: date) -> datetime:
    """The first moment after `day` where the organization is."""
    return workload.end_of_day(organization, day)


def planned_actions(*, organization: Organization, today: date):
    """The organization's planned actions scheduled up to the end of `today` (Today's
    list, as `owed run` counts it: `owed.dunning.workload`)."""
    return workload.planned_up_to(organization=organization, day=today)


def today_groups(*, organization: Organization, today: date) -> list[Group]:
    """Planned actions up to today by step: calls first, then the user's other tasks, then
    what goes out, each in ladder order. In a step, each client once, its actions newest
    first; the client whose invoices are the largest share of the receivables first, then
    the most days late."""
    actions = list(
        planned_actions(organization=organization, today=today).select_related("client", "review")
    )
    if not actions:
        return []
    invoice_ids: dict[int, list[int]] = defaultdict(list)
    for action_id, invoice_id in (
        ActionLine.objects.filter(action__in=[a.pk for a in actions])
        .order_by("id")
        .values_list("action_id", "invoice_id")
    ):
        invoice_ids[action_id].append(invoice_id)
    for action in actions:
        if not invoice_ids[action.pk] and action.invoice_id:
            invoice_ids[action.pk].append(action.invoice_id)
    all_ids = {i for ids in invoice_ids.values() for i in ids}
    invoices = {
        i.pk: i
        for i in annotate_balance(Invoice.objects.filter(organization=organization, pk__in=all_ids))
    }
    outstanding = _outstanding(organization)
    zone = ZoneInfo(organization.timezone)
    groups: dict[str, Group] = {}
    rows: dict[tuple[str, int], Row] = {}
    for action in actions:
        item = Item(
            action=action,
            lines=[
                Line(inv, inv.balance, max(0, (today - inv.due_date).days))
                for inv in (invoices.get(i) for i in invoice_ids[action.pk])
                if inv is not None
            ],
            days_overdue=max(0, (today - action.scheduled_for.astimezone(zone).date()).days),
        )
        group = groups.get(action.step)
        if group is None:
            group = groups[action.step] = Group(
                action.step, step_label(action.step), is_task=item.is_task
            )
        group.count += 1
        row = rows.get((action.step, action.client_id))
        if row is None:
            row = rows[(action.step, action.client_id)] = Row(client=action.client, items=[])
            group.rows.append(row)
        row.items.append(item)
    for row in rows.values():
        _sum_up(row, outstanding)
    ordered = sorted(groups.values(), key=lambda g: (_rank(g), step_order(g.step), g.step))
    for group in ordered:
        group.rows.sort(key=lambda r: (-r.share, -r.days_late, r.client.name, r.action.pk))
        group.hidden = sum(len(r.items) for r in group.rows[ROWS_PER_GROUP:])
        del group.rows[ROWS_PER_GROUP:]
    return ordered


def _sum_up(row: Row, outstanding: dict[str, Decimal]) -> None:
    """Order the row's actions (the newest planned first) and total its invoices, each
    once however many of its actions list it."""
    row.items.sort(key=lambda i: (-i.action.scheduled_for.timestamp(), i.action.pk))
    lines = {line.invoice.pk: line for item in row.items for line in item.lines}.values()
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.invoice.currency] += max(line.balance, Decimal(0))
    row.amounts = sorted(totals.items())
    row.days_late = max((line.days_late for line in lines), default=0)
    row.share = sum(
        (amount / outstanding[c] for c, amount in totals.items() if outstanding.get(c)),
        Decimal(0),
    )


def _rank(group: Group) -> int:
    """Calls first (the user makes them today), then the user's other tasks, then what
    goes out by e-mail or letter."""
    if group.step in core.CALL_TASKS:
        return 0
    return 1 if group.is_task else 2


def _outstanding(organization: Organization) -> dict[str, Decimal]:
    rows = (
        invoices_with_balance(organization=organization)
        .filter(written_off_on=None, balance__gt=0)
        .values("currency")
        .annotate(s=Sum("balance"))
    )
    return {r["currency"]: r["s"] for r in rows}


# --- failed deliveries --------------------------------------------------------------------------


def failed_messages(*, organization: Organization, limit: int = FAILED_SHOWN) -> tuple[list, int]:
    """The organization's messages whose delivery failed for good, latest first (at most
    `limit`), and how many there are in all."""
    failed = Message.objects.filter(organization=organization, status=Message.Status.FAILED)
    shown = list(
        failed.select_related("client", "action")
        .defer("text", "html", "references")
        .order_by("-updated_at", "-id")[:limit]
    )
    total = len(shown) if len(shown) < limit else failed.count()
    return shown, total


def uncertain_messages(
    *, organization: Organization, now: datetime | None = None, limit: int = FAILED_SHOWN
) -> tuple[list, int]:
    """The organization's messages whose sending was interrupted, latest first (at most
    `limit`), and how many there are in all: those marked `uncertain`, and those left
    `sending` past the stale time, which the next `owed send` marks so
    (`owed.mail.delivery.mark_stale`)."""
    from django.db.models import Q
    from django.utils import timezone

    from owed.mail.delivery import stale_after

    cutoff = (now or timezone.now()) - stale_after()
    found = Message.objects.filter(organization=organization).filter(
        Q(status=Message.Status.UNCERTAIN) | Q(status=Message.Status.SENDING, claimed_at__lt=cutoff)
    )
    shown = list(
        found.select_related("client", "action")
        .defer("text", "html", "references")
        .order_by("-updated_at", "-id")[:limit]
    )
    total = len(shown) if len(shown) < limit else found.count()
    return shown, total


# --- the preview of a message ------------------------------------------------------------------


@dataclass(slots=True)
class Preview:
    """A planned e-mail or letter as the outbox would compose it now."""

    action: Action
    composed: Composed | None = None
    problem: str = ""
    """Why it cannot be composed: ``nothing_owed``, ``other`` (see `detail`), or empty."""
    detail: str = ""
    language: str = ""
    edited: bool = False
    no_email: bool = False
    no_postal: bool = False
    form: object = None
    """The edit form (set by the view, for a user who may change things)."""

    @property
    def language_name(self) -> str:
        return dict(Language.choices).get(self.language, self.language)

    @property
    def direction(self) -> str:
        return "rtl" if self.language == "fa" else "ltr"

    @property
    def by_letter(self) -> bool:
        return "letter" in self.action.channel_list

    @property
    def attachments(self) -> list[tuple[int, str]]:
        names = self.composed.attachment_names if self.composed else ()
        return list(enumerate(names))


def message_action(*, organization: Organization, pk: int) -> Action | None:
    """The organization's e-mail or letter action `pk` (whatever its status), or None."""
    action = (
        Action.objects.filter(organization=organization, pk=pk)
        .select_related("organization", "client", "client__organization", "invoice", "review")
        .first()
    )
    return action if action is not None and is_message(action) else None


def action_preview(action: Action) -> Preview:
    """The message of a planned action as it would go now, without rendering its PDFs
    (their names are listed) and without needing the client's address (its lack is
    said)."""
    preview = Preview(action=action)
    try:
        review = action.review
    except ActionReview.DoesNotExist:
        review = None
    preview.edited = review is not None and review.edited
    try:
        composed = compose(action, files=False, require_recipient=False)
    except NothingOwed as exc:
        preview.problem, preview.detail = "nothing_owed", exc.message
        return preview
    except CompositionError as exc:
        preview.problem, preview.detail = "other", exc.message
        return preview
    preview.composed = composed
    preview.language = composed.language
    preview.no_email = not composed.to
    preview.no_postal = preview.by_letter and not action.client.address.strip()
    return preview
