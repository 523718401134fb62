"""Today (`/`): what the runs planned up to today, and the forms to skip, snooze or log a
call for each; for an e-mail or a letter, its preview, the user's own wording, approval
and sending it now; the messages whose delivery failed, to retry; and those whose sending
was interrupted, to settle (it was sent, or send it again)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_GET, require_POST

from owed.core.calls import Reason
from owed.documents.compose import CompositionError, call_script, compose, is_call
from owed.dunning import actions as services
from owed.dunning.models import Action
from owed.dunning.services import call_log
from owed.dunning.workload import DayCounts, day_counts
from owed.errors import OwedError
from owed.mail.delivery import mark_stale
from owed.mail.models import Message
from owed.mail.services import message_retry as retry_service
from owed.mail.services import message_settle as settle_service
from owed.web import lists
from owed.web.access import Access
from owed.web.forms import CallForm, DoneForm, MessageEditForm, SkipForm, SnoozeForm
from owed.web.selectors import today as selectors
from owed.web.selectors.today import (
    Preview,
    failed_messages,
    message_action,
    planned_actions,
    today_groups,
    uncertain_messages,
)
from owed.web.templatetags.owed_web import clock, day, num
from owed.web.views.base import INVALID, member_view, page, service_error
from owed.web.views.requests import today_context as client_requests_context

FORMS = {"skip": SkipForm, "snooze": SnoozeForm, "call": CallForm, "done": DoneForm}


def _form(kind: str, action_id: int, today, data=None):
    cls = FORMS[kind]
    options = {"prefix": f"{kind}-{action_id}"}
    if cls in (SnoozeForm, CallForm):
        options["today"] = today
    return cls(data, **options)


def _edit_form(preview: Preview, data=None) -> MessageEditForm | None:
    """The form that words the previewed message differently, filled with the text it
    is written from now (the user's own, or the step's); None when it cannot be
    composed."""
    composed = preview.composed
    if composed is None or composed.wording is None:
        return None
    wording = composed.wording
    return MessageEditForm(
        data,
        prefix=f"edit-{preview.action.pk}",
        language=composed.language,
        letter=preview.by_letter,
        initial={
            "subject": wording.subject,
            "body": wording.body,
            "letter_body": wording.letter_body,
        },
    )


def _render(request, access: Access, *, bound=None, status: int = 200):
    """The Today page; `bound` is a (kind, action id, form) re-shown with its errors (an
    edit form is shown in its message's preview, open)."""
    organization = access.organization
    today = organization.today()
    groups = today_groups(organization=organization, today=today)
    opened = request.GET.get("preview", "")
    opened = int(opened) if opened.isdigit() else None
    for group in groups:
        for item in group.items:
            forms = {}
            if access.can_write:
                kinds = ["call"] if item.is_call else []
                kinds += ["done"] if item.is_task else []
                kinds += ["skip", "snooze"]
                forms = {kind: _form(kind, item.action.pk, today) for kind in kinds}
            if bound and bound[1] == item.action.pk:
                if bound[0] == "edit":
                    item.preview = selectors.action_preview(item.action)
                    item.preview.form = bound[2]
                else:
                    forms[bound[0]] = bound[2]
                    item.open_form = bound[0]
            elif opened == item.action.pk and item.is_message:
                item.preview = _preview(access, item.action)
            item.forms = forms
    counts = day_counts(organization=organization, day=today, to_do=sum(g.count for g in groups))
    failed, failed_count = failed_messages(organization=organization)
    uncertain, uncertain_count = uncertain_messages(organization=organization)
    return page(
        request,
        access,
        "web/today.html",
        {
            "today": today,
            "groups": groups,
            "count": counts.to_do,
            "day_line": _day_line(counts) if counts.to_do or counts.others() else "",
            "failed": failed,
            "failed_count": failed_count,
            "uncertain": uncertain,
            "uncertain_count": uncertain_count,
            **client_requests_context(request, access),
            "review": organization.review_before_sending,
            "nav": "today",
        },
        status=status,
    )


# What became of the day's other actions, as the heading says it (`DayCounts.others`).
OTHERS = {
    "sent": lambda n: npgettext("the day's actions", "%(shown)s sent", "%(shown)s sent", n),
    "done": lambda n: npgettext("the day's actions", "%(shown)s done", "%(shown)s done", n),
    "merged": lambda n: npgettext(
        "the day's actions", "%(shown)s merged into others", "%(shown)s merged into others", n
    ),
    "skipped": lambda n: npgettext(
        "the day's actions", "%(shown)s skipped", "%(shown)s skipped", n
    ),
    "failed": lambda n: npgettext("the day's actions", "%(shown)s failed", "%(shown)s failed", n),
}


def _day_line(counts: DayCounts) -> str:
    """ "28 actions to do today (15 merged into others, 1 skipped)." as `owed run` says it,
    in the reader's language and digits."""
    n = counts.to_do
    others = [OTHERS[name](k) % {"shown": num(k)} for name, k in counts.others()]
    if not others:
        return ngettext("%(shown)s action to do today.", "%(shown)s actions to do today.", n) % {
            "shown": num(n)
        }
    return ngettext(
        "%(shown)s action to do today (%(others)s).",
        "%(shown)s actions to do today (%(others)s).",
        n,
    ) % {"shown": num(n), "others": lists.join_plain(others)}


def _preview(access: Access, action: Action) -> Preview:
    preview = selectors.action_preview(action)
    if access.can_write:
        preview.form = _edit_form(preview)
    return preview


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
def action_done(request, access: Access, pk: int):
    def act(action, data, today):
        services.action_done(
            organization=access.organization, action=action, on=today, note=data["note"]
        )
        return _("Done: %(client)s.") % {"client": action.client.name}

    return _post(request, access, pk, "done", act)


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


# --- an e-mail or a letter before it goes out ------------------------------------------------


def _message_action(access: Access, pk: int) -> Action:
    """The organization's e-mail or letter action (404 for another organization's, or a
    task), whatever its status: the services refuse one that is not planned any more."""
    action = message_action(organization=access.organization, pk=pk)
    if action is None:
        raise Http404("no such message")
    return action


def _refused(request, exc: OwedError):
    messages.error(request, _("Not done: %(reason)s") % {"reason": exc.message})
    return redirect("web:today")


@require_GET
@member_view
def action_preview(request, access: Access, pk: int):
    """The message as it would go now: a fragment for htmx (Today loads it when the
    preview is opened), a page of its own otherwise."""
    action = _message_action(access, pk)
    context = {"action": action}
    if action.status == Action.Status.PLANNED:
        context["preview"] = _preview(access, action)
    template = "web/includes/preview.html" if request.htmx else "web/preview.html"
    return page(request, access, template, context)


@require_GET
@member_view
def action_attachment(request, access: Access, pk: int, index: int):
    """An attachment of the previewed message (the letter, an invoice copy, the
    contract), rendered now as it would be sent."""
    action = _message_action(access, pk)
    if action.status != Action.Status.PLANNED:
        raise Http404("not planned any more")
    try:
        composed = compose(action, require_recipient=False)
    except CompositionError as exc:
        raise Http404(exc.message) from None
    if index >= len(composed.attachments):
        raise Http404("no such attachment")
    attachment = composed.attachments[index]
    response = HttpResponse(
        attachment.content, content_type=attachment.content_type or "application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(False, attachment.filename)
    return response


@require_POST
@member_view
def action_edit(request, access: Access, pk: int):
    action = _message_action(access, pk)
    if action.status != Action.Status.PLANNED:
        return _refused(request, OwedError(f"this action is {action.status} already"))
    preview = selectors.action_preview(action)
    form = _edit_form(preview, request.POST)
    if form is None:
        return _refused(request, OwedError(preview.detail or "the message cannot be composed"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_edit(
                organization=access.organization,
                action=action,
                subject=data["subject"],
                body=data["body"],
                letter_body=data.get("letter_body", ""),
                on=access.organization.today(),
                by=request.user,
            )
        except OwedError as exc:
            service_error(form, exc)
        else:
            text = _("Saved your wording of the message to %(client)s.")
            if access.organization.review_before_sending:
                text += " " + _("Approve it to have it sent.")
            messages.success(request, text % {"client": action.client.name})
            return redirect(f"{reverse('web:today')}?preview={action.pk}")
    return _render(request, access, bound=("edit", action.pk, form), status=INVALID)


@require_POST
@member_view
def action_edit_reset(request, access: Access, pk: int):
    action = _message_action(access, pk)
    try:
        services.action_edit_reset(
            organization=access.organization,
            action=action,
            on=access.organization.today(),
            by=request.user,
        )
    except OwedError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        _("The message to %(client)s is the step's text again.") % {"client": action.client.name},
    )
    return redirect(f"{reverse('web:today')}?preview={action.pk}")


@require_POST
@member_view
def action_approve(request, access: Access, pk: int):
    action = _message_action(access, pk)
    try:
        services.actions_approve(organization=access.organization, ids=[pk], by=request.user)
    except OwedError as exc:
        return _refused(request, exc)
    messages.success(request, _("Approved: %(client)s.") % {"client": action.client.name})
    return redirect("web:today")


@require_POST
@member_view
def actions_approve(request, access: Access):
    ids = [int(v) for v in request.POST.getlist("action") if v.isdigit()]
    try:
        approved = services.actions_approve(
            organization=access.organization, ids=ids, by=request.user
        )
    except OwedError as exc:
        return _refused(request, exc)
    n = len(approved)
    messages.success(
        request,
        ngettext("Approved %(n)s message.", "Approved %(n)s messages.", n) % {"n": num(n)},
    )
    return redirect("web:today")


@require_POST
@member_view
def action_send_now(request, access: Access, pk: int):
    action = _message_action(access, pk)
    try:
        sent = services.action_send_now(
            organization=access.organization, action=action, by=request.user
        )
    except OwedError as exc:
        return _refused(request, exc)
    say_sent(request, sent)
    return redirect("web:today")


def say_sent(request, sent: services.SentNow) -> None:
    """Tell the user how sending a message now went (Today, the invoice page)."""
    client = sent.action.client.name
    delivery = sent.delivery
    if sent.waiting == "later":
        messages.info(
            request,
            _(
                "The message to %(client)s is queued: it goes out on %(day)s at %(time)s, "
                "when the client may be contacted."
            )
            % {"client": client, "day": day(sent.send_at, "short"), "time": clock(sent.send_at)},
        )
    elif sent.waiting == "no_server" or delivery is None:
        messages.warning(
            request,
            _(
                "The message to %(client)s is queued, but no mail server is set: it goes out "
                "once one is (owed mail-server set)."
            )
            % {"client": client},
        )
    elif delivery.status == "sent":
        messages.success(
            request,
            _("Sent to %(client)s: %(subject)s") % {"client": client, "subject": delivery.subject},
        )
    elif delivery.status == "queued":
        messages.warning(
            request,
            _("Not delivered yet to %(client)s: %(error)s owed tries again at %(time)s.")
            % {"client": client, "error": delivery.error, "time": clock(delivery.next_attempt_at)},
        )
    else:
        messages.error(
            request,
            _("The mail server refused the message to %(client)s: %(error)s")
            % {"client": client, "error": delivery.error},
        )


@require_POST
@member_view
def message_retry(request, access: Access, pk: int):
    if not Message.objects.filter(organization=access.organization, pk=pk).exists():
        raise Http404("no such message")
    try:
        message = retry_service(organization=access.organization, message_id=pk)
    except OwedError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        _("Queued again: %(subject)s. It goes with the next delivery.")
        % {"subject": message.subject},
    )
    return redirect("web:today")


@require_POST
@member_view
def message_settle(request, access: Access, pk: int):
    """An uncertain message: the user says it was sent (`outcome=sent`) or has it sent
    again (`outcome=again`)."""
    organization = access.organization
    if not Message.objects.filter(organization=organization, pk=pk).exists():
        raise Http404("no such message")
    outcome = request.POST.get("outcome", "")
    if outcome not in ("sent", "again"):
        return _refused(request, OwedError("say whether the message was sent or is sent again"))
    mark_stale(organization=organization)  # one left sending past the stale time is uncertain
    try:
        message = settle_service(organization=organization, message_id=pk, sent=outcome == "sent")
    except OwedError as exc:
        return _refused(request, exc)
    if outcome == "sent":
        messages.success(
            request,
            _("Recorded as sent: %(subject)s. It is not sent again.")
            % {"subject": message.subject},
        )
    else:
        messages.warning(
            request,
            _(
                "Queued again: %(subject)s. It goes with the next delivery; if it had "
                "arrived after all, the client gets it twice."
            )
            % {"subject": message.subject},
        )
    return redirect("web:today")


@require_GET
@member_view
def action_script(request, access: Access, pk: int):
    """What to say on a call task, point by point, in the client's language (the
    `owed tasks` script): a fragment for htmx, a page of its own otherwise."""
    action = (
        Action.objects.filter(organization=access.organization, pk=pk)
        .select_related("client", "organization")
        .first()
    )
    if action is None or not is_call(action.step):
        raise Http404("no such call")
    try:
        points = call_script(action)
    except CompositionError as exc:
        raise Http404(exc.message) from None
    language = action.client.language or action.organization.language or "en"
    context = {"action": action, "points": points, "script_language": language}
    template = "web/includes/script.html" if request.htmx else "web/script.html"
    return page(request, access, template, context)
