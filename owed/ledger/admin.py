"""The Django admin for the ledger, scoped to the organizations a user belongs to.

A superuser sees everything. Any other staff user sees only the rows of organizations
they are a member of, can only pick those organizations' rows in forms, never sees
another organization's name, and cannot create organizations or change memberships
(`owed user add` does that, and sets the matching permissions).

Roles are per organization. In an organization where the user is owner or member they
may add, change and delete its rows; where they are read-only they may only view them,
whatever their role elsewhere. Django's permissions, which are per user, are a first
gate; the role in the row's own organization decides. Only the organizations where the
user may write are offered on add pages.

A row links only to rows of its own organization. The models' `clean()` refuses any
other link, for superusers too; on a change page the choices are the object's own
organization's rows (so nothing moves between organizations), on an add page those of
the organizations the user may write to.

Invoice totals come from their lines; a payment's allocations are checked against the
payment's amount and each invoice's balance, as the services and the import check them.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, timedelta
from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import DateField, Sum, Value
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from owed.core import invoicing
from owed.core.money import is_exact
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
from owed.ledger.presenters import days_late, money
from owed.ledger.services import invoice_total_refresh

admin.site.site_url = None  # no public site yet: hide the "View site" link

WRITE_ROLES = frozenset({Membership.Role.OWNER, Membership.Role.MEMBER})

# Rows whose name (`__str__`) reads a related row: fetch it with them in form choices.
LABEL_RELATED = {Milestone: ["contract"], ChangeOrder: ["contract"], Allocation: ["invoice"]}


def _memberships(request) -> dict[int, Membership]:
    """The user's memberships by organization id, with their organizations.

    Read once per request and kept on it: every permission check and form field asks.
    """
    memberships = getattr(request, "_owed_memberships", None)
    if memberships is None:
        rows = Membership.objects.filter(user=request.user).select_related("organization")
        memberships = {m.organization_id: m for m in rows}
        request._owed_memberships = memberships
    return memberships


def _org_ids(request) -> list[int]:
    return list(_memberships(request))


def _writable_org_ids(request) -> list[int]:
    return [pk for pk, m in _memberships(request).items() if m.role in WRITE_ROLES]


def _organization_id(obj) -> int | None:
    return obj.pk if isinstance(obj, Organization) else obj.organization_id


def _has_organization(model) -> bool:
    return any(f.name == "organization" for f in model._meta.fields)


def _limit_choices(form_class, org_ids: list[int] | None) -> None:
    """Let the form's links (and its organization) name only rows of `org_ids`."""
    if org_ids is None:
        return
    for name, field in list(form_class.base_fields.items()):
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        if queryset.model is Organization:
            lookup = "pk__in"
        elif _has_organization(queryset.model):
            lookup = "organization__in"
        else:
            continue
        field = copy.deepcopy(field)  # never change a field another form class shares
        field.queryset = queryset.filter(**{lookup: org_ids})
        form_class.base_fields[name] = field


def _choice_org_ids(request, obj) -> list[int] | None:
    """The organizations whose rows a form on `obj` may link to (None: any).

    An existing object's own, for superusers too; for a new one, those the user may
    write to (a superuser any: there `clean()` keeps the links in one organization).
    """
    if obj is not None:
        return [_organization_id(obj)]
    if request.user.is_superuser:
        return None
    return _writable_org_ids(request)


