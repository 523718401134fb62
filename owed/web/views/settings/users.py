"""`/settings/users/`: the organization's members and their roles; an owner adds a user,
changes a role or removes a member. The last owner stays an owner."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from owed.errors import OwedError
from owed.ledger.models import Membership
from owed.ledger.settings_services import member_add as add_member
from owed.ledger.settings_services import member_remove as remove_member
from owed.ledger.settings_services import member_role_set, password_generate
from owed.web.access import Access
from owed.web.forms_settings import MemberAddForm
from owed.web.selectors import settings as sel
from owed.web.views.base import INVALID, is_owner, owner_view, service_error
from owed.web.views.settings.common import settings_page


def _page(request, access: Access, *, form=None, problem=None, status=200, added=None):
    if form is None and is_owner(access):
        form = MemberAddForm(prefix="add", initial={"role": Membership.Role.MEMBER})
    rows = sel.members(organization=access.organization)
    return settings_page(
        request,
        access,
        "web/settings/users.html",
        "users",
        {
            "rows": rows,
            "roles": Membership.Role.choices,
            "form": form,
            "problem": problem,
            "added": added,
            "owners": sum(1 for m in rows if m.role == Membership.Role.OWNER),
        },
        status=status,
    )


def _found(access: Access, pk: int) -> Membership:
    membership = sel.membership_of(organization=access.organization, pk=pk)
    if membership is None:
        raise Http404("no such member")
    return membership


@require_http_methods(["GET", "HEAD"])
@owner_view
def members(request, access: Access):
    return _page(request, access)


@never_cache
@require_POST
@owner_view
def member_add(request, access: Access):
    form = MemberAddForm(request.POST, prefix="add")
    if not form.is_valid():
        return _page(request, access, form=form, status=INVALID)
    data = form.cleaned_data
    password = data["password"] or password_generate()
    try:
        user = add_member(
            organization=access.organization,
            by=request.user,
            username=data["username"],
            email=data["email"],
            role=data["role"],
            password=password,
        )
    except OwedError as exc:
        service_error(form, exc)
        return _page(request, access, form=form, status=INVALID)
    # Shown on this answer only (never kept, never sent again): no redirect.
    added = {"user": user, "password": "" if data["password"] else password}
    messages.success(request, _("%(name)s is added.") % {"name": user.get_username()})
    return _page(request, access, added=added)


@require_POST
@owner_view
def member_role(request, access: Access, pk: int):
    membership = _found(access, pk)
    role = request.POST.get("role", "")
    try:
        member_role_set(
            organization=access.organization, by=request.user, membership=membership, role=role
        )
    except OwedError as exc:
        return _page(request, access, problem=(membership.pk, exc.message), status=INVALID)
    messages.success(
        request,
        _("%(name)s is now: %(role)s.")
        % {"name": membership.user.get_username(), "role": membership.get_role_display()},
    )
    return redirect("web:settings-users")


@require_POST
@owner_view
def member_remove(request, access: Access, pk: int):
    membership = _found(access, pk)
    name = membership.user.get_username()
    myself = membership.user_id == request.user.pk
    try:
        remove_member(organization=access.organization, by=request.user, membership=membership)
    except OwedError as exc:
        return _page(request, access, problem=(membership.pk, exc.message), status=INVALID)
    if myself:
        # Nothing of this organization is theirs to see any more: a whole new page.
        if request.htmx:
            return HttpResponseClientRedirect(reverse("web:organizations"))
        return redirect("web:organizations")
    messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
    return redirect("web:settings-users")
