"""The demo generator: clients, contracts, invoices and payments, planned in memory.

`Generator.run` draws everything from one seeded `random.Random` and the day the demo is
built for, in a fixed order, so the same seed and day always give the same plan: clients
with their payment habits, contracts with milestones and change orders, about 400 invoices,
and the payments that settle them (late, in part, twice, or not at all).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from owed.core import invoicing
from owed.core.money import percent_of
from owed.demo.data import (
    AGREEMENTS,
    BANK_FEE,
    CATALOGUE,
    CHANGE_ORDERS,
    CLIENTS,
    COUNTRIES,
    NOTES_BY_COUNTRY,
    PERSON_NOTES,
    PERSONAL_PROJECTS,
    PROFILE_NOTES,
    PROJECTS,
    RETAINERS,
    SCHEDULES,
    SHOWCASE_LETTERS,
    SHOWCASE_REMINDERS,
    SINGLE_PAYMENT,
    Item,
)
from owed.demo.people import client_contacts, tax_id
from owed.demo.plan import (
    ClientPlan,
    ContractPlan,
    InvoicePlan,
    MilestonePlan,
    PaymentPlan,
    friendly_part,
    late_terms,
    local_price,
    month_start,
    next_day_of_month,
    round_to,
)
from owed.ledger.models import Client, Contract, Milestone

TARGET_INVOICES = 400

_D = Milestone.DueRule


class Generator:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.clients: list[ClientPlan] = []
        self.contracts: list[ContractPlan] = []
        self.invoices: list[InvoicePlan] = []
        self.payments: list[PaymentPlan] = []
        self.overpaid = 0
        self.showcase: list[ClientPlan] = []
        """The clients whose invoices reach a reminder or a letter today, on purpose."""

    def run(self) -> None:
        self._clients()
        self._contracts()
        self._contract_invoices()
        self._recent_invoices()
        self._showcase_invoices()
        self._adhoc_invoices()
        self._under_agreements()
        self._number_invoices()
        self._force_write_offs()
        self._settle()

    # Clients and contacts.

    def _clients(self) -> None:
        rng = self.rng
        profiles = ("prompt", "late", "slow")
        for i, row in enumerate(CLIENTS):
            country = COUNTRIES[row.country]
            business = row.kind == Client.Kind.BUSINESS
            profile = rng.choices(profiles, weights=(35, 40, 25))[0]
            if row.country == "IR" and profile == "prompt":
                profile = "late"
            pay_day = rng.choice((25, 15)) if business and rng.random() < 0.3 else None
            pool = NOTES_BY_COUNTRY if business else PERSON_NOTES
            notes = [rng.choice(pool[row.country])]
            notes.append(PROFILE_NOTES[profile])
            if pay_day:
                notes.append(f"Pays supplier invoices on the {pay_day}th of each month.")
            code = (row.key or f"{row.country.lower()}-person-{i + 1:02d}").upper()
            client = ClientPlan(
                row=row,
                country=country,
                code=code,
                tax_id=tax_id(rng, row),
                notes=" ".join(notes) if rng.random() < 0.8 else "",
                terms=rng.choice((7, 14)) if not business else rng.choice(country.terms),
                profile=profile,
                pay_day=pay_day,
                since=self.today - timedelta(days=rng.randint(150, 560)),
                weight=rng.uniform(1.0, 3.0) if business else rng.uniform(0.15, 0.4),
                rate=Decimal(rng.choice(("0.85", "0.9", "1", "1", "1", "1.1", "1.2"))),
            )
            client.contacts = client_contacts(rng, client)
            self.clients.append(client)
        # Make sure a few clients pay badly: the demo is about collections.
        slow = [c for c in self.clients if c.profile == "slow"]
        for client in rng.sample(self.clients, 6):
            if len(slow) >= 4:
                break
            if client.profile != "slow":
                client.profile = "slow"
                slow.append(client)

    # Contracts, milestones and change orders.

    def _contracts(self) -> None:
        rng = self.rng
        businesses = [c for c in self.clients if c.row.kind == Client.Kind.BUSINESS]
        persons = [c for c in self.clients if c.row.kind == Client.Kind.INDIVIDUAL]
        # One contract under each governing law first, then the rest at random.
        chosen: list[ClientPlan] = []
        for jurisdiction in ("VN", "IR", "TH", "GB", "US-CA", "US-NY", "DE"):
            candidates = [c for c in businesses if c.row.jurisdiction == jurisdiction]
            chosen.append(rng.choice(candidates))
        rest = [c for c in businesses if c not in chosen]
        rng.shuffle(rest)
        chosen += rest[:14]
        chosen += rng.sample(chosen, 2)  # two clients with a second contract
        chosen += rng.sample(persons, 2)
        retainer_clients = set(rng.sample(chosen[:21], 6))
        for i, client in enumerate(chosen):
            own_law = i < 7  # the first seven cover every governing law
            if client in retainer_clients:
                retainer_clients.discard(client)
                self.contracts.append(self._retainer(client, own_law))
            else:
                self.contracts.append(self._project(client, own_law))
        self.contracts += [self._agreement(c) for c in self.clients if c.row.country == "US"]
        self.contracts.sort(key=lambda c: (c.signed_on, c.client.code))
        per_year: dict[int, int] = {}
        for contract in self.contracts:
            year = contract.signed_on.year
            per_year[year] = per_year.get(year, 0) + 1
            contract.code = f"CT-{year}-{per_year[year]:03d}"
        projects = [
            c
            for c in self.contracts
            if not c.retainer and not c.agreement and c.starts_on < self.today
        ]
        for contract, change in zip(
            rng.sample(projects, min(5, len(projects))), CHANGE_ORDERS, strict=False
        ):
            self._change_order(contract, change)

    def _agreement(self, client: ClientPlan) -> ContractPlan:
        """The framework agreement of a US client: its state's law governs every invoice
        (owed can work out interest in the United States only under a state's law)."""
        interest, fee, grace, _work_stop = late_terms(self.rng, client.row.jurisdiction, "USD")
        title, scope = AGREEMENTS[client.row.kind]
        return ContractPlan(
            client=client,
            title=title,
            scope=scope,
            signed_on=client.since,
            starts_on=client.since,
            ends_on=None,
            price=local_price(self.rng.choice((85, 95, 110)), client.country),
            price_basis=Contract.PriceBasis.HOUR,
            retainer=False,
            interest_rate=interest,
            late_fee=fee,
            grace_days=grace,
            work_stop_grace_days=None,
            jurisdiction=client.row.jurisdiction,
            agreement=True,
        )

    def _terms(self, client: ClientPlan, own_law: bool) -> dict:
        rng = self.rng
        jurisdiction = client.row.jurisdiction
        if not own_law and client.row.country != "VN" and rng.random() < 0.2:
            jurisdiction = "VN"  # governed by the studio's own law
        interest, fee, grace, work_stop = late_terms(rng, jurisdiction, client.country.currency)
        return {
            "interest_rate": interest,
            "late_fee": fee,
            "grace_days": grace,
            "work_stop_grace_days": work_stop,
            "jurisdiction": jurisdiction,
        }

    def _project(self, client: ClientPlan, own_law: bool) -> ContractPlan:
        rng, country = self.rng, client.country
        vi = country.language == "vi"
        business = client.row.kind == Client.Kind.BUSINESS
        template = rng.choice(PROJECTS if business else PERSONAL_PROJECTS)
        base = Decimal(rng.randint(template.low * 10, template.high * 10) * 100)
        raw = base * country.price_factor
        step = {"VND": 1_000_000, "IRR": 10_000_000, "THB": 1000}.get(country.currency, 100)
        price = round_to(raw, Decimal(step), country.currency)
        signed = self.today - timedelta(days=rng.randint(10, 480))
        starts = signed + timedelta(days=rng.randint(0, 14))
        duration = rng.randint(30, 60) if template.high <= 10 else rng.randint(60, 180)
        title = template.vi if vi else template.en
        scope = (
            f"Khảo sát, thiết kế và triển khai: {template.vi.lower()}. Hai vòng chỉnh sửa cho "
            "mỗi hạng mục, bàn giao mã nguồn và tệp thiết kế, bảo hành 30 ngày."
            if vi
            else f"Discovery, design and build of the {template.en[0].lower()}{template.en[1:]}. "
            "Two rounds of revisions per deliverable, handover of source and design files "
            "and a 30-day warranty."
        )
        contract = ContractPlan(
            client=client,
            title=title,
            scope=scope,
            signed_on=signed,
            starts_on=starts,
            ends_on=starts + timedelta(days=duration),
            price=price,
            price_basis=Contract.PriceBasis.FIXED,
            retainer=False,
            **self._terms(client, own_law),
        )
        schedule = rng.choice(SCHEDULES) if template.high > 5 else SINGLE_PAYMENT
        left = price
        for position, (en, vi_text, pct, share, rule, fraction, days) in enumerate(
            schedule, start=1
        ):
            if pct is not None:
                percent = Decimal(pct)
                net = percent_of(price, percent, country.currency)
                amount = None
            else:
                percent = None
                last = position == len(schedule)
                amount = (
                    left if last else round_to(price * share / 100, Decimal(step), country.currency)
                )
                net = amount
            left -= net
            milestone = MilestonePlan(
                position=position,
                description=vi_text if vi else en,
                percent=percent,
                amount=amount,
                net=net,
                due_rule=rule,
                fraction=fraction,
                due_days=days,
            )
            if rule == _D.ON_DATE:
                milestone.due_on = starts + timedelta(days=round(duration * fraction) + 14)
            contract.milestones.append(milestone)
        return contract

    def _retainer(self, client: ClientPlan, own_law: bool) -> ContractPlan:
        rng, country = self.rng, client.country
        en, vi, basis, low, high = rng.choice(RETAINERS)
        starts = month_start(self.today, rng.randint(5, 17))
        ends = None
        if rng.random() < 0.3:
            ends = month_start(starts, -rng.randint(6, 12)) - timedelta(days=1)
            if ends >= self.today:
                ends = None
        rate = local_price(rng.randint(low, high), country)
        vi_lang = country.language == "vi"
        scope = (
            "Cập nhật, sửa lỗi và tính năng nhỏ theo số giờ thỏa thuận mỗi tháng; giờ chưa dùng "
            "không chuyển sang tháng sau."
            if vi_lang
            else "Updates, fixes and small features up to the agreed time each month; unused "
            "time does not roll over. Billed monthly in arrears."
        )
        return ContractPlan(
            client=client,
            title=vi if vi_lang else en,
            scope=scope,
            signed_on=starts - timedelta(days=rng.randint(3, 20)),
            starts_on=starts,
            ends_on=ends,
            price=rate,
            price_basis=Contract.PriceBasis.HOUR if basis == "hour" else Contract.PriceBasis.DAY,
            retainer=True,
            **self._terms(client, own_law),
        )

    def _change_order(self, contract: ContractPlan, change: tuple) -> None:
        rng, country = self.rng, contract.client.country
        en, vi, percent, extend = change
        latest = min(contract.ends_on, self.today)
        span = max((latest - contract.starts_on).days, 1)
        agreed = contract.starts_on + timedelta(days=rng.randint(max(span // 3, 1), span))
        price_change = Decimal(0)
        if percent:
            step = {"VND": 1_000_000, "IRR": 10_000_000, "THB": 1000}.get(country.currency, 100)
            price_change = round_to(
                contract.price * abs(percent) / 100, Decimal(step), country.currency
            )
            if percent < 0:
                price_change = -price_change
        contract.change_orders.append(
            {
                "agreed_on": agreed,
                "description": vi if country.language == "vi" else en,
                "price_change": price_change,
                "new_ends_on": contract.ends_on + timedelta(days=extend) if extend else None,
            }
        )
        if extend:
            contract.delivered_on = contract.ends_on + timedelta(days=extend)

    # Invoices.

    def _line(self, client: ClientPlan, item: Item, quantity: str | None = None):
        country = client.country
        description = item.vi if country.language == "vi" else item.en
        tax = Decimal(item.vn_vat) if country.code == "VN" else country.vat
        base = Decimal(item.base)
        if not item.at_cost:
            base *= client.rate
            if item.unit == "item":  # quoted for the job, not from a rate card
                base *= Decimal(self.rng.randint(85, 120)) / 100
        return invoicing.Line(
            description,
            Decimal(quantity or self.rng.choice(item.quantities)),
            local_price(base, country, item.at_cost),
            tax,
        )

    def _adhoc_lines(self, client: ClientPlan) -> list[invoicing.Line]:
        count = self.rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10))[0]
        # Nobody invoices a domain renewal on its own: resold items come with the work.
        catalogue = CATALOGUE if count > 1 else [i for i in CATALOGUE if not i.at_cost]
        items = self.rng.sample(catalogue, count)
        return [self._line(client, item) for item in items]

    def _due(self, client: ClientPlan, issue: date) -> date:
        return issue + timedelta(days=client.terms)

    def _contract_invoices(self) -> None:
        for contract in self.contracts:
            if contract.agreement:
                continue  # bills nothing itself: the client's invoices fall under it
            if contract.retainer:
                self._retainer_invoices(contract)
            else:
                self._milestone_invoices(contract)

    def _milestone_invoices(self, contract: ContractPlan) -> None:
        rng, client = self.rng, contract.client
        country = client.country
        duration = ((contract.delivered_on or contract.ends_on) - contract.starts_on).days
        tax = country.vat
        for milestone in contract.milestones:
            if milestone.fraction == 0:
                issue = contract.signed_on + timedelta(days=rng.randint(0, 3))
            else:
                issue = contract.starts_on + timedelta(days=round(duration * milestone.fraction))
            if milestone.due_rule == _D.ON_DATE:
                issue = min(issue, milestone.due_on - timedelta(days=7))
            if issue > self.today:
                continue
            if milestone.due_rule == _D.ON_SIGNING:
                due = issue + timedelta(days=7)
            elif milestone.due_rule == _D.ON_DATE:
                due = milestone.due_on
            elif milestone.due_rule == _D.DAYS_AFTER_INVOICE:
                due = issue + timedelta(days=milestone.due_days)
            else:
                due = self._due(client, issue)
            share = f"{milestone.percent.normalize():f}%" if milestone.percent else ""
            label = f"{contract.title}: {milestone.description}" + (f" ({share})" if share else "")
            lines = [invoicing.Line(label, Decimal(1), milestone.net, tax)]
            if milestone.position == len(contract.milestones):
                for change in contract.change_orders:
                    if change["price_change"] and change["agreed_on"] <= issue:
                        lines.append(
                            invoicing.Line(
                                f"{change['description']} ({change['agreed_on']:%d/%m/%Y})",
                                Decimal(1),
                                change["price_change"],
                                tax,
                            )
                        )
            self.invoices.append(
                InvoicePlan(client, issue, due, lines, contract=contract, milestone=milestone)
            )

    def _retainer_invoices(self, contract: ContractPlan) -> None:
        rng, client = self.rng, contract.client
        country = client.country
        vi = country.language == "vi"
        month = contract.starts_on
        last = contract.ends_on or self.today
        while True:
            following = month_start(month, -1)
            issue = following + timedelta(days=rng.randint(0, 3))
            if issue > self.today or month > last:
                break
            if contract.price_basis == Contract.PriceBasis.HOUR:
                quantity = rng.choice(("6", "8", "10", "12", "12.5", "15", "18", "20", "24"))
                unit = "giờ" if vi else "hours"
            else:
                quantity = rng.choice(("2", "3", "4", "5", "6", "8"))
                unit = "ngày" if vi else "days"
            period = f"tháng {month.month}/{month.year}" if vi else f"{month:%B %Y}"
            lines = [
                invoicing.Line(
                    f"{contract.title}, {period}: {quantity} {unit}",
                    Decimal(quantity),
                    contract.price,
                    country.vat,
                )
            ]
            if rng.random() < 0.25:
                small = rng.choice([i for i in CATALOGUE if i.at_cost or i.base <= 500])
                lines.append(self._line(client, small))
            self.invoices.append(
                InvoicePlan(client, issue, self._due(client, issue), lines, contract=contract)
            )
            month = following

    def _recent_invoices(self) -> None:
        """Invoices about to fall due, and one with a deposit paid: every demo shows them."""
        rng, today = self.rng, self.today
        businesses = [c for c in self.clients if c.row.kind == Client.Kind.BUSINESS]
        for i, client in enumerate(rng.sample(businesses, 7)):
            due = today + timedelta(days=1 + i % 5)
            issue = max(due - timedelta(days=client.terms), today - timedelta(days=40))
            issue = min(issue, today)
            forced = "partly_paid" if i == 5 else "open"
            self.invoices.append(
                InvoicePlan(client, issue, due, self._adhoc_lines(client), forced=forced)
            )

    def _showcase_invoices(self) -> None:
        """Unpaid invoices that reach a letter step (formal notice, demand letter) or the
        first reminder exactly today, for a business client in each country of
        `SHOWCASE_LETTERS` and `SHOWCASE_REMINDERS`: whatever the random history, the
        day's run writes e-mails and letters in every language (`owed.demo.day` dates the
        demo on a day all those countries work). A demand letter names the client's
        contract when it has one."""
        rng, today = self.rng, self.today
        plans = [(country, late) for country, late in SHOWCASE_LETTERS]
        plans += [(country, 1) for country in SHOWCASE_REMINDERS]
        for country, late in plans:
            candidates = [
                c
                for c in self.clients
                if c.row.country == country
                and c.row.kind == Client.Kind.BUSINESS
                and c not in self.showcase
            ]
            client = rng.choice(candidates)
            self.showcase.append(client)
            due = today - timedelta(days=late)
            issue = due - timedelta(days=client.terms)
            contracts = [c for c in self.contracts if c.client is client and c.signed_on <= issue]
            self.invoices.append(
                InvoicePlan(
                    client,
                    issue,
                    due,
                    self._adhoc_lines(client),
                    contract=contracts[0] if contracts and late >= 45 else None,
                    forced="open",
                )
            )

    def _under_agreements(self) -> None:
        """The invoices of a client with a framework agreement and no other contract fall
        under the agreement."""
        agreements = {c.client.code: c for c in self.contracts if c.agreement}
        for invoice in self.invoices:
            if invoice.contract is None and invoice.client.code in agreements:
                invoice.contract = agreements[invoice.client.code]

    def _adhoc_invoices(self) -> None:
        rng, today = self.rng, self.today
        count = max(TARGET_INVOICES - len(self.invoices), 0)
        weights = [c.weight for c in self.clients]
        for client in rng.choices(self.clients, weights=weights, k=count):
            # The studio has grown: more invoices in recent months than long ago.
            span = (today - client.since).days
            issue = client.since + timedelta(days=round(span * rng.random() ** 0.6))
            self.invoices.append(
                InvoicePlan(client, issue, self._due(client, issue), self._adhoc_lines(client))
            )

    def _number_invoices(self) -> None:
        for invoice in self.invoices:
            invoice.total = invoicing.invoice_total(invoice.lines, invoice.client.country.currency)
            assert invoice.total > 0 and invoice.due >= invoice.issue <= self.today
        self.invoices.sort(key=lambda inv: (inv.issue, inv.client.code, inv.due, inv.total))
        per_year: dict[int, int] = {}
        for invoice in self.invoices:
            year = invoice.issue.year
            per_year[year] = per_year.get(year, 0) + 1
            invoice.number = f"INV-{year}-{per_year[year]:04d}"

    def _force_write_offs(self) -> None:
        """Two or three old invoices of bad payers are written off, whatever their luck."""
        old = [
            inv
            for inv in self.invoices
            if (self.today - inv.due).days > 200 and not inv.forced and inv.contract is None
        ]
        old.sort(key=lambda inv: (inv.client.profile != "slow", inv.number))
        for invoice in old[: self.rng.randint(2, 3)]:
            invoice.forced = "written_off"

    # Payments.

    def _pay(self, invoice: InvoicePlan, day: date, amount: Decimal, extra=Decimal(0), **kw):
        assert day <= self.today and amount > 0
        assert invoice.paid + amount <= invoice.total
        invoice.paid += amount
        self.payments.append(
            PaymentPlan(invoice.client, day, amount + extra, [(invoice, amount)], **kw)
        )

    def _delay(self, profile: str) -> int | None:
        rng = self.rng
        if profile == "prompt":
            return rng.randint(-12, 3) if rng.random() < 0.9 else rng.randint(4, 20)
        if profile == "late":
            roll = rng.random()
            if roll < 0.85:
                return rng.randint(-2, 50)
            return rng.randint(45, 120) if roll < 0.97 else None
        roll = rng.random()
        if roll < 0.5:
            return rng.randint(10, 75)
        if roll < 0.9:
            return rng.randint(60, 170)
        return None  # never pays without a fight

    def _settle(self) -> None:
        rng, today = self.rng, self.today
        written_off = sum(inv.forced == "written_off" for inv in self.invoices)
        for invoice in self.invoices:
            client = invoice.client
            currency = client.country.currency
            overdue = (today - invoice.due).days
            if invoice.forced == "written_off":
                self._write_off(invoice)
                continue
            if invoice.forced:
                if invoice.forced == "partly_paid":
                    deposit = friendly_part(invoice.total, 0.5, currency)
                    self._pay(invoice, min(invoice.issue + timedelta(days=2), today), deposit)
                continue
            delay = self._delay(client.profile)
            if delay is None and overdue > 150:
                if written_off < 4:
                    written_off += 1
                    self._write_off(invoice)
                    continue
                delay = rng.randint(90, 150)
            pay_on = None
            if delay is not None:
                pay_on = max(invoice.due + timedelta(days=delay), invoice.issue)
                if client.pay_day:
                    pay_on = next_day_of_month(pay_on, client.pay_day)
                if pay_on > today and overdue > 150:
                    pay_on = invoice.due + timedelta(days=rng.randint(60, 150))
            if pay_on is not None and pay_on <= today:
                self._pay_in_full(invoice, pay_on)
                continue
            # Not paid yet; once it is late, perhaps something on account.
            chance = {"prompt": 0.05, "late": 0.2, "slow": 0.4}[client.profile]
            if overdue > 1 and rng.random() < chance:
                day = invoice.due + timedelta(days=rng.randint(1, overdue))
                share = rng.choice((0.3, 0.4, 0.5, 0.6))
                self._pay(invoice, day, friendly_part(invoice.total, share, currency))
        self._duplicate_payment()
        self._merge_payments()

    def _write_off(self, invoice: InvoicePlan) -> None:
        rng = self.rng
        currency = invoice.client.country.currency
        off = invoice.due + timedelta(days=rng.randint(120, 150))
        invoice.written_off_on = min(off, self.today)
        if rng.random() < 0.5:
            day = invoice.due + timedelta(days=rng.randint(10, 60))
            self._pay(
                invoice,
                min(day, invoice.written_off_on),
                friendly_part(invoice.total, 0.3, currency),
            )

    def _pay_in_full(self, invoice: InvoicePlan, day: date) -> None:
        rng = self.rng
        currency = invoice.client.country.currency
        fee = BANK_FEE.get(currency)
        roll = rng.random()
        recent = (self.today - invoice.due).days <= 120
        if fee and roll < 0.08 and recent and invoice.total > fee * 10:
            # The client's bank took its fee out of the transfer: a small balance is left.
            self._pay(invoice, day, invoice.total - fee, mergeable=False)
        elif roll < 0.16 and (day - invoice.issue).days > 20:
            first_day = invoice.issue + timedelta(days=rng.randint(5, (day - invoice.issue).days))
            first = friendly_part(invoice.total, 0.5, currency)
            self._pay(invoice, min(first_day, day), first, mergeable=False)
            self._pay(invoice, day, invoice.total - first, mergeable=False)
        elif roll < 0.2 and self.overpaid < 3:
            # Paid a round figure: the difference stays with the client as credit.
            step = {"VND": 1_000_000, "IRR": 10_000_000, "THB": 100}.get(currency, 10)
            rounded = round_to(invoice.total, Decimal(step), currency, ROUND_CEILING)
            if rounded == invoice.total:
                rounded += Decimal(step)
            self.overpaid += 1
            self._pay(invoice, day, invoice.total, extra=rounded - invoice.total, mergeable=False)
        else:
            self._pay(invoice, day, invoice.total)

    def _duplicate_payment(self) -> None:
        """One client paid the same invoice twice; the second payment is unallocated credit."""
        candidates = [
            p
            for p in self.payments
            if p.client.row.country in ("GB", "DE", "US")
            and len(p.allocations) == 1
            and p.allocations[0][1] == p.allocations[0][0].total
            and (self.today - p.date).days > 10
        ]
        if candidates:
            original = self.rng.choice(candidates)
            day = original.date + timedelta(days=self.rng.randint(2, 6))
            self.payments.append(
                PaymentPlan(original.client, day, original.amount, [], mergeable=False)
            )

    def _merge_payments(self) -> None:
        """Invoices a client paid on the same day went out in one transfer."""
        merged: list[PaymentPlan] = []
        by_day: dict[tuple[str, date], PaymentPlan] = {}
        for payment in self.payments:
            key = (payment.client.code, payment.date)
            if payment.mergeable and key in by_day:
                target = by_day[key]
                target.amount += payment.amount
                target.allocations += payment.allocations
                continue
            if payment.mergeable:
                by_day[key] = payment
            merged.append(payment)
        merged.sort(key=lambda p: (p.date, p.client.code, p.amount))
        self.payments = merged
