"""Writes behind the settings pages: the organization's own details, its payment accounts
and its members. Only an organization's owners call these (the pages check the role).

Each function is one transaction, checks its input first and raises `OwedError` with a
message in the active language. Each logs what changed and who changed it (never a
password, never an account number in full).
"""

from __future__ import annotations

import logging
import secrets
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from owed.core.identifiers import IdentifierError, normalize_tax_id
from owed.errors import OwedError
from owed.ledger.models import Membership, Organization, PaymentAccount
from owed.ledger.services import (
    country_code,
    payment_account_normalize,
    user_add,
    user_permissions_sync,
)

log = logging.getLogger("owed.ledger")

ORGANIZATION_FIELDS: tuple[str, ...] = (
    "name",
    "address",
    "tax_id",
    "country",
    "currency",
    "language",
    "timezone",
    "email",
    "phone",
    "website",
    "review_before_sending",
    "portal_promise_max_days",
)

PAYMENT_ACCOUNT_FIELDS = (
    "kind",
    "label",
    "holder",
    "bank_name",
    "iban",
    "bic",
    "bank_bin",
    "account_number",
    "promptpay_id",
    "currency",
)

# The numbers each kind of account keeps; the others are emptied, so that an account
# changed from one kind to another keeps no stale number.
KIND_NUMBERS: dict[str, tuple[str, ...]] = {
    PaymentAccount.Kind.IBAN: ("iban", "bic"),
    PaymentAccount.Kind.VN_BANK: ("bank_bin", "account_number"),
    PaymentAccount.Kind.PROMPTPAY: ("promptpay_id",),
    PaymentAccount.Kind.IR_CARD: ("account_number",),
    PaymentAccount.Kind.OTHER: ("account_number", "bic"),
}
_NUMBERS = ("iban", "bic", "bank_bin", "account_number", "promptpay_id")

# No 0/O, 1/l/I: a generated password is read out or copied by hand.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _refusal(exc: ValidationError, model) -> OwedError:
    """A model's validation errors as one `OwedError`, each detail named by its field."""
    details = []
    for field, messages in exc.message_dict.items():
        label = model._meta.get_field(field).verbose_name if field != "__all__" else ""
        details += [f"{label}: {m}" if label else m for m in messages]
    return OwedError(_("These settings are not valid."), details=details)


def _who(user) -> str:
    return getattr(user, "username", None) or "?"


# --- the organization -----------------------------------------------------------------


@transaction.atomic
def organization_update(*, organization: Organization, by, **changes) -> Organization:
    """Change the organization's details (`ORGANIZATION_FIELDS`); the slug stays."""
    unknown = sorted(set(changes) - set(ORGANIZATION_FIELDS))
    if unknown:
        raise OwedError(_("Unknown setting: %(names)s") % {"names": ", ".join(unknown)})
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {name: getattr(org, name) for name in changes}
    for name, value in changes.items():
        setattr(org, name, value.strip() if isinstance(value, str) else value)
    try:
        org.country = country_code(org.country)
    except OwedError:
        raise OwedError(
            _("Unknown country: use a 2-letter code such as VN, IR, TH or GB.")
        ) from None
    if org.timezone not in zoneinfo.available_timezones():
        raise OwedError(_("Unknown time zone: use a name such as Asia/Ho_Chi_Minh."))
    try:
        org.tax_id = normalize_tax_id(org.tax_id, org.country)
    except IdentifierError:
        raise OwedError(tax_id_message(org.country)) from None
    try:
        org.full_clean()
    except ValidationError as exc:
        raise _refusal(exc, Organization) from None
    org.save()
    changed = sorted(name for name in changes if getattr(org, name) != before[name])
    log.info(
        "organization %s: %s changed by %s",
        org.slug,
        ", ".join(changed) or "nothing",
        _who(by),
    )
    return org


def tax_id_message(country: str) -> str:
    return _("This is not a valid tax id for %(country)s.") % {"country": country}


# --- payment accounts -----------------------------------------------------------------


def _masked(account: PaymentAccount) -> str:
    """The account for the log: its kind and the last four characters of its number."""
    number = account.iban or account.account_number or account.promptpay_id
    return f"{account.kind} …{number[-4:]}" if number else account.kind


@transaction.atomic
def payment_account_save(
    *, organization: Organization, by, account: PaymentAccount | None = None, **fields: str
) -> PaymentAccount:
    """Add a payment account (`account` None) or change one of the organization's own.

    The numbers are checked and written in their compact form for the account's kind;
    those another kind uses are emptied.
    """
    unknown = sorted(set(fields) - set(PAYMENT_ACCOUNT_FIELDS))
    if unknown:
        raise OwedError(_("Unknown setting: %(names)s") % {"names": ", ".join(unknown)})
    if account is None:
        account = PaymentAccount(organization=organization)
    elif account.organization_id != organization.pk:
        raise OwedError(_("This payment account belongs to another organization."))
    for name, value in fields.items():
        setattr(account, name, (value or "").strip())
    account.currency = account.currency.upper()
    for name in _NUMBERS:
        if name not in KIND_NUMBERS.get(account.kind, ()):
            setattr(account, name, "")
    try:
        payment_account_normalize(account=account)
    except ValidationError:
        raise _refusal(ValidationError(account._number_error()), PaymentAccount) from None
    try:
        account.full_clean()
    except ValidationError as exc:
        raise _refusal(exc, PaymentAccount) from None
    added = account.pk is None
    account.save()
    log.info(
        "organization %s: payment account %s %s (%s) by %s",
        organization.slug,
        account.pk,
        "added" if added else "changed",
        _masked(account),
        _who(by),
    )
    return account


