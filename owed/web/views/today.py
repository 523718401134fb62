"""Today (`/`): what the runs planned up to today, and the forms to skip, snooze or log a
call for each."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from owed.core.calls import Reason
from owed.dunning import actions as services
from owed.dunning.models import Action
from owed.dunning.services import call_log
from owed.errors import OwedError
from owed.web.access import Access
from owed.web.forms import CallForm, SkipForm, SnoozeForm
from owed.web.selectors.today import planned_actions, today_groups
from owed.web.views.base import INVALID, member_view, page, service_error

FORMS = {"skip": SkipForm, "snooze": SnoozeForm, "call": CallForm}


def _form(kind: str, action_id: int, today, data=None):
    cls = FORMS[kind]
    options = {"prefix": f"{kind}-{action_id}"}
    if cls is not SkipForm:
        options["today"] = today
    return cls(data, **options)


def _render(request, access: Access, *, bound=None, status: int = 200):
    """The Today page; `bound` is a (kind, action id, form) re-shown with its errors."""
    organization = access.organization
    today = organization.today()
    groups = today_groups(organization=organization, today=today)
    for group in groups:
        for row in group.rows:
            forms = {}
            if access.can_write:
                kinds = ["call"] if row.is_call else []
                kinds += ["skip", "snooze"]
                forms = {kind: _form(kind, row.action.pk, today) for kind in kinds}
            if bound and bound[1] == row.action.pk:
                forms[bound[0]] = bound[2]
                row.open_form = bound[0]
            row.forms = forms
    return page(
        request,
        access,
        "web/today.html",
        {
            "today": today,
            "groups": groups,
            "count": sum(len(g.rows) + g.hidden for g in groups),
            "nav": "today",
        },
        status=status,
    )


@require_GET
@member_view
def today(request, access: Access):
    return _render(request, access)


def _action(access: Access, pk: int) -> Action:
    organization = access.organization
    return get_object_or_404(
        planned_actions(organization=organization, today=organization.today()).select_related(
            "client"
        ),
        pk=pk,
    )


def _post(request, access: Access, pk: int, kind: str, act) -> object:
    """Check the action is the organization's and planned, bind the form, call `act`."""
    action = _action(access, pk)
    today = access.organization.today()
    form = _form(kind, action.pk, today, request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                message = act(action, form.cleaned_data, today)
        except OwedError as exc:
            service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect("web:today")
    return _render(request, access, bound=(kind, action.pk, form), status=INVALID)


@require_POST
@member_view
def action_skip(request, access: Access, pk: int):
    def act(action, data, today):
        services.action_skip(
            organization=access.organization, action=action, reason=data["reason"], on=today
        )
        return _("Skipped: %(client)s.") % {"client": action.client.name}

    return _post(request, access, pk, "skip", act)


@require_POST
@member_view
def action_snooze(request, access: Access, pk: int):
    def act(action, data, today):
        services.action_snooze(
            organization=access.organization,
            action=action,
            until=data["until"],
            on=today,
            note=data["note"],
        )
        return _("Snoozed: %(client)s.") % {"client": action.client.name}

    return _post(request, access, pk, "snooze", act)


@require_POST
@member_view
def action_call(request, access: Access, pk: int):
    def act(action, data, today):
        call_log(
            organization=access.organization,
            client=action.client,
            on=today,
            reached=data["reached"],
            reason=Reason(data["reason"]) if data["reason"] else None,
            promised_for=data["promised_for"],
            note=data["note"],
        )
        return _("Call logged: %(client)s.") % {"client": action.client.name}

    return _post(request, access, pk, "call", act)
