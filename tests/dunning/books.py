"""A ledger to chase and daily runs over it, for the collections engine tests.

`Books` builds clients, contracts and invoices through the ledger's own services, runs
`collections_run` day after day as the daily job does, and reads back what the run
recorded, so that a scenario reads like the playbook: "the invoice is due on 19 March;
the run of 20 March sends the reminder".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from owed.core.decide import is_contact
from owed.core.ladder import Channel
from owed.dunning.models import Action, ActionLine
from owed.dunning.run import RunReport, collections_run
from owed.ledger.models import Client, Contract, Invoice, Organization
from owed.ledger.selectors import annotate_balance
from owed.ledger.services import LineInput, invoice_create, payment_record

CURRENCIES = {"GB": "GBP", "VN": "VND", "IR": "IRR", "TH": "THB", "US": "USD"}
LANGUAGES = {"VN": "vi", "IR": "fa", "TH": "th"}
CONTACTS = ("planned", "sent", "done")


def day(text: str) -> date:
    return date.fromisoformat(text)


def days(start: date, end: date):
    """Every day from `start` to `end`, both included."""
    current = start
    while current <= end:
        yield current
        current += timedelta(days=1)


@dataclass
class Books:
    org: Organization

    # --- the ledger -----------------------------------------------------------------------

    def client(
        self, code: str, country: str, *, kind: str = "business", timezone: str = ""
    ) -> Client:
        return Client.objects.create(
            organization=self.org,
            code=code,
            name=f"Client {code}",
            country=country,
            kind=kind,
            timezone=timezone,
            language=LANGUAGES.get(country, "en"),
            currency=CURRENCIES[country],
        )

    def contract(self, client: Client, code: str, *, work_stop_grace_days: int | None) -> Contract:
        return Contract.objects.create(
            organization=self.org,
            client=client,
            code=code,
            title=f"Contract {code}",
            price=Decimal(1000),
            currency=client.currency,
            work_stop_grace_days=work_stop_grace_days,
        )

    def invoice(
        self,
        client: Client,
        number: str,
        due: date | str,
        amount: int | str = 1000,
        *,
        contract: Contract | None = None,
    ) -> Invoice:
        due = day(due) if isinstance(due, str) else due
        return invoice_create(
            organization=self.org,
            client=client,
            number=number,
            issue_date=due - timedelta(days=30),
            due_date=due,
            currency=client.currency,
            lines=[LineInput("Design work", Decimal(1), Decimal(amount))],
            contract=contract,
        )

    def pay(self, invoice: Invoice, on: date | str, amount: int | str | None = None) -> None:
        """The client pays `amount` (default: everything still owed) on the invoice."""
        on = day(on) if isinstance(on, str) else on
        if amount is None:
            amount = annotate_balance(Invoice.objects.filter(pk=invoice.pk)).get().balance
        payment_record(
            organization=self.org,
            client=invoice.client,
            date=on,
            amount=Decimal(amount),
            currency=invoice.currency,
            invoices=[invoice],
        )

    # --- the runs -------------------------------------------------------------------------

    def run(self, on: date | str, **options) -> RunReport:
        on = day(on) if isinstance(on, str) else on
        return collections_run(organization=self.org, as_of=on, **options)

    def run_daily(self, start: date | str, end: date | str) -> list[RunReport]:
        """One run a day from `start` to `end`, both included, as the scheduled job does."""
        start = day(start) if isinstance(start, str) else start
        end = day(end) if isinstance(end, str) else end
        return [self.run(d) for d in days(start, end)]

    # --- what was recorded ----------------------------------------------------------------

    def actions(self, **filters) -> list[Action]:
        return list(
            Action.objects.filter(organization=self.org, **filters)
            .select_related("merged_into")
            .order_by("decided_on", "id")
        )

    def trail(self, **filters) -> list[tuple[str, str, str]]:
        """What was recorded, in order, as (step, status, day of the run) triples."""
        return [(a.step, a.status, a.decided_on.isoformat()) for a in self.actions(**filters)]

    @staticmethod
    def lines(action: Action) -> list[tuple[str, int]]:
        """The invoices an action lists, with their days overdue."""
        return [
            (line.invoice.number, line.days_overdue)
            for line in ActionLine.objects.filter(action=action).select_related("invoice")
        ]

    def contacts_a_day(self, client: Client) -> set[int]:
        """How many contacts (messages, letters, calls) the client got on the days it got
        any; `{1}` means never more than one a day."""
        per_day = Counter(
            a.decided_on
            for a in self.actions(client=client, status__in=CONTACTS)
            if is_contact(a.step, [Channel(c) for c in a.channel_list])
        )
        return set(per_day.values())

    def contacts_on(self, client: Client, on: str) -> list[str]:
        """The steps that reached the client on the day `on`."""
        return [
            a.step
            for a in self.actions(client=client, status__in=CONTACTS, decided_on=day(on))
            if is_contact(a.step, [Channel(c) for c in a.channel_list])
        ]

    @staticmethod
    def local(action: Action) -> datetime:
        """When the action is scheduled, in the client's own time zone."""
        return action.scheduled_for.astimezone(ZoneInfo(action.timezone))
