"""Admin for rate rows (shared by every organization: only superusers change them) and the
money-rule warnings shown when a contract is saved."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from owed.dunning import admin as dunning_admin
from owed.law.models import RateEntry
from owed.law.services import contract_warnings
from owed.ledger.models import Contract


@admin.register(RateEntry)
class RateEntryAdmin(admin.ModelAdmin):
    list_display = ["table", "valid_from", "rate", "source", "added_at"]
    list_filter = ["table"]
    ordering = ["table", "-valid_from"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff


class ContractAdmin(dunning_admin.ContractAdmin):
    """Warns, once the contract and its milestones are saved, about an agreed rate or
    penalty above the law's cap and a payment too large for the small-claims court."""

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        for warning in contract_warnings(form.instance, on=timezone.localdate()):
            messages.warning(request, warning)


admin.site.unregister(Contract)
admin.site.register(Contract, ContractAdmin)
