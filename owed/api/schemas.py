"""What every resource shares: field types, money as text, errors, filters, pages and lookups.

Amounts travel as strings, exact: `"1250.50"` in USD, `"15000000"` in VND (the
currency's minor units, never a float). Dates are ISO (`2026-10-31`). Every string a
client sends has a length limit and no NUL character, and dates fall in 1900-2999, so
whatever passes the schema can be stored by SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Annotated, Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from pydantic import AfterValidator, StringConstraints, create_model

from owed.api.errors import ApiError
from owed.core.money import MoneyError, parse_amount, round_money
from owed.errors import OwedError
from owed.ledger.models import Organization
from owed.ledger.services import currency_code

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_ID = 2**63 - 1
NO_NUL = r"^[^\x00]*$"


def _plain_text(value: str) -> str:
    # PostgreSQL cannot store NUL, and UTF-8 cannot encode lone surrogates.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return value


def Text(max_length: int, *, min_length: int = 0) -> Any:
    """A string of at most `max_length` characters (the database column's limit)."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL),
        AfterValidator(_plain_text),
    ]


Day = Annotated[date, AfterValidator(_in_range)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Amount = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,16}(\.[0-9]{1,2})?$"),
    Field(description="An exact amount in the currency's minor units, e.g. 1250.50 or 15000000."),
]
Percent = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,4})?$"),
    Field(description="A percentage, 0 to 100, e.g. 8 or 10.5."),
]
Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{3}$"),
    Field(description="ISO 4217 code, e.g. VND."),
]


def money(value: Decimal | None, currency: str) -> str | None:
    """An amount as text with exactly the currency's minor units: "1000" VND, "12.50" USD."""
    if value is None:
        return None
    return str(round_money(value, currency))


def number(value: Decimal | None) -> str | None:
    """A rate or quantity as text without trailing zeros: "8", "10.5"."""
    if value is None:
        return None
    return format(value.normalize(), "f")


# Resolvers for output schemas (`resolve_total = money_field("total")`): ninja calls a
# `resolve_<field>` static method with the row to fill the field.


def money_field(attribute: str, *, currency: str = "currency") -> staticmethod:
    """The row's `attribute` as `money` text in the row's `currency`."""

    def resolve(row: Any) -> str | None:
        return money(getattr(row, attribute), getattr(row, currency))

    return staticmethod(resolve)


def number_field(attribute: str) -> staticmethod:
    """The row's `attribute` as `number` text."""

    def resolve(row: Any) -> str | None:
        return number(getattr(row, attribute))

    return staticmethod(resolve)


def ids_field(relation: str) -> staticmethod:
    """The ids of the row's many-to-many `relation`, in order (prefetch it)."""

    def resolve(row: Any) -> list[int]:
        return sorted(related.pk for related in getattr(row, relation).all())

    return staticmethod(resolve)


def amount_in(field: str, text: str, currency: str, *, allow_zero: bool = False) -> Decimal:
    """The amount `text` in `currency`, or a 400 naming the field."""
    try:
        return parse_amount(text, currency, allow_zero=allow_zero)
    except MoneyError as exc:
        raise ApiError.invalid(field, str(exc)) from None


def currency_in(code: str) -> str:
    """The currency `code` upper-cased, or a 400 naming the `currency` field."""
    try:
        return currency_code(code)
    except OwedError as exc:
        raise ApiError.invalid("currency", exc.message) from None


def decimal_in(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class ErrorDetail(Schema):
    field: str | None = Field(description="Dotted path into the request; null: the whole request.")
    message: str


class Error(Schema):
    code: str = Field(description="Stable: invalid, malformed, unauthorized, read_only, ...")
    message: str
    details: list[ErrorDetail] = []


READ = frozenset({401, 422, 500})
READ_ONE = frozenset({401, 404, 422, 500})
WRITE = frozenset({400, 401, 403, 404, 409, 422, 500})


def responses(ok_status: int, schema: Any, errors: frozenset[int]) -> dict:
    return {ok_status: schema, errors: Error}


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=500, description="At most this many items.")
    offset: int = Field(0, ge=0, le=10**9, description="Skip this many items first.")


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of a page of `item`s: `count` (of every match), `limit`, `offset`, `items`."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(
        name,
        __base__=Schema,
        count=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),
    )


def filtered(
    rows: QuerySet, filters: Schema, lookups: Mapping[str, str | tuple[str, ...]]
) -> QuerySet:
    """`rows` narrowed by each filter the client gave (not null, not empty).

    `lookups` maps a filter's name to the lookup its value goes to, or to several lookups
    of which any may match (`{"q": ("code__icontains", "name__icontains")}`).
    """
    for name, lookup in lookups.items():
        value = getattr(filters, name)
        if value is None or value == "":
            continue
        either = (lookup,) if isinstance(lookup, str) else lookup
        rows = rows.filter(reduce(or_, (Q(**{each: value}) for each in either)))
    return rows


def upper(value: str | None) -> str | None:
    """For a filter's `field_validator`: codes are stored upper-case (VN, VND)."""
    return value.upper() if value else value


def page(queryset: QuerySet, query: PageQuery) -> dict:
    """One page of `queryset`, which must be ordered down to a unique key."""
    start = query.offset
    return {
        "count": queryset.count(),
        "limit": query.limit,
        "offset": start,
        "items": list(queryset[start : start + query.limit]),
    }


def owned[M: models.Model](model: type[M], organization: Organization, pk: int, queryset=None) -> M:
    """The organization's `model` row `pk`; a 404 for any other id, including another
    organization's, with the same answer either way."""
    rows = queryset if queryset is not None else model.objects.all()
    found = rows.filter(organization=organization, pk=pk).first()
    if found is None:
        raise ApiError.not_found(model, pk)
    return found


def owned_all[M: models.Model](
    model: type[M], organization: Organization, pks: list[int], field: str
) -> list[M]:
    """The organization's rows in the order of `pks`; a 404 for the first id not its own,
    a 400 for an id given twice."""
    if len(set(pks)) != len(pks):
        raise ApiError.invalid(field, _("The same id is given twice."))
    found = {row.pk: row for row in model.objects.filter(organization=organization, pk__in=pks)}
    for pk in pks:
        if pk not in found:
            raise ApiError.not_found(model, pk)
    return [found[pk] for pk in pks]


def day_or_today(value: date | None, organization: Organization) -> date:
    """The day given, or today where the organization is."""
    return value or organization.today()
