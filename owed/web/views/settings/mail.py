"""`/settings/mail/`: the mail server the organization's e-mail goes out through, and a
test message sent through it at once (`/settings/mail/test/`)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from owed.errors import OwedError
from owed.mail.models import MailServer
from owed.mail.server import mail_server_save, mail_server_test
from owed.web.access import Access
from owed.web.forms_settings import MailServerForm, MailTestForm
from owed.web.selectors import settings as sel
from owed.web.views.base import INVALID, is_owner, owner_view, service_error
from owed.web.views.settings.common import settings_page


def _page(request, access: Access, *, form=None, test=None, result=None, status=200):
    server = sel.mail_server_of(organization=access.organization)
    if is_owner(access):
        if form is None:
            instance = copy.copy(server) if server else MailServer(organization=access.organization)
            form = MailServerForm(instance=instance)
        if test is None and server is not None:
            test = MailTestForm(initial={"to": request.user.email}, prefix="test")
    return settings_page(
        request,
        access,
        "web/settings/mail.html",
        "mail",
        {"server": server, "form": form, "test": test, "result": result},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@owner_view
def mail_server(request, access: Access):
    if request.method != "POST":
        return _page(request, access)
    server = sel.mail_server_of(organization=access.organization)
    instance = copy.copy(server) if server else MailServer(organization=access.organization)
    form = MailServerForm(request.POST, instance=instance)
    if form.is_valid():
        try:
            mail_server_save(organization=access.organization, by=request.user, **form.changes())
        except OwedError as exc:
            service_error(form, exc)
        else:
            messages.success(request, _("The mail server's settings are saved."))
            return redirect("web:settings-mail")
    return _page(request, access, form=form, status=INVALID)


@never_cache
@require_POST
@owner_view
def mail_test(request, access: Access):
    test = MailTestForm(request.POST, prefix="test")
    if not test.is_valid():
        return _page(request, access, test=test, status=INVALID)
    try:
        result = mail_server_test(
            organization=access.organization, by=request.user, to=test.cleaned_data["to"]
        )
    except OwedError as exc:
        service_error(test, exc)
        return _page(request, access, test=test, status=INVALID)
    return _page(request, access, test=test, result=result)
