"""Policies (`/policies/`): the organization's escalation ladders, which clients each
chases, and a policy's page (`/policies/<name>/`) to edit its steps, minimum balances
and segment, give it to a client, make it the default or delete it.

Each form posts to the page with its name in `form` and calls one service of
`owed.dunning` (the same as `owed policy edit` and `owed policy assign`); saving has
every invoice the policy chases planned again at the next run.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from owed.core.ladder import Policy as CorePolicy
from owed.core.ladder_changes import Change, Kind, ladder_changes
from owed.core.localize import LANGUAGES, format_amount, format_number
from owed.documents.own_texts import template_steps
from owed.dunning.models import ClientPolicy, Policy
from owed.dunning.policy_edits import (
    policy_copy,
    policy_delete,
    policy_make_default,
    policy_update,
)
from owed.dunning.services import policy_assign, policy_current, policy_segment
from owed.errors import OwedError
from owed.ledger.models import Client
from owed.web import forms_policies as f
from owed.web.access import Access
from owed.web.labels import step_label
from owed.web.lists import join_clauses, join_words
from owed.web.selectors import policies as sel
from owed.web.templatetags.owed_web import page_language
from owed.web.views.base import INVALID, member_view, page, service_error

CHANNEL_WORDS = dict(f.CHANNELS)
RECIPIENT_WORDS = dict(f.RECIPIENTS)
CONDITION_WORDS = dict(f.CONDITIONS)


def _url(name: str) -> str:
    return reverse("web:policy", kwargs={"name": name})


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def policies(request, access: Access):
    organization = access.organization
    rows = sel.policy_rows(organization)
    kinds = dict(f.KINDS)
    for row in rows:
        row.kind_label = kinds.get(row.kind, row.kind)
    names = [r.name for r in rows]
    form = None
    status = 200
    if access.can_write:
        data = request.POST if request.method == "POST" else None
        form = f.CopyForm(data, prefix="copy", names=names)
        if data is not None:
            if form.is_valid():
                name = form.cleaned_data["name"]
                try:
                    policy_copy(
                        organization=organization, source=form.cleaned_data["source"], name=name
                    )
                except OwedError as exc:
                    service_error(form, exc)
                else:
                    messages.success(
                        request,
                        _(
                            "Policy %(name)s created. It chases no client until you give it "
                            "some or a segment."
                        )
                        % {"name": name},
                    )
                    return redirect(_url(name))
            status = INVALID
    return page(
        request,
        access,
        "web/policies.html",
        {"rows": rows, "form": form, "nav": "policies", "open_form": status != 200},
        status=status,
    )


def _found(organization, name: str) -> tuple[CorePolicy, Policy | None]:
    try:
        current = policy_current(organization=organization, name=name)
    except OwedError:
        raise Http404("no such policy") from None
    if current.name != name:
        raise Http404("no such policy")
    return current, Policy.objects.filter(organization=organization, name=name).first()


def _amount(value, currency: str) -> str:
    try:
        return format_amount(value, currency, page_language())
    except Exception:  # a minimum with more decimals than its currency: every digit shown
        return f"{format_number(Decimal(value), page_language())} {currency}"


def _day(offset: int) -> str:
    return format_number(offset, page_language())


def describe(change: Change) -> str:
    """One change of a policy in a sentence of the user's language."""
    step = step_label(change.step) if change.step else ""
    if change.kind == Kind.RENAMED:
        return _("Renamed from %(before)s to %(after)s.") % {
            "before": change.before,
            "after": change.after,
        }
    if change.kind == Kind.ADDED:
        return _("%(step)s added, on day %(day)s.") % {"step": step, "day": _day(change.after)}
    if change.kind == Kind.DROPPED:
        return _("%(step)s dropped (it was on day %(day)s).") % {
            "step": step,
            "day": _day(change.before),
        }
    if change.kind == Kind.RETIMED:
        return _("%(step)s moves from day %(before)s to day %(after)s.") % {
            "step": step,
            "before": _day(change.before),
            "after": _day(change.after),
        }
    if change.kind == Kind.CHANNELS:
        return _("%(step)s now goes by %(after)s (was %(before)s).") % {
            "step": step,
            "after": join_words(CHANNEL_WORDS[c] for c in change.after),
            "before": join_words(CHANNEL_WORDS[c] for c in change.before),
        }
    if change.kind == Kind.RECIPIENT:
        if change.after == "billing":
            return _("%(step)s is now written to the billing contact.") % {"step": step}
        return _("%(step)s is now written to the main contact.") % {"step": step}
    if change.kind == Kind.CONDITIONS:
        if not change.after:
            return _("%(step)s no longer has conditions.") % {"step": step}
        return _("%(step)s: %(conditions)s.") % {
            "step": step,
            "conditions": join_clauses(CONDITION_WORDS[c] for c in change.after),
        }
    if change.kind == Kind.ATTACHMENTS:
        return _("%(step)s: what it attaches changes.") % {"step": step}
    if change.kind == Kind.REORDERED:
        if change.after is None:
            return _("%(step)s now comes first.") % {"step": step}
        return _("%(step)s now comes after %(previous)s.") % {
            "step": step,
            "previous": step_label(change.after),
        }
    if change.kind == Kind.MINIMUM:
        if change.after is None:
            return _("No minimum balance for %(currency)s any more.") % {"currency": change.step}
        return _("Balances below %(amount)s are not chased.") % {
            "amount": _amount(change.after, change.step)
        }
    return str(change.kind)


