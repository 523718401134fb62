"""From planned actions to the outbox: `queue_due` composes every e-mail and letter action
whose time has come into a queued mail message, once.

Each action is one transaction: its message is queued (`owed.mail.services.queue_message`,
one message per action), the action becomes ``sent`` (handed to the outbox: the
message's own status says whether it was delivered) and an outgoing `Interaction` is
logged. Running it again finds nothing left to do for those actions.

An action that cannot be composed does not stop the others: it becomes ``failed`` with
the reason in its note (no e-mail address, a text that cannot be filled in), or
``skipped`` when nothing is owed any more on its invoices or a later step of the same
client supersedes it (a backlog is never sent all at once). A message goes out at the
first moment the client's contact rules allow (owed.core.calendar), now or later.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from owed.core.calendar import first_allowed_moment
from owed.documents.compose import Composed, compose
from owed.documents.pdf import safe_name
from owed.documents.values import NothingOwed
from owed.dunning.models import Action, Interaction
from owed.errors import OwedError
from owed.ledger.models import Organization
from owed.mail.services import queue_message

log = logging.getLogger("owed.documents")

# Kinds whose message a later one of the same client about the same invoices makes stale.
_SUPERSEDED_KINDS = frozenset({"ladder", "instalment", "manual"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `queue_due` did with one action."""

    action: int
    organization: str
    client: str
    step: str
    status: str
    """queued, failed or skipped; with a dry run: would_queue, would_fail, would_skip."""
    subject: str = ""
    to: str = ""
    message: int | None = None
    attachments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    letter: str = ""
    """Where the letter's PDF was written, for a letter step (see `queue_due`)."""

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "organization": self.organization,
            "client": self.client,
            "step": self.step,
            "status": self.status,
            "subject": self.subject,
            "to": self.to,
            "message": self.message,
            "attachments": list(self.attachments),
            "notes": list(self.notes),
            "letter": self.letter,
        }


@dataclass
class QueueReport:
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False

    def _with(self, *statuses: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def queued(self) -> list[Outcome]:
        return self._with("queued", "would_queue")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed", "would_fail")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skipped", "would_skip")

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "queued": len(self.queued),
            "failed": len(self.failed),
            "skipped": len(self.skipped),
            "actions": [o.as_dict() for o in self.outcomes],
        }


def actions_due(*, organization: Organization | None, now: datetime, awaiting: bool = False):
    """Planned e-mail and letter actions whose time has come, oldest first. An
    organization that reviews what it sends (`review_before_sending`) sends only those a
    user approved; `awaiting=True` lists the others instead."""
    due = Action.objects.filter(status=Action.Status.PLANNED, scheduled_for__lte=now).filter(
        Q(channels__contains="email") | Q(channels__contains="letter")
    )
    approved = Q(organization__review_before_sending=False) | Q(review__approved_at__isnull=False)
    due = due.exclude(approved) if awaiting else due.filter(approved)
    if organization is not None:
        due = due.filter(organization=organization)
    return due.select_related(
        "organization", "client", "client__organization", "invoice", "review"
    ).order_by("scheduled_for", "id")


def queue_due(
    *,
    organization: Organization | None,
    now: datetime | None = None,
    dry_run: bool = False,
    letters: Path | None = None,
) -> QueueReport:
    """Compose every due e-mail or letter action of `organization` (None: of all) into
    a queued message; with `dry_run`, compose them and write nothing.

    With `letters`, the PDF of each letter queued is also written to that folder (to print
    and post), named ``<day>-<client id>-<step>.pdf``.
    """
    now = now or timezone.now()
    report = QueueReport(dry_run=dry_run)
    due = list(actions_due(organization=organization, now=now).prefetch_related("lines"))
    by_client: dict[int, list[Action]] = defaultdict(list)
    for action in due:
        by_client[action.client_id].append(action)
    for action in due:
        newer = _superseded_by(action, by_client[action.client_id])
        if newer is not None:
            note = f"superseded by the later {newer.step} decided on {newer.decided_on}: not sent"
            report.outcomes.append(_settle(action, "skipped", note, dry_run))
            continue
        report.outcomes.append(_queue_one(action, now, dry_run, letters))
    return report


def _superseded_by(action: Action, due: list[Action]) -> Action | None:
    """A due step of the same client (`due` holds the client's) decided later that lists
    every invoice `action` lists: it says all `action` would, further up the ladder."""
    if action.kind not in _SUPERSEDED_KINDS:
        return None
    listed = {line.invoice_id for line in action.lines.all()}
    for other in due:
        if (
            other.client_id == action.client_id
            and other.kind in _SUPERSEDED_KINDS
            and other.decided_on > action.decided_on
            and listed <= {line.invoice_id for line in other.lines.all()}
        ):
            return other
    return None


