"""The Django admin for the ledger, scoped to the organizations a user belongs to.

A superuser sees everything; any other staff user sees only the rows of organizations
they are a member of, and can only pick those organizations' rows in forms.
"""

from __future__ import annotations

from django.contrib import admin

from owed.ledger import selectors
from owed.ledger.models import (
    Allocation,
    ChangeOrder,
    Client,
    Contact,
    Contract,
    Invoice,
    InvoiceLine,
    Membership,
    Milestone,
    Organization,
    Payment,
    PaymentAccount,
)
from owed.ledger.services import invoice_total_refresh


def _org_ids(request) -> list[int]:
    return list(
        Membership.objects.filter(user=request.user).values_list("organization_id", flat=True)
    )


class OrgScoped:
    """Limit the changelist and foreign-key choices to the user's organizations."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        field = "pk" if qs.model is Organization else "organization"
        return qs.filter(**{f"{field}__in": _org_ids(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and not request.user.is_superuser:
            model = db_field.related_model
            if model is Organization:
                formfield.queryset = formfield.queryset.filter(pk__in=_org_ids(request))
            elif any(f.name == "organization" for f in model._meta.fields):
                formfield.queryset = formfield.queryset.filter(organization__in=_org_ids(request))
        return formfield


class ScopedInline(OrgScoped, admin.TabularInline):
    extra = 0


class PaymentAccountInline(ScopedInline):
    model = PaymentAccount


class MembershipInline(ScopedInline):
    model = Membership


@admin.register(Organization)
class OrganizationAdmin(OrgScoped, admin.ModelAdmin):
    list_display = ["name", "slug", "country", "currency", "language", "timezone"]
    inlines = [PaymentAccountInline, MembershipInline]


class ContactInline(ScopedInline):
    model = Contact


@admin.register(Client)
class ClientAdmin(OrgScoped, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "country", "language", "currency", "organization"]
    list_filter = ["country", "language", "currency", "kind", "organization"]
    search_fields = ["code", "name", "tax_id", "contacts__email"]
    inlines = [ContactInline]


class MilestoneInline(ScopedInline):
    model = Milestone


class ChangeOrderInline(ScopedInline):
    model = ChangeOrder


@admin.register(Contract)
class ContractAdmin(OrgScoped, admin.ModelAdmin):
    list_display = ["code", "title", "client", "price", "currency", "jurisdiction"]
    list_filter = ["jurisdiction", "currency", "organization"]
    search_fields = ["code", "title", "client__name"]
    inlines = [MilestoneInline, ChangeOrderInline]
    list_select_related = ["client"]


class InvoiceLineInline(ScopedInline):
    model = InvoiceLine


class AllocationInline(ScopedInline):
    model = Allocation
    fields = ["payment", "invoice", "amount"]
    readonly_fields = ["payment", "invoice", "amount"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(OrgScoped, admin.ModelAdmin):
    list_display = [
        "number",
        "client",
        "issue_date",
        "due_date",
        "total",
        "paid",
        "balance",
        "currency",
        "state",
    ]
    list_filter = ["currency", "due_date", "organization"]
    search_fields = ["number", "client__name", "client__code"]
    date_hierarchy = "due_date"
    list_select_related = ["client"]
    inlines = [InvoiceLineInline, AllocationInline]

    def get_queryset(self, request):
        return selectors.annotate_balance(super().get_queryset(request))

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        invoice_total_refresh(invoice=form.instance)

    @admin.display(ordering="paid")
    def paid(self, obj) -> str:
        return str(obj.paid)

    @admin.display(ordering="balance")
    def balance(self, obj) -> str:
        return str(obj.balance)

    @admin.display(ordering="state")
    def state(self, obj) -> str:
        return Invoice.State(obj.state).label


@admin.register(Payment)
class PaymentAdmin(OrgScoped, admin.ModelAdmin):
    list_display = ["date", "client", "amount", "currency", "method", "reference"]
    list_filter = ["currency", "method", "organization"]
    search_fields = ["reference", "client__name", "key"]
    date_hierarchy = "date"
    list_select_related = ["client"]
    inlines = [AllocationInline]
