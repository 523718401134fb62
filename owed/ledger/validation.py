"""Model-level checks, so that forms (the admin, later the back office) cannot store what
the import and the services would refuse: unknown currencies, amounts finer than the
currency's minor unit, payments spread beyond their amount or an invoice's balance.

Messages are in the reader's language; codes (`VND`) stay as they are."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from owed.core.money import MAX_MINOR_UNITS, MoneyError, check_currency, is_exact, minor_units


def clean_currency(value: str, field: str = "currency") -> str:
    """The upper-case currency code, or a ValidationError on `field`."""
    try:
        return check_currency(value)
    except MoneyError:
        code = (value or "").strip().upper()
        if not code:
            message = _("Give the currency.")
        elif minor_units(code) > MAX_MINOR_UNITS:
            message = ngettext(
                "%(code)s has %(units)d minor unit; owed takes currencies with at most %(most)d.",
                "%(code)s has %(units)d minor units; owed takes currencies with at most %(most)d.",
                minor_units(code),
            ) % {"code": code, "units": minor_units(code), "most": MAX_MINOR_UNITS}
        else:
            message = _("%(code)s is an unknown currency: use an ISO 4217 code such as USD.") % {
                "code": code
            }
        raise ValidationError({field: message}) from None


def check_amount(
    errors: dict[str, str], field: str, amount: Decimal | None, currency: str, *, signed=False
) -> None:
    """Record on `errors[field]` why `amount` is not a valid amount of `currency`."""
    if amount is None:
        return
    if amount < 0 and not signed:
        errors[field] = _("The amount cannot be negative.")
    elif not is_exact(amount, currency):
        units = minor_units(currency)
        errors[field] = (
            _("%(currency)s has no minor units: use a whole amount.") % {"currency": currency}
            if units == 0
            else ngettext(
                "%(currency)s amounts have at most %(units)d decimal.",
                "%(currency)s amounts have at most %(units)d decimals.",
                units,
            )
            % {"currency": currency, "units": units}
        )


def check_same_organization(errors: dict[str, str], row, *fields: str) -> None:
    """Record on `errors[field]` each linked row (`row.<field>`) that belongs to another
    organization than `row`: no form may join two organizations' rows.

    A link not yet set is skipped (the field's own check says it is missing); so is a row
    with no organization yet. An unsaved parent (an inline form's) counts by its own
    organization."""
    organization_id = getattr(row, "organization_id", None)
    if organization_id is None:
        return
    for field in fields:
        linked = getattr(row, field, None)  # None when unset, even on a required link
        if linked is not None and linked.organization_id != organization_id:
            errors[field] = _("This belongs to another organization.")
