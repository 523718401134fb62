"""The outbox in the admin: messages to look at (status, attempts, last error), and each
organization's mail server to edit.

Messages are read-only: they change only through delivery and `owed send` (a message
sent again is a user's decision made there, see docs/mail.md). A server's password is
never shown back: its field is empty, and left empty it keeps the password stored.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from owed.dunning.admin import ReadOnly, ReadOnlyAdmin
from owed.ledger.admin import ScopedAdmin
from owed.mail.models import Attachment, MailServer, Message
from owed.mail.services import SERVER_FIELDS, deliver_waiting


class AttachmentInline(ReadOnly, admin.TabularInline):
    model = Attachment
    fields = ["filename", "content_type", "size"]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("size (bytes)"))
    def size(self, obj: Attachment) -> int:
        return obj.size


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "to", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "organization"]
    list_select_related = ["client"]
    search_fields = ["subject", "to", "message_id", "client__name", "client__code"]
    date_hierarchy = "created_at"
    fields = [
        "organization",
        "client",
        "action",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "smtp_code",
        "sent_at",
        "to",
        "cc",
        "bcc",
        "subject",
        "text",
        "html",
        "message_id",
        "in_reply_to",
        "references",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [AttachmentInline]

    def get_queryset(self, request):
        # The list shows no bodies or attachments: leave them in the database.
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("text", "html")
        return queryset


class MailServerForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the password stored."),
    )
    clear_password = forms.BooleanField(
        label=_("remove the password"),
        required=False,
        help_text=_("Log in without a password (and without a user name)."),
    )

    class Meta:
        model = MailServer
        fields = ["organization", *SERVER_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._stored_password = self.instance.password if self.instance.pk else ""

    def _post_clean(self) -> None:
        # Before the model's clean(): an empty field keeps the stored password.
        if self.cleaned_data.get("clear_password"):
            self.cleaned_data["password"] = ""
            self.cleaned_data["username"] = ""
        elif not self.cleaned_data.get("password"):
            self.cleaned_data["password"] = self._stored_password
        super()._post_clean()


@admin.register(MailServer)
class MailServerAdmin(ScopedAdmin):
    form = MailServerForm
    list_display = ["organization", "host", "port", "security", "from_address", "updated_at"]
    list_filter = ["security"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        deliver_waiting(organization=obj.organization)