@transaction.atomic
def payment_account_delete(*, organization: Organization, by, account: PaymentAccount) -> None:
    if account.organization_id != organization.pk:
        raise OwedError(_("This payment account belongs to another organization."))
    log.info(
        "organization %s: payment account %s deleted (%s) by %s",
        organization.slug,
        account.pk,
        _masked(account),
        _who(by),
    )
    account.delete()


# --- members --------------------------------------------------------------------------


def password_generate() -> str:
    """A password of 16 letters and digits in four groups (about 79 bits), to show once."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _locked(organization: Organization) -> Organization:
    """The organization's row, locked: membership changes of one organization take turns,
    so that two owners demoting each other at once cannot leave it with none."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _other_owners(organization: Organization, membership: Membership) -> int:
    return (
        Membership.objects.filter(organization=organization, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
        .count()
    )


def _own(organization: Organization, membership: Membership) -> None:
    if membership.organization_id != organization.pk:
        raise OwedError(_("This user is not a member of the organization."))


@transaction.atomic
def member_add(
    *, organization: Organization, by, username: str, email: str, role: str, password: str
):
    """Make a new user, a member of the organization with `role`, who logs in with
    `password`. A user name already taken on this installation is refused: it may be
    someone of another organization, who must not be given this one's books by mistake."""
    username = (username or "").strip()
    email = (email or "").strip()
    User = get_user_model()
    if role not in Membership.Role.values:
        raise OwedError(_("Choose a role: owner, member or read-only."))
    if not username:
        raise OwedError(_("Give the new user a user name."))
    try:
        User.username_validator(username)
    except ValidationError:
        raise OwedError(
            _("A user name may hold letters, digits and @ . + - _ only, without spaces.")
        ) from None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise OwedError(_("This is not an e-mail address.")) from None
    _locked(organization)
    if User.objects.filter(username__iexact=username).exists():
        if Membership.objects.filter(
            organization=organization, user__username__iexact=username
        ).exists():
            raise OwedError(
                _("%(name)s is a member already: change their role in the list.")
                % {"name": username}
            )
        raise OwedError(
            _("The user name %(name)s is taken on this installation: choose another one.")
            % {"name": username}
        )
    user_add(organization=organization, username=username, password=password, role=role)
    user = User.objects.get(username=username)
    if email:
        user.email = email
        user.save(update_fields=["email"])
    log.info(
        "organization %s: user %s added as %s by %s", organization.slug, username, role, _who(by)
    )
    return user


@transaction.atomic
def member_role_set(
    *, organization: Organization, by, membership: Membership, role: str
) -> Membership:
    """Give a member another role; the organization's last owner stays an owner."""
    _own(organization, membership)
    if role not in Membership.Role.values:
        raise OwedError(_("Choose a role: owner, member or read-only."))
    _locked(organization)
    membership.refresh_from_db()
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.OWNER and not _other_owners(organization, membership):
        raise OwedError(
            _(
                "%(name)s is the only owner: make another member an owner first, so that "
                "someone can still change the settings."
            )
            % {"name": membership.user.get_username()}
        )
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    user_permissions_sync(user=membership.user)
    log.info(
        "organization %s: user %s is now %s (was %s), by %s",
        organization.slug,
        membership.user.get_username(),
        role,
        before,
        _who(by),
    )
    return membership


@transaction.atomic
def member_remove(*, organization: Organization, by, membership: Membership) -> bool:
    """Take a member out of the organization; the last owner cannot be taken out.

    A user who belongs to other organizations keeps their account there; one who
    belonged only to this one is deleted with their log-in, API tokens and profile (a
    superuser is kept), which frees the user name. True when the account was deleted.
    """
    _own(organization, membership)
    _locked(organization)
    membership.refresh_from_db()
    user = membership.user
    if membership.role == Membership.Role.OWNER and not _other_owners(organization, membership):
        raise OwedError(
            _(
                "%(name)s is the only owner and cannot be removed: make another member an "
                "owner first."
            )
            % {"name": user.get_username()}
        )
    # The user's API tokens for this organization stop working with the membership.
    membership.delete()
    deleted = not user.is_superuser and not Membership.objects.filter(user=user).exists()
    if deleted:
        user.delete()
    else:
        user_permissions_sync(user=user)
    log.info(
        "organization %s: user %s removed%s by %s",
        organization.slug,
        user.get_username(),
        " (account deleted)" if deleted else "",
        _who(by),
    )
    return deleted