class OrgScoped:
    """Limit rows, filters and foreign-key choices to the user's organizations, and
    changes to those where the user's role allows them (`write_roles`)."""

    write_roles = WRITE_ROLES

    def may_write(self, request, obj=None) -> bool:
        """Whether the user's role lets them write in `obj`'s organization (no `obj`:
        in any of their organizations)."""
        if request.user.is_superuser:
            return True
        memberships = _memberships(request)
        if obj is None:
            return any(m.role in self.write_roles for m in memberships.values())
        membership = memberships.get(_organization_id(obj))
        return membership is not None and membership.role in self.write_roles

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        field = "pk" if qs.model is Organization else "organization"
        return qs.filter(**{f"{field}__in": _org_ids(request)})

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f != "organization"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self.may_write(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self.may_write(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is None:
            return formfield
        model = db_field.related_model
        if model in LABEL_RELATED:
            formfield.queryset = formfield.queryset.select_related(*LABEL_RELATED[model])
        if not request.user.is_superuser:
            if model is Organization:
                formfield.queryset = formfield.queryset.filter(pk__in=_org_ids(request))
            elif _has_organization(model):
                formfield.queryset = formfield.queryset.filter(organization__in=_org_ids(request))
        return formfield


class ScopedAdmin(OrgScoped, admin.ModelAdmin):
    """A model admin of organization rows: see `OrgScoped`."""

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and self.may_write(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        _limit_choices(form, _choice_org_ids(request, obj))
        return form


class ScopedInline(OrgScoped, admin.TabularInline):
    """An inline whose rows take the organization of the object they belong to."""

    extra = 0

    def has_add_permission(self, request, obj) -> bool:
        return super().has_add_permission(request, obj) and self.may_write(request, obj)

    def get_exclude(self, request, obj=None):
        return ["organization"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        _limit_choices(formset.form, _choice_org_ids(request, obj))
        parent = obj

        class WithOrganization(formset):
            def save_new(self, form, commit=True):
                form.instance.organization_id = (parent or self.instance).organization_id
                return super().save_new(form, commit=commit)

            def _construct_form(self, i, **kwargs):
                form = super()._construct_form(i, **kwargs)
                if self.instance.pk or getattr(self.instance, "organization_id", None):
                    form.instance.organization_id = self.instance.organization_id
                return form

        return WithOrganization


class PaymentAccountInline(ScopedInline):
    model = PaymentAccount
    write_roles = frozenset({Membership.Role.OWNER})  # as the organization itself


class MembershipInline(admin.TabularInline):
    """Read-only here: roles change with `owed user add --role`, which sets permissions."""

    model = Membership
    extra = 0
    fields = ["user", "role"]
    readonly_fields = ["user", "role"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ["name", "slug", "country", "currency", "language", "timezone"]
    inlines = [PaymentAccountInline, MembershipInline]
    write_roles = frozenset({Membership.Role.OWNER})  # only owners change the organization

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class ContactInline(ScopedInline):
    model = Contact


@admin.register(Client)
class ClientAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "country", "language", "currency"]
    list_filter = ["country", "language", "currency", "kind", "organization"]
    search_fields = ["code", "name", "tax_id", "contacts__email"]
    inlines = [ContactInline]


class MilestoneInline(ScopedInline):
    model = Milestone


class ChangeOrderInline(ScopedInline):
    model = ChangeOrder


@admin.register(Contract)
class ContractAdmin(ScopedAdmin):
    list_display = ["code", "title", "client", "price", "currency", "jurisdiction"]
    list_filter = ["jurisdiction", "currency", "organization"]
    search_fields = ["code", "title", "client__name"]
    inlines = [MilestoneInline, ChangeOrderInline]
    list_select_related = ["client"]


class InvoiceLineFormSet(BaseInlineFormSet):
    """Lines must be exact in the invoice's currency and not bring the total below paid."""

    def clean(self) -> None:
        super().clean()
        invoice = self.instance
        currency = invoice.currency
        if not currency or any(form.errors for form in self.forms):
            return
        lines = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            if not is_exact(data["unit_price"], currency):
                raise ValidationError(
                    _("Unit price %(price)s is finer than %(currency)s's minor unit.")
                    % {"price": data["unit_price"], "currency": currency}
                )
            lines.append(
                invoicing.Line(
                    data["description"], data["quantity"], data["unit_price"], data["tax_rate"]
                )
            )
        if not lines:
            raise ValidationError(_("An invoice needs at least one line."))
        total = invoicing.invoice_total(lines, currency)
        paid = Decimal(0)
        if invoice.pk:
            paid = Allocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or 0
        if total < paid:
            raise ValidationError(
                _("These lines total %(total)s, less than the %(paid)s already paid.")
                % {"total": money(total, currency), "paid": money(paid, currency)}
            )


class InvoiceLineInline(ScopedInline):
    model = InvoiceLine
    formset = InvoiceLineFormSet
    min_num = 1


class InvoiceAllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "invoice"
    extra = 0
    fields = ["payment", "amount"]
    readonly_fields = ["payment", "amount"]
    can_delete = False
    verbose_name_plural = _("payments")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment")


def _changelist_today(request) -> date:
    """The day the invoice list counts overdue invoices and days late from.

    The rule: the list may hold the invoices of several organizations but has one
    "today". It is the organization's own day, in its time zone, when the user sees
    exactly one organization (the usual case; for a superuser, when the installation has
    only one); when they see several, it is the day in UTC, so an invoice may turn
    overdue there a few hours before or after it does in its organization's zone.
    """
    today = getattr(request, "_owed_today", None)
    if today is None:
        if request.user.is_superuser:
            organizations = list(Organization.objects.only("timezone")[:2])
        else:
            organizations = [m.organization for m in _memberships(request).values()]
        if len(organizations) == 1:
            today = organizations[0].today()
        else:
            today = timezone.localdate(timezone=UTC)
        request._owed_today = today
    return today


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Overdue")),
            ("1-30", _("1-30 days")),
            ("31-60", _("31-60 days")),
            ("61-90", _("61-90 days")),
            ("90+", _("over 90 days")),
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        today = _changelist_today(request)
        qs = queryset.filter(balance__gt=0, written_off_on__isnull=True, due_date__lt=today)
        bounds = {"1-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "90+": (91, None)}
        if self.value() in bounds:
            low, high = bounds[self.value()]
            qs = qs.filter(due_date__lte=today - timedelta(days=low))
            if high is not None:
                qs = qs.filter(due_date__gte=today - timedelta(days=high))
        return qs


@admin.register(Invoice)
class InvoiceAdmin(ScopedAdmin):
    list_display = ["number", "client", "due_date", "late", "total_", "balance_", "state_"]
    list_filter = [OverdueFilter, "currency", "due_date", "organization"]
    search_fields = ["number", "client__name", "client__code"]
    date_hierarchy = "due_date"
    list_select_related = ["client"]
    readonly_fields = ["total_", "paid_", "balance_", "state_"]
    inlines = [InvoiceLineInline, InvoiceAllocationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organization",
                    "number",
                    "client",
                    "contract",
                    "milestone",
                    ("issue_date", "due_date"),
                    "currency",
                    "written_off_on",
                ]
            },
        ),
        (_("Balance"), {"fields": [("total_", "paid_", "balance_", "state_")]}),
    ]

    def get_queryset(self, request):
        qs = selectors.annotate_balance(super().get_queryset(request))
        # The day "days late" counts from, as the overdue filter does.
        return qs.annotate(as_of=Value(_changelist_today(request), output_field=DateField()))

    def save_model(self, request, obj, form, change) -> None:
        if obj.total is None:
            obj.total = Decimal(0)  # set from the lines in save_related
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        invoice_total_refresh(invoice=form.instance)

    def _annotated(self, obj):
        if not hasattr(obj, "balance"):
            obj = selectors.annotate_balance(Invoice.objects.filter(pk=obj.pk)).first() or obj
        return obj

    @admin.display(description=_("days late"))
    def late(self, obj) -> str:
        days = days_late(
            due_date=obj.due_date,
            balance=obj.balance,
            written_off_on=obj.written_off_on,
            as_of=obj.as_of,
        )
        return str(days) if days else ""

    @admin.display(description=_("total"), ordering="total")
    def total_(self, obj) -> str:
        return money(obj.total, obj.currency) if obj.pk else _("from the lines")

    @admin.display(description=_("paid"))
    def paid_(self, obj) -> str:
        return money(self._annotated(obj).paid, obj.currency) if obj.pk else ""

    @admin.display(description=_("balance"), ordering="balance")
    def balance_(self, obj) -> str:
        return money(self._annotated(obj).balance, obj.currency) if obj.pk else ""

    @admin.display(description=_("state"), ordering="state")
    def state_(self, obj) -> str:
        return Invoice.State(self._annotated(obj).state).label if obj.pk else ""


class AllocationFormSet(BaseInlineFormSet):
    """A payment's allocations: same client and currency, within its amount and balances."""

    def clean(self) -> None:
        super().clean()
        payment = self.instance
        if any(form.errors for form in self.forms) or payment.amount is None:
            return
        shares: dict[int, Decimal] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            invoice, amount = data["invoice"], data["amount"]
            if invoice.client_id != payment.client_id or invoice.currency != payment.currency:
                raise ValidationError(
                    _("Invoice %(number)s is not this client's in %(currency)s.")
                    % {"number": invoice.number, "currency": payment.currency}
                )
            if not is_exact(amount, payment.currency):
                raise ValidationError(
                    _("%(amount)s is finer than %(currency)s's minor unit.")
                    % {"amount": amount, "currency": payment.currency}
                )
            shares[invoice.pk] = shares.get(invoice.pk, Decimal(0)) + amount
        if sum(shares.values(), Decimal(0)) > payment.amount:
            raise ValidationError(
                _("The allocations add up to more than the payment's %(amount)s.")
                % {"amount": money(payment.amount, payment.currency)}
            )
        others = (
            Allocation.objects.filter(invoice__in=list(shares))
            .exclude(payment=payment if payment.pk else None)
            .values("invoice")
            .annotate(s=Sum("amount"))
        )
        taken = {row["invoice"]: row["s"] for row in others}
        for invoice in Invoice.objects.filter(pk__in=list(shares)):
            room = invoice.total - taken.get(invoice.pk, Decimal(0))
            if shares[invoice.pk] > room:
                raise ValidationError(
                    _("Invoice %(number)s has only %(room)s left to pay.")
                    % {"number": invoice.number, "room": money(room, invoice.currency)}
                )


class PaymentAllocationInline(ScopedInline):
    model = Allocation
    fk_name = "payment"
    formset = AllocationFormSet
    fields = ["invoice", "amount"]
    autocomplete_fields = ["invoice"]
    verbose_name_plural = _("allocations to invoices")


@admin.register(Payment)
class PaymentAdmin(ScopedAdmin):
    list_display = ["date", "client", "amount_", "method", "reference"]
    list_filter = ["currency", "method", "organization"]
    search_fields = ["reference", "client__name", "key"]
    date_hierarchy = "date"
    list_select_related = ["client"]
    inlines = [PaymentAllocationInline]

    def save_model(self, request, obj, form, change) -> None:
        if not obj.key:
            obj.key = f"manual/{uuid.uuid4().hex}"
        super().save_model(request, obj, form, change)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_(self, obj) -> str:
        return money(obj.amount, obj.currency)