def _queue_one(action: Action, now: datetime, dry_run: bool, letters: Path | None) -> Outcome:
    zone = _zone(action)
    today = now.astimezone(zone).date()
    try:
        composed = compose(action, today=today)
    except NothingOwed as exc:
        return _settle(action, "skipped", exc.message, dry_run)
    except OwedError as exc:
        return _settle(action, "failed", f"not sent: {exc.message}", dry_run)
    except Exception as exc:  # one action's bug must not stop the others' messages
        log.exception("composing action %s failed", action.pk)
        return _settle(action, "failed", f"not sent: {type(exc).__name__}: {exc}", dry_run)
    if dry_run:
        return _outcome(action, "would_queue", composed)
    return queue_composed(action, composed, now=now, letters=letters)


def queue_composed(
    action: Action, composed: Composed, *, now: datetime, letters: Path | None = None
) -> Outcome:
    """Queue the composed message of a planned action (once: an action taken meanwhile is
    left alone), to go out at the first moment from `now` the client may be contacted."""
    zone = _zone(action)
    today = now.astimezone(zone).date()
    send_at = _send_at(action, now, zone)
    try:
        with transaction.atomic():
            taken = Action.objects.filter(pk=action.pk, status=Action.Status.PLANNED).update(
                status=Action.Status.SENT,
                note="\n".join(composed.notes),
                updated_at=timezone.now(),
            )
            if not taken:  # another `owed send` took it a moment ago
                return _outcome(action, "skipped", composed, notes=("taken by another run",))
            message = queue_message(
                organization=action.organization,
                client=action.client,
                action=action,
                subject=composed.subject,
                text=composed.text,
                html=composed.html,
                to=list(composed.to),
                cc=list(composed.cc),
                attachments=composed.attachments,
                send_at=send_at,
            )
            _log(action, composed, today)
    except OwedError as exc:
        return _settle(action, "failed", f"not sent: {exc.message}", False)
    where = ""
    if letters is not None and composed.letter is not None:
        letters.mkdir(parents=True, exist_ok=True)
        client = safe_name(action.client.code, "client")
        path = letters / f"{today.isoformat()}-{client}-{action.step}.pdf"
        path.write_bytes(composed.letter.content)
        where = str(path)
    return _outcome(action, "queued", composed, message=message.pk, letter=where)


def _zone(action: Action) -> ZoneInfo:
    """Where the client is: its day and contact hours are counted there."""
    own = action.client.zone_name(action.organization.timezone)
    for name in (own, action.timezone, "UTC"):
        try:
            return ZoneInfo(name)
        except (ValueError, KeyError):
            continue
    return ZoneInfo("UTC")


def _send_at(action: Action, now: datetime, zone: ZoneInfo) -> datetime:
    """Now, or the first moment after it when the client may be contacted."""
    client = action.client
    try:
        return first_allowed_moment(
            on_or_after=now, country=client.country or "ZZ", client_kind=client.kind, tz=zone.key
        )
    except ValueError:
        return now


def _log(action: Action, composed: Composed, today: date) -> None:
    channels = action.channel_list
    channel = (
        Interaction.Channel.LETTER
        if "letter" in channels and "email" not in channels
        else Interaction.Channel.EMAIL
    )
    if Interaction.objects.filter(action=action, direction=Interaction.Direction.OUT).exists():
        return
    Interaction.objects.create(
        organization=action.organization,
        client=action.client,
        invoice=action.invoice,
        action=action,
        channel=channel,
        direction=Interaction.Direction.OUT,
        happened_on=today,
        summary=composed.subject[:300],
        note=f"To: {', '.join(composed.to)}"
        + (f"\nCc: {', '.join(composed.cc)}" if composed.cc else ""),
    )


def _settle(action: Action, status: str, note: str, dry_run: bool) -> Outcome:
    """Record that the action was not sent, and why (nothing is written on a dry run)."""
    if not dry_run:
        new = Action.Status.SKIPPED if status == "skipped" else Action.Status.FAILED
        Action.objects.filter(pk=action.pk, status=Action.Status.PLANNED).update(
            status=new, note=note, updated_at=timezone.now()
        )
    shown = f"would_{'skip' if status == 'skipped' else 'fail'}" if dry_run else status
    return Outcome(
        action=action.pk,
        organization=action.organization.slug,
        client=action.client.code,
        step=action.step,
        status=shown,
        notes=(note,),
    )


def _outcome(
    action: Action,
    status: str,
    composed: Composed,
    *,
    message: int | None = None,
    notes: tuple[str, ...] | None = None,
    letter: str = "",
) -> Outcome:
    return Outcome(
        action=action.pk,
        organization=action.organization.slug,
        client=action.client.code,
        step=action.step,
        status=status,
        subject=composed.subject,
        to=", ".join(composed.to),
        message=message,
        attachments=composed.attachment_names,
        notes=composed.notes if notes is None else notes,
        letter=letter,
    )
