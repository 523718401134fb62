"""Today's collection messages of the demo, sent for real: the demo organization's mail
server is owed's local mail sink (`owed.mail.sink`), which keeps each message it accepts
as a .eml file, and the letters are written as PDF files, ready to print.

What the month of history decided before today counts as sent on its day (the demo never
ran `owed send` then); today's e-mail and letter actions go through `queue_due` and the
outbox's delivery like a user's. Left in the data folder:

    <data>/demo-mail/*.eml        every message of today, as the sink received it
    <data>/demo-letters/*.pdf     every letter of today (formal notices, credit holds...)

The mail server stays set to 127.0.0.1 on the sink's port (8025 when it is free), so
`owed mail-sink --dir <data>/demo-mail --port 8025` with `owed send` carries on later.
"""

from __future__ import annotations

import contextlib
import socket
from datetime import date
from pathlib import Path

from django.db.models import Q

from owed.dunning.models import Action
from owed.ledger.models import Organization

SINK_PORT = 8025
"""The port `owed mail-sink` listens on by default."""


def send_today(organization: Organization, *, today: date, folder: Path) -> dict:
    """Queue and deliver the demo's messages of `today` into a sink kept in `folder`."""
    from owed.documents.outbox import queue_due
    from owed.mail.delivery import deliver_due
    from owed.mail.services import mail_server_set
    from owed.mail.sink import Sink

    mail_dir, letters_dir = folder / "demo-mail", folder / "demo-letters"
    _clear(mail_dir, "*.eml")
    _clear(letters_dir, "*.pdf")
    messages = Q(channels__contains="email") | Q(channels__contains="letter")
    mine = Action.objects.filter(organization=organization, status=Action.Status.PLANNED)
    mine.filter(messages, decided_on__lt=today).update(
        status=Action.Status.SENT, note="sent on its day (demo history)"
    )
    # The demo's clock runs through the day: each client's actions are composed, queued
    # and delivered at the start of its contact hours, in its own time zone, as
    # `owed send` run from cron would do them.
    moments = sorted(
        set(mine.filter(messages, decided_on=today).values_list("scheduled_for", flat=True))
    )
    outcomes, sent = [], 0
    with _sink(Sink, mail_dir) as sink:
        mail_server_set(
            organization=organization,
            host=sink.host,
            port=sink.port,
            security="none",
            from_address=organization.email or "billing@demo.example",
            from_name=organization.name,
            timeout=10,
        )
        for moment in moments:
            outcomes += queue_due(
                organization=organization, now=moment, letters=letters_dir
            ).outcomes
            sent += len(deliver_due(organization=organization, now=moment).sent)
        sink.wait_for(sent)
    queued = [o for o in outcomes if o.status == "queued"]
    return {
        "mail_folder": str(mail_dir),
        "letters_folder": str(letters_dir),
        "messages": sent,
        "letters": sum(1 for o in queued if o.letter),
        "languages": _languages(organization, queued),
        "not_sent": [
            {"client": o.client, "step": o.step, "why": "; ".join(o.notes)}
            for o in outcomes
            if o.status == "failed"
        ],
        "mail_server": f"{sink.host}:{sink.port}",
    }


def _languages(organization: Organization, queued: list) -> dict[str, dict[str, int]]:
    """For each language, how many of the day's messages and letters were written in it."""
    languages = dict(
        Action.objects.filter(
            organization=organization, pk__in=[o.action for o in queued]
        ).values_list("pk", "client__language")
    )
    found: dict[str, dict[str, int]] = {}
    for outcome in queued:
        language = languages.get(outcome.action) or organization.language
        counts = found.setdefault(language, {"messages": 0, "letters": 0})
        counts["messages"] += 1
        counts["letters"] += bool(outcome.letter)
    return dict(sorted(found.items()))


def _clear(folder: Path, pattern: str) -> None:
    """Remove what an earlier demo left, so the folder holds this demo's files only."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob(pattern):
        path.unlink()


@contextlib.contextmanager
def _sink(sink_class, directory: Path):
    """The sink on `SINK_PORT`, or on any free port when something else listens there
    (also when another process took the port between the check and the sink's start)."""
    if _free(SINK_PORT):
        sink = sink_class(directory, port=SINK_PORT, faults=False)
        try:
            sink.start()
        except RuntimeError:
            pass
        else:
            try:
                yield sink
            finally:
                sink.stop()
            return
    with sink_class(directory, port=0, faults=False) as sink:
        yield sink


def _free(port: int) -> bool:
    with socket.socket() as probe:
        # As a listening server binds (a port left in TIME_WAIT by the last demo is free).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
