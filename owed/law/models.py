"""Rate rows users add to the shipped rate tables (`owed.core.rates`).

The tables owed ships stop where their sources stop; a rate published later, or one a
user must correct, is added here (`owed rates add`) and wins over a shipped row with the
same first day. Rates are public facts, so the rows are shared by every organization.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.core.rates import TABLES, RateRow


class RateEntry(models.Model):
    table = models.CharField(_("table"), max_length=20, choices=sorted(TABLES.items()))
    valid_from = models.DateField(_("valid from"))
    rate = models.DecimalField(
        _("rate"),
        max_digits=14,
        decimal_places=4,
        help_text=_(
            "A yearly percentage (4.75 for 4.75 percent); for the Iranian index, the index."
        ),
    )
    source = models.CharField(_("source"), max_length=300)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["table", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "valid_from"],
                name="rate_entry_unique",
                violation_error_message=_("This table already has a rate from that day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.valid_from}: {self.rate}"

    def clean(self) -> None:
        errors = {}
        if self.table == "ir_cbi_index":
            if self.rate is not None and self.rate <= 0:
                errors["rate"] = _("A price index is above zero.")
        elif self.rate is not None and not -10 <= self.rate <= 100:
            errors["rate"] = _("A yearly rate is between -10 and 100 percent.")
        if not (self.source or "").strip():
            errors["source"] = _("Say where the rate comes from.")
        if errors:
            raise ValidationError(errors)

    def to_core(self) -> RateRow:
        # As the user wrote it: 3.5, not the column's 3.5000.
        rate = Decimal(format(Decimal(self.rate).normalize(), "f"))
        return RateRow(self.table, self.valid_from, rate, self.source)
