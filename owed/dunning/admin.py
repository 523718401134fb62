"""The collections records in the admin: to look at, not to edit.

Promises, disputes, plans, snoozes, calls and policies are recorded through the services
(the `owed` commands and, later, the web pages), which log each one and have the ladder
planned again; an admin form would skip both. So these pages are read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from owed.dunning.models import (
    Action,
    ActionLine,
    Dispute,
    Hold,
    Instalment,
    Interaction,
    Plan,
    Policy,
    PolicyStep,
    Promise,
    Run,
    Snooze,
    WorkStop,
)
from owed.dunning.selectors import holds_on
from owed.ledger import admin as ledger_admin
from owed.ledger.admin import OrgScoped
from owed.ledger.models import Contract, Invoice


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, OrgScoped, admin.ModelAdmin):
    list_per_page = 100


class ActionLineInline(ReadOnly, admin.TabularInline):
    model = ActionLine
    fields = ["invoice", "days_overdue", "balance"]
    readonly_fields = fields
    extra = 0


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["decided_on", "step", "status", "client", "channels", "scheduled_for"]
    list_filter = ["status", "step", "decided_on", "organization"]
    list_select_related = ["client"]
    search_fields = ["client__name", "client__code", "key"]
    date_hierarchy = "decided_on"
    inlines = [ActionLineInline]


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "status", "started_at", "finished_at", "invoices_looked_at"]
    list_filter = ["status", "organization"]


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = ["happened_on", "client", "channel", "direction", "summary", "reason"]
    list_filter = ["channel", "direction", "reason", "is_response", "organization"]
    list_select_related = ["client"]
    search_fields = ["client__name", "client__code", "summary", "note"]


@admin.register(Promise)
class PromiseAdmin(ReadOnlyAdmin):
    list_display = ["client", "made_on", "until", "status"]
    list_filter = ["status", "organization"]
    list_select_related = ["client"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "opened_on", "resolved_on", "reason"]
    list_filter = ["resolved_on", "organization"]
    list_select_related = ["invoice"]


class InstalmentInline(ReadOnly, admin.TabularInline):
    model = Instalment
    fields = ["number", "due_date", "amount"]
    readonly_fields = fields
    extra = 0


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["client", "created_on", "total", "currency", "status"]
    list_filter = ["status", "organization"]
    list_select_related = ["client"]
    inlines = [InstalmentInline]


@admin.register(Snooze)
class SnoozeAdmin(ReadOnlyAdmin):
    list_display = ["created_on", "until", "client", "invoice"]
    list_select_related = ["client", "invoice"]


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["client", "since", "lifted_on"]
    list_filter = ["lifted_on", "organization"]
    list_select_related = ["client"]


@admin.register(WorkStop)
class WorkStopAdmin(ReadOnlyAdmin):
    list_display = ["contract", "since", "lifted_on"]
    list_select_related = ["contract"]


class PolicyStepInline(ReadOnly, admin.TabularInline):
    model = PolicyStep
    fields = ["position", "code", "offset_days", "channels", "recipient", "conditions"]
    readonly_fields = fields
    extra = 0


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ["name", "is_default", "updated_at"]
    inlines = [PolicyStepInline]


class HoldWarning:
    """Warn when a new invoice or contract is for a client on credit hold (rule 9)."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            return
        hold = holds_on(organization=obj.organization, client_ids=[obj.client_id]).get(
            obj.client_id
        )
        if hold is not None:
            messages.warning(
                request,
                _("%(client)s is on credit hold since %(since)s: nothing new until it pays.")
                % {"client": hold.client.name, "since": hold.since},
            )


class InvoiceAdmin(HoldWarning, ledger_admin.InvoiceAdmin):
    pass


class ContractAdmin(HoldWarning, ledger_admin.ContractAdmin):
    pass


for _model, _admin in ((Invoice, InvoiceAdmin), (Contract, ContractAdmin)):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin)
