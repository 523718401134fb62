"""Model-level checks, so that forms (the admin, later the back office) cannot store what
the import and the services would refuse: unknown currencies, amounts finer than the
currency's minor unit, payments spread beyond their amount or an invoice's balance."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from owed.core.money import MoneyError, check_currency, is_exact, minor_units


def clean_currency(value: str, field: str = "currency") -> str:
    """The upper-case currency code, or a ValidationError on `field`."""
    try:
        return check_currency(value)
    except MoneyError as exc:
        raise ValidationError({field: str(exc)}) from None


def check_amount(
    errors: dict[str, str], field: str, amount: Decimal | None, currency: str, *, signed=False
) -> None:
    """Record on `errors[field]` why `amount` is not a valid amount of `currency`."""
    if amount is None:
        return
    if amount < 0 and not signed:
        errors[field] = "The amount cannot be negative."
    elif not is_exact(amount, currency):
        units = minor_units(currency)
        errors[field] = (
            f"{currency} has no minor units: use a whole amount."
            if units == 0
            else f"{currency} amounts have at most {units} decimals."
        )