def describe_segment(segment: dict) -> str:
    """The policy's new segment in a sentence."""
    if not segment:
        return _("No segment any more: it chases only the clients given it.")
    kind = dict(f.KINDS).get(segment.get("kind", ""), "")
    countries = join_words(segment.get("countries", []))
    if countries and segment.get("kind"):
        return _("Segment: %(kind)s in %(countries)s.") % {"kind": kind, "countries": countries}
    if countries:
        return _("Segment: clients in %(countries)s.") % {"countries": countries}
    return _("Segment: %(kind)s.") % {"kind": kind}


def _steps_view(organization, policy: CorePolicy) -> list[dict]:
    """The policy's steps with their labels and texts, for the page."""
    codes = [s.code for s in policy.steps]
    own = sel.own_texts(organization, codes)
    rows = []
    for step in policy.steps:
        letter = any(c.value == "letter" for c in step.channels)
        source = step.code if own.get(step.code) else sel.text_source(step.code, letter)
        rows.append(
            {
                "step": step,
                "label": step_label(step.code),
                "channels": [CHANNEL_WORDS[c.value] for c in step.channels],
                "recipient": RECIPIENT_WORDS[step.recipient.value],
                "conditions": [CONDITION_WORDS[c.value] for c in step.conditions],
                "template": source,
                "template_label": step_label(source),
                "own_languages": own.get(step.code, []),
                "borrowed": source != step.code,
                "is_task": all(c.value == "task" for c in step.channels),
            }
        )
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def policy(request, access: Access, name: str):
    organization = access.organization
    current, stored = _found(organization, name)
    is_default = stored.is_default if stored else True
    segment = policy_segment(organization=organization, name=current.name) or {}
    posted = request.POST.get("form") if request.method == "POST" else None
    context: dict = {"open_form": posted}
    status = 200
    ladder = None
    forms: dict = {}
    if access.can_write:
        data = request.POST if posted == "ladder" else None
        if data is not None and request.POST.get("move"):
            where, _sep, way = request.POST["move"].partition(":")
            if where.isdigit() and way in ("up", "down"):
                data = f.moved(request.POST, int(where), way == "up")
                # The focus follows the step to its new place.
                context["moved_to"] = int(where) + (-1 if way == "up" else 1)
                context["moved_way"] = way
            context["moved"] = True
        ladder = f.LadderEdit(data, policy=current, segment=segment, is_default=is_default)
        forms["assign"] = f.AssignForm(
            request.POST if posted == "assign" else None, prefix="assign"
        )
        if not is_default:
            forms["delete"] = f.DeleteForm(
                request.POST if posted == "delete" else None, prefix="delete"
            )
    if posted is not None:
        outcome = _act(request, access, posted, current, stored, is_default, ladder, forms, context)
        if outcome is not None:
            return outcome
        status = context.pop("status", INVALID)
    return page(
        request,
        access,
        "web/policies_edit.html",
        {
            **context,
            "policy": current,
            "stored": stored,
            "is_default": is_default,
            "segment": segment,
            "segment_kind": dict(f.KINDS).get(segment.get("kind", ""), ""),
            "steps": _steps_view(organization, current),
            "minimums": [
                (currency, _amount(amount, currency))
                for currency, amount in current.minimum_balances
            ],
            "clients": sel.own_clients(organization, stored),
            "client_count": ClientPolicy.objects.filter(policy=stored).count() if stored else 0,
            "client_codes": sel.client_choices(organization) if access.can_write else [],
            "step_codes": [(c, step_label(c)) for c in template_steps(organization)],
            "ladder": ladder,
            "forms": forms,
            "languages": LANGUAGES,
            "text_language": organization.language or "en",
            "nav": "policies",
        },
        status=status,
    )


