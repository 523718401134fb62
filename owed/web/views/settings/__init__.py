"""The settings pages (`/settings/...`): the organization, its payment details, its mail
server and its members. Every member sees them; only an owner changes anything (a POST
from anyone else is refused with 403, see `owner_view`)."""

from owed.web.views.settings.mail import mail_server, mail_test
from owed.web.views.settings.organization import organization
from owed.web.views.settings.payments import (
    payment_account,
    payment_account_add,
    payment_account_delete,
    payment_account_qr,
    payment_accounts,
)
from owed.web.views.settings.users import member_add, member_remove, member_role, members

__all__ = [
    "mail_server",
    "mail_test",
    "member_add",
    "member_remove",
    "member_role",
    "members",
    "organization",
    "payment_account",
    "payment_account_add",
    "payment_account_delete",
    "payment_account_qr",
    "payment_accounts",
]
