"""The `owed` commands for money rules: interest, factoring and the rate tables.

`owed interest` answers "what can I legally charge?" either for figures given on the
command line (`--law --principal --currency --due`) or for a ledger invoice (its contract
and client say the law and the terms). Amounts in `--json` are strings with exactly the
currency's minor units.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer
from rich.table import Table

from owed.cli import JsonOption, OrgOption, _org, _parse_day, _setup, app, console
from owed.errors import OwedError

rates_app = typer.Typer(help="The reference rate tables interest is computed from.")
app.add_typer(rates_app, name="rates")


def _percent(text: str | None, option: str) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise OwedError(f"{option} takes a percentage such as 4.5, not {text!r}") from None
    if not value.is_finite():
        raise OwedError(f"{option} takes a percentage such as 4.5, not {text!r}")
    return value


def _date(text: str, option: str) -> date:
    """The date an option gives, read as the ledger reads dates (`parse_date`)."""
    from owed.ledger.imports import parse_date

    try:
        return parse_date(text.strip())
    except ValueError:
        raise OwedError(f"{option} takes a date as YYYY-MM-DD, not {text!r}") from None


def _money(amount: Decimal, currency: str) -> str:
    """`amount` as JSON carries it: a string with exactly the currency's minor units."""
    from owed.core.money import round_money

    return str(round_money(amount, currency))


def _result_data(charges_or_result, currency: str) -> dict:
    """The keys the issue names (law, rate, days, interest, compensation, total, basis),
    then the detail: periods and the rate rows used, so the figure can be reproduced."""
    from owed.law.services import InvoiceCharges, say

    charges = charges_or_result if isinstance(charges_or_result, InvoiceCharges) else None
    result = charges.interest if charges else charges_or_result
    data = {
        "law": result.law,
        "rate": None if result.rate is None else str(result.rate),
        "days": result.days,
        "interest": _money(result.interest, currency),
        "compensation": _money(result.compensation, currency),
        "total": _money(charges.total_due if charges else result.total, currency),
        "basis": say(result.basis),
        "currency": currency,
        "principal": _money(result.principal, currency),
        "paid": _money(result.paid, currency),
        "outstanding": _money(result.outstanding, currency),
        "warnings": list(charges.warnings) if charges else [say(w) for w in result.warnings],
        "periods": [
            {
                "start": str(p.start),
                "end": str(p.end),
                "days": p.days,
                "rate": None if p.rate is None else str(p.rate),
                "balance": _money(p.balance, currency),
            }
            for p in result.periods
        ],
        "rates_used": [
            {
                "table": r.table,
                "valid_from": str(r.valid_from),
                "rate": str(r.rate),
                "source": r.source,
            }
            for r in result.rates_used
        ],
    }
    if charges:
        data["invoice"] = charges.invoice.number
        data["until"] = str(charges.until)
        data["fees"] = _money(charges.fees, currency)
        data["penalty"] = _money(charges.penalty, currency)
    return data


def _show(data: dict, language: str = "en") -> None:
    from owed.core.localize import format_amount, format_percent

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    cur = data["currency"]
    show_paid = data["paid"] != _money(Decimal(0), cur)
    rate_text = "-" if data["rate"] is None else f"{data['rate']} % a year"
    if language != "en":
        # Amounts and the rate as the language writes them; the rest of the table as is.
        data = dict(data)
        for key in (
            "principal",
            "paid",
            "outstanding",
            "interest",
            "compensation",
            "total",
            "fees",
            "penalty",
        ):
            if key in data:
                data[key] = format_amount(Decimal(data[key]), cur, language)
        if data["rate"] is not None:
            rate_text = format_percent(Decimal(data["rate"]), language)
        cur = ""
    if "invoice" in data:
        table.add_row("invoice", f"{data['invoice']} (to {data['until']})")
    table.add_row("law", data["law"])
    table.add_row("rate", rate_text)
    table.add_row("days", str(data["days"]))
    table.add_row("principal", f"{data['principal']} {cur}".strip())
    if show_paid:
        table.add_row("paid", f"{data['paid']} {cur}".strip())
        table.add_row("outstanding", f"{data['outstanding']} {cur}".strip())
    table.add_row("interest", f"{data['interest']} {cur}".strip())
    table.add_row("compensation", f"{data['compensation']} {cur}".strip())
    if "fees" in data:
        table.add_row("fees", f"{data['fees']} {cur}".strip())
        table.add_row("penalty", f"{data['penalty']} {cur}".strip())
    table.add_row("total", f"{data['total']} {cur}".strip())
    console.print(table)
    console.print(f"[bold]basis[/bold]: {data['basis']}", highlight=False)
    for warning in data["warnings"]:
        console.print(f"[yellow]note[/yellow]: {warning}", highlight=False)
    if data["rates_used"]:
        used = ", ".join(
            f"{r['table']} {r['rate']} from {r['valid_from']}" for r in data["rates_used"]
        )
        console.print(f"[dim]rates used: {used}[/dim]", highlight=False)