def _act(request, access, posted, current, stored, is_default, ladder, forms, context):
    """Do what the posted form asks; a redirect when done, None to show the page again
    (with the form's errors, or the changes to review, in `context`)."""
    organization = access.organization
    if posted == "ladder":
        if context.get("moved"):
            context["status"] = 200
            return None
        if not ladder.is_valid():
            return None
        new_name = ladder.ladder().name
        if new_name != current.name and (
            Policy.objects.filter(organization=organization, name=new_name).exists()
            or new_name == policy_current(organization=organization).name
        ):
            ladder.form.add_error(
                "name", _("There is already a policy named %(name)s.") % {"name": new_name}
            )
            return None
        changes = [describe(c) for c in ladder_changes(current, ladder.ladder())]
        new_segment = ladder.form.segment()
        if new_segment != (policy_segment(organization=organization, name=current.name) or {}):
            changes.append(describe_segment(new_segment))
        context["changes"] = changes
        if "review" in request.POST:
            context["status"] = 200
            context["reviewing"] = True
            return None
        if not changes:
            messages.info(request, _("Nothing changed."))
            return redirect(_url(current.name))
        try:
            saved = policy_update(organization=organization, name=current.name, data=ladder.data())
        except OwedError as exc:
            ladder.problems.append(exc.message)
            ladder.problems.extend(exc.details)
            return None
        messages.success(
            request,
            _("Policy saved: the invoices it chases are planned again at the next run."),
        )
        for sentence in context["changes"]:
            messages.info(request, sentence)
        return redirect(_url(saved.stored.name))
    if posted == "assign" and "assign" in forms:
        form = forms["assign"]
        if not form.is_valid():
            return None
        code = form.cleaned_data["client"].strip()
        client = Client.objects.filter(organization=organization, code=code).first()
        if client is None:
            form.add_error("client", _("No client has this id."))
            return None
        # The default chases every client without a policy of its own.
        policy_assign(
            organization=organization, client=client, name=None if is_default else current.name
        )
        messages.success(
            request,
            _("%(client)s is now chased with the %(policy)s policy.")
            % {"client": client.name, "policy": current.name},
        )
        return redirect(_url(current.name))
    if posted == "unassign" and access.can_write:
        own = ClientPolicy.objects.filter(
            policy=stored,
            client__organization=organization,
            client__code=request.POST.get("client"),
        ).select_related("client")
        found = own.first() if stored else None
        if found is None:
            raise Http404("no such client of this policy")
        policy_assign(organization=organization, client=found.client, name=None)
        messages.success(
            request,
            _("%(client)s is chased with the default policy again.")
            % {"client": found.client.name},
        )
        return redirect(_url(current.name))
    if posted == "default" and access.can_write and not is_default:
        try:
            policy_make_default(organization=organization, name=current.name)
        except OwedError as exc:
            context["default_problem"] = exc.message
            return None
        messages.success(
            request,
            _("%(policy)s is now the default policy: it chases every client without its own.")
            % {"policy": current.name},
        )
        return redirect(_url(current.name))
    if posted == "delete" and "delete" in forms:
        form = forms["delete"]
        if not form.is_valid():
            return None
        try:
            policy_delete(organization=organization, name=current.name)
        except OwedError as exc:
            service_error(form, exc)
            return None
        messages.success(request, _("Policy %(policy)s deleted.") % {"policy": current.name})
        return redirect("web:policies")
    raise Http404("no such form")
