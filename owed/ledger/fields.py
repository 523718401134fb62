"""`MoneyField`: an exact amount stored as a whole number of hundredths.

SQLite keeps `DECIMAL` columns as floating point and sums them as floats, so owed stores
every amount as a 64-bit integer count of 1/100 units on every database. Reads give back a
`Decimal`; sums (`Sum`) stay exact; writing an amount with more than two decimals is an
error rather than a silent rounding. The currency's own minor units (none for VND and
IRR) are enforced where amounts come in, by `owed.core.money.parse_amount`.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import models

SCALE = 100


def to_hundredths(value: Decimal | int | str) -> int:
    amount = Decimal(value)
    scaled = amount * SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"amount {amount} has more than two decimals")
    return int(scaled)


class MoneyField(models.BigIntegerField):
    description = "An exact amount of money (stored in hundredths)"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-2)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return Decimal(str(value))
        except Exception as exc:
            raise forms.ValidationError(f"{value!r} is not an amount") from exc

    def get_prep_value(self, value):
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        return to_hundredths(value)

    def formfield(self, **kwargs):
        defaults = {"form_class": forms.DecimalField, "max_digits": 17, "decimal_places": 2}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
