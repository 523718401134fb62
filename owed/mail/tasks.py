"""Mail delivery as Django tasks, run by `owed worker` (django_tasks_db's `db_worker`).

Queueing a message enqueues `deliver_message` after the transaction commits; whoever
records a temporary failure enqueues one follow-up for the next attempt's time. Tasks only
speed delivery up: the outbox is the truth, so a lost task loses nothing, since
`deliver_due` (run by `owed send`, and by `owed worker` when it starts) delivers whatever
is due. A task that finds its message taken, sent or not due does nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from owed.mail import delivery


@task()
def deliver_message(message_id: int) -> str:
    """Deliver one message if it is still queued and due; its status afterwards."""
    outcome = delivery.deliver_message(message_id)
    return outcome.status if outcome is not None else "nothing to do"


@task()
def deliver_due() -> dict:
    """Deliver everything due in every organization (and mark abandoned ones uncertain)."""
    report = delivery.deliver_due()
    return {k: v for k, v in report.as_dict().items() if k != "messages"}


def enqueue_delivery(message_id: int, *, at: datetime | None = None) -> None:
    """Have a worker deliver the message at `at` (now if None or past)."""
    job = deliver_message
    if at is not None and at > timezone.now():
        job = job.using(run_after=at)
    job.enqueue(message_id)
