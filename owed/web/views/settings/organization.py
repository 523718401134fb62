"""`/settings/`: the organization's legal name, letterhead, country, currency, language
and time zone."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from owed.errors import OwedError
from owed.ledger.models import Organization
from owed.ledger.settings_services import ORGANIZATION_FIELDS, organization_update
from owed.web.access import Access
from owed.web.forms_settings import OrganizationForm, time_zones
from owed.web.views.base import INVALID, is_owner, owner_view, service_error
from owed.web.views.settings.common import settings_page


@require_http_methods(["GET", "HEAD", "POST"])
@owner_view
def organization(request, access: Access):
    form = None
    status = 200
    if is_owner(access):
        # A copy: a form with mistakes must not change the name in the page's header.
        own = Organization.objects.get(pk=access.organization.pk)
        form = OrganizationForm(request.POST or None, instance=own)
        if request.method == "POST":
            if form.is_valid():
                changes = {name: form.cleaned_data[name] for name in ORGANIZATION_FIELDS}
                try:
                    organization_update(organization=own, by=request.user, **changes)
                except OwedError as exc:
                    service_error(form, exc)
                else:
                    messages.success(request, _("The organization's details are saved."))
                    return redirect("web:settings")
            status = INVALID
    return settings_page(
        request,
        access,
        "web/settings/organization.html",
        "organization",
        {
            "form": form,
            "time_zones": time_zones() if form else (),
        },
        status=status,
    )
