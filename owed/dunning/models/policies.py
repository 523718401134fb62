"""An organization's escalation ladders, stored; `owed.core.ladder` holds the logic."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.core import ladder
from owed.ledger.models import Client, Organization


class Policy(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=64)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used for every client without its own.")
    )
    minimum_balances = models.JSONField(
        _("minimum balances"),
        default=dict,
        blank=True,
        help_text=_("Per currency, the balance below which an invoice is not chased."),
    )
    countries = models.CharField(
        _("countries"),
        max_length=200,
        blank=True,
        help_text=_(
            "A segment: clients in these countries (ISO codes, comma-separated) get this "
            "policy unless they have their own."
        ),
    )
    client_kind = models.CharField(
        _("client kind"),
        max_length=10,
        blank=True,
        choices=[("business", _("Business")), ("individual", _("Individual"))],
        help_text=_("A segment: only clients of this kind (empty: any kind)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="policy_name_unique"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_default=True),
                name="policy_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country_list(self) -> list[str]:
        return [c.upper() for c in _split(self.countries)]

    @property
    def is_segment(self) -> bool:
        return bool(self.countries or self.client_kind)

    def covers(self, country: str, kind: str) -> bool:
        """True if a client of this country and kind falls in the policy's segment."""
        if not self.is_segment:
            return False
        countries = self.country_list
        return (not countries or country.upper() in countries) and (
            not self.client_kind or self.client_kind == kind
        )

    def to_core(self) -> ladder.Policy:
        steps = tuple(step.to_core() for step in self.steps.all())
        minimums = tuple(
            sorted(
                (currency, Decimal(amount)) for currency, amount in self.minimum_balances.items()
            )
        )
        return ladder.Policy(name=self.name, steps=steps, minimum_balances=minimums)


class PolicyStep(models.Model):
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("policy")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("step"), max_length=40)
    offset_days = models.IntegerField(
        _("days from the due date"), help_text=_("Negative for a step before the due date.")
    )
    channels = models.CharField(
        _("channels"), max_length=40, help_text=_("email, letter or task, comma-separated.")
    )
    recipient = models.CharField(
        _("recipient"),
        max_length=10,
        choices=[("main", _("Main contact")), ("billing", _("Billing contact"))],
        default="main",
    )
    conditions = models.CharField(_("conditions"), max_length=80, blank=True)
    attach_invoice = models.BooleanField(_("attach the invoice"), default=False)
    attach_contract = models.BooleanField(_("attach the contract"), default=False)

    class Meta:
        verbose_name = _("policy step")
        verbose_name_plural = _("policy steps")
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="policy_step_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    def to_core(self) -> ladder.Step:
        return ladder.Step(
            code=self.code,
            offset_days=self.offset_days,
            channels=tuple(ladder.Channel(c) for c in _split(self.channels)),
            recipient=ladder.Recipient(self.recipient),
            conditions=tuple(ladder.Condition(c) for c in _split(self.conditions)),
            attach_invoice=self.attach_invoice,
            attach_contract=self.attach_contract,
        )


class ClientPolicy(models.Model):
    """A client chased by a policy other than its organization's default."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, verbose_name=_("client")
    )
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, verbose_name=_("policy"))

    class Meta:
        verbose_name = _("client policy")
        verbose_name_plural = _("client policies")

    def __str__(self) -> str:
        return f"{self.client_id} → {self.policy_id}"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]