@app.command()
def interest(
    invoice_number: Annotated[
        str | None, typer.Argument(help="A ledger invoice (its contract and client decide).")
    ] = None,
    law: Annotated[
        str | None,
        typer.Option(
            help="GB, EU, DE, FR, US-NY, US-CA, US-TX, US-IL, US-MA, US-FL, VN, VN-COMMERCIAL, TH, IR."
        ),
    ] = None,
    principal: Annotated[str | None, typer.Option(help="The amount owed.")] = None,
    currency: Annotated[str | None, typer.Option(help="ISO currency code.")] = None,
    due: Annotated[str | None, typer.Option(help="The due date, YYYY-MM-DD.")] = None,
    until: Annotated[
        str | None, typer.Option(help="Interest up to this day, YYYY-MM-DD (default: today).")
    ] = None,
    reference_rate: Annotated[
        str | None, typer.Option(help="Use this reference rate instead of the table's.")
    ] = None,
    b2c: Annotated[bool, typer.Option("--b2c", help="The debtor is a consumer.")] = False,
    contract_rate: Annotated[str | None, typer.Option(help="An agreed yearly rate, %.")] = None,
    market_rate: Annotated[
        str | None, typer.Option(help="VN-COMMERCIAL: the market overdue-lending rate, %.")
    ] = None,
    demand: Annotated[
        str | None, typer.Option(help="IR: the day payment was demanded, YYYY-MM-DD.")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(help="Say the basis and amounts in en, vi, fa or th (default: English)."),
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """What the law lets you charge on a late debt: interest, compensation and the basis."""
    _setup(as_json=as_json)
    from django.utils import translation

    from owed.core.localize import LanguageError, check_language

    try:
        language = check_language(language) if language else "en"
    except LanguageError as exc:
        raise OwedError(str(exc)) from None
    figures = {"--law": law, "--principal": principal, "--currency": currency, "--due": due}
    with translation.override(language):
        if invoice_number:
            given = [option for option, value in figures.items() if value]
            if given:
                raise OwedError(
                    f"{', '.join(given)} cannot go with an invoice number: the invoice's own "
                    "figures, contract and client are used"
                )
            data = _invoice_interest(
                invoice_number, org=org, until=until, reference_rate=reference_rate
            )
        else:
            missing = [option for option, value in figures.items() if not value]
            if missing:
                raise OwedError(
                    "give an invoice number, or all of --law, --principal, --currency and "
                    f"--due (missing: {', '.join(missing)})"
                )
            data = _figures_interest(
                law=law.upper(),
                principal=principal,
                currency=currency,
                due=_date(due, "--due"),
                until=_date(until, "--until") if until else date.today(),
                debtor="b2c" if b2c else "b2b",
                demand_on=_date(demand, "--demand") if demand else None,
                contract_rate=_percent(contract_rate, "--contract-rate"),
                market_rate=_percent(market_rate, "--market-rate"),
                reference_rate=_percent(reference_rate, "--reference-rate"),
            )
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        _show(data, language)


def _invoice_interest(
    number: str, *, org: str | None, until: str | None, reference_rate: str | None
) -> dict:
    """`_result_data` for a ledger invoice: its contract and client say the law."""
    from owed.dunning.services import invoice_find
    from owed.law.services import invoice_charges

    organization = _org(org)
    invoice = invoice_find(organization=organization, number=number)
    charges = invoice_charges(
        invoice,
        until=_parse_day(until, organization.timezone),
        reference_rate=_percent(reference_rate, "--reference-rate"),
    )
    return _result_data(charges, invoice.currency)


def _figures_interest(*, law: str, principal: str, currency: str, **terms: Any) -> dict:
    """`_result_data` for figures given on the command line; `terms` are the other keyword
    arguments of `statutory_interest` (due, until, debtor, demand_on and the rates)."""
    from owed.core.interest import InterestError, statutory_interest
    from owed.core.money import MoneyError, check_currency, parse_amount
    from owed.core.rates import UnknownRateError
    from owed.law.services import rate_tables

    try:
        code = check_currency(currency)
        amount = parse_amount(principal, code)
    except MoneyError as exc:
        raise OwedError(str(exc)) from None
    try:
        result = statutory_interest(law, amount, code, tables=rate_tables(), **terms)
    except (InterestError, UnknownRateError) as exc:
        raise OwedError(str(exc)) from None
    return _result_data(result, code)


@app.command()
def factoring(
    invoice_number: Annotated[str, typer.Argument(help="Invoice number.")],
    advance: Annotated[str, typer.Option(help="The factor's advance, % of the balance.")] = "80",
    fee: Annotated[str, typer.Option(help="The factor's fee, % of the balance.")] = "3",
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """What an invoice would fetch from a factor: the advance now, the rest less the fee."""
    _setup(as_json=as_json)
    from owed.dunning.services import invoice_find
    from owed.law.services import invoice_factoring

    organization = _org(org)
    invoice = invoice_find(organization=organization, number=invoice_number)
    quote = invoice_factoring(
        invoice, advance=_percent(advance, "--advance"), fee=_percent(fee, "--fee")
    )
    cur = invoice.currency
    data = {
        "invoice": invoice.number,
        "currency": cur,
        "balance": _money(quote.reserve + quote.advance, cur),
        "advance": _money(quote.advance, cur),
        "fee": _money(quote.fee, cur),
        "reserve": _money(quote.reserve, cur),
        "net": _money(quote.net, cur),
    }
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    console.print(
        f"{invoice.number}: balance {data['balance']} {cur}. Paid now: {data['advance']} {cur}; "
        f"when the client pays: {_money(quote.reserve - quote.fee, cur)} {cur} "
        f"(the reserve {data['reserve']} less the fee {data['fee']}); "
        f"in all {data['net']} {cur}.",
        highlight=False,
    )


@rates_app.command("list")
def rates_list(
    table: Annotated[str | None, typer.Argument(help="One table (default: all).")] = None,
    as_json: JsonOption = False,
) -> None:
    """The rate tables and their rows (the shipped ones and those you added)."""
    _setup(as_json=as_json)
    from owed.core.rates import RateGap
    from owed.law.models import RateEntry
    from owed.law.services import rate_table, rate_tables

    tables = {table: rate_table(table)} if table else rate_tables()
    mine = set(RateEntry.objects.values_list("table", "valid_from"))
    out = []
    for name, t in tables.items():
        rows = []
        for entry in t.entries:
            gap = isinstance(entry, RateGap)
            rows.append(
                {
                    "valid_from": str(entry.valid_from),
                    "rate": None if gap else str(entry.rate),
                    "source": entry.source,
                    "added": (name, entry.valid_from) in mine,
                }
            )
        out.append({"table": name, "title": t.title, "rows": rows})
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    for t in out:
        grid = Table(title=f"{t['table']}: {t['title']}", title_justify="left")
        grid.add_column("from")
        grid.add_column("rate", justify="right")
        grid.add_column("source")
        for row in t["rows"]:
            rate = "[red]unknown[/red]" if row["rate"] is None else row["rate"]
            source = ("[cyan](added)[/cyan] " if row["added"] else "") + row["source"]
            grid.add_row(row["valid_from"], rate, source)
        console.print(grid)


@rates_app.command("add")
def rates_add(
    table: Annotated[
        str, typer.Argument(help="boe, ecb_mro, de_base, fl_statutory, ir_cbi_index.")
    ],
    valid_from: Annotated[str, typer.Option("--from", help="First day in force, YYYY-MM-DD.")] = "",
    rate: Annotated[
        str, typer.Option(help="The rate in % a year (the index for ir_cbi_index).")
    ] = "",
    source: Annotated[str, typer.Option(help="Where the figure comes from.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a published rate (or correct one); it wins over the shipped row of that day."""
    _setup(as_json=as_json)
    from owed.law.services import rate_add

    if not valid_from or not rate:
        raise OwedError("rates add needs --from YYYY-MM-DD and --rate")
    entry = rate_add(
        table=table,
        valid_from=_date(valid_from, "--from"),
        rate=_percent(rate, "--rate"),
        source=source,
    )
    if as_json:
        print(
            json.dumps(
                {
                    "ok": True,
                    "table": entry.table,
                    "valid_from": str(entry.valid_from),
                    "rate": str(entry.rate),
                }
            )
        )
    else:
        console.print(
            f"Added: {entry.table} {entry.rate} from {entry.valid_from}.", highlight=False
        )
