"""Who owes an organization money: clients and the people to contact there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.ledger.models.organizations import Language, Organization
from owed.ledger.validation import check_same_organization, clean_currency
from owed.ledger.zones import country_zone, is_zone


class Client(models.Model):
    """Someone who owes the organization money."""

    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business")
        INDIVIDUAL = "individual", _("Individual")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    code = models.CharField(
        _("client id"), max_length=64, help_text=_("Your own id for the client.")
    )
    name = models.CharField(_("legal name"), max_length=200)
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.BUSINESS, verbose_name=_("kind")
    )
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    address = models.TextField(blank=True, verbose_name=_("address"))
    country = models.CharField(max_length=2, verbose_name=_("country"))
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.EN, verbose_name=_("language")
    )
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_(
            "Where the client is, for contact hours; empty: its country's (or yours, for a "
            "country with several)."
        ),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                name="client_code_unique",
                violation_error_message=_("This client id is already used."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def zone_name(self, fallback: str) -> str:
        """The client's time zone: its own, else its country's only one, else `fallback`."""
        if self.timezone:
            return self.timezone
        return country_zone(self.country) or fallback

    def clean(self) -> None:
        from owed.core.identifiers import IdentifierError, normalize_tax_id

        self.currency = clean_currency(self.currency)
        self.country = self.country.upper()
        try:
            self.tax_id = normalize_tax_id(self.tax_id, self.country)
        except IdentifierError:
            message = _("This is not a valid tax id for %(country)s.") % {"country": self.country}
            raise ValidationError({"tax_id": message}) from None
        if self.timezone and not is_zone(self.timezone):
            raise ValidationError(
                {"timezone": _("Unknown time zone: use a name such as Asia/Bangkok.")}
            )


class Contact(models.Model):
    class Role(models.TextChoices):
        MAIN = "main", _("Main contact")
        BILLING = "billing", _("Billing / accounts payable")
        LEGAL = "legal", _("Legal")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        CHAT = "chat", _("Chat (Zalo, LINE, WhatsApp)")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("client")
    )
    role = models.CharField(
        max_length=10, choices=Role.choices, default=Role.MAIN, verbose_name=_("role")
    )
    name = models.CharField(max_length=200, blank=True, verbose_name=_("name"))
    email = models.EmailField(blank=True, verbose_name=_("e-mail"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    preferred_channel = models.CharField(
        max_length=10,
        choices=Channel.choices,
        default=Channel.EMAIL,
        verbose_name=_("preferred channel"),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["client", "role", "id"]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.phone} ({self.get_role_display()})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        check_same_organization(errors, self, "client")
        if errors:
            raise ValidationError(errors)
