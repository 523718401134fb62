"""The owed API: one NinjaAPI, its routers, its error handlers and its URLs.

Mounted at /api/ by `owed.urls`; the OpenAPI schema is /api/openapi.json and its pages
/api/docs. Any URL under /api/ answers JSON, also one that does not exist (404) or a
method an URL does not take (405).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from owed.api import errors
from owed.api.auth import TokenAuth
from owed.api.docs import LocalSwagger, docs_asset
from owed.api.routers import (
    actions,
    client_requests,
    clients,
    contacts,
    contracts,
    disputes,
    interactions,
    invoices,
    outbox,
    payments,
    plans,
    promises,
    snoozes,
)

DESCRIPTION = """\
The ledger and the collections of one organization: clients, contacts, contracts,
invoices, payments, and the actions, promises, plans, disputes, snoozes and interactions
of collections; the outbox: a message's preview, wording, approval and sending, and the
e-mail messages themselves.

Authenticate with `Authorization: Bearer <token>` (`owed token create USERNAME`).
A token acts in one organization; a read-only member's token can only read.
Amounts are exact strings in the currency's minor units; dates are ISO.
Errors are `{"code", "message", "details"}`. See docs/api.md.
"""


class OwedAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # `invoice_list`, not `owed_api_routers_invoices_invoice_list`.
        return operation.view_func.__name__

    def _get_urls(self) -> list:
        urls = [_json_405(u) if isinstance(u, URLPattern) else u for u in super()._get_urls()]
        urls.append(path("docs/<str:name>", docs_asset, name="docs-asset"))
        # Last: any other URL under /api/ is a JSON 404, not Django's HTML page.
        urls.append(re_path(r"^.*$", _no_such_url))
        return urls


def _json_405(pattern: URLPattern) -> URLPattern:
    view = pattern.callback

    def answer_json(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            data = errors.body(
                "method_not_allowed", _("This URL does not take the method %s.") % request.method
            )
            json = JsonResponse(data, status=405)
            json["Allow"] = response["Allow"]
            return json
        return response

    answer_json.csrf_exempt = True  # type: ignore[attr-defined]
    pattern.callback = answer_json
    return pattern


def _no_such_url(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return JsonResponse(errors.body("not_found", _("There is no such URL in the API.")), status=404)


_no_such_url.csrf_exempt = True  # type: ignore[attr-defined]

api = OwedAPI(
    title="owed API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    docs=LocalSwagger(),
    urls_namespace="api",
)
errors.install(api)
for module in (
    clients,
    contacts,
    contracts,
    invoices,
    payments,
    actions,
    promises,
    plans,
    disputes,
    snoozes,
    interactions,
    outbox,
    client_requests,
):
    api.add_router("/", module.router)
