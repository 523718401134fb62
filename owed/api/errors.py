"""Every failure as JSON `{"code", "message", "details"}` with its HTTP status.

| status | code               | when                                                   |
|--------|--------------------|--------------------------------------------------------|
| 400    | invalid            | the request is well formed but owed refuses it         |
| 400    | malformed          | the body is not JSON                                   |
| 401    | unauthorized       | no token, an unknown one or a revoked one              |
| 403    | read_only          | a read-only member's token tried to write              |
| 404    | not_found          | no such object in the token's organization, or no URL  |
| 405    | method_not_allowed | the URL exists, not with that method                   |
| 409    | conflict           | the object exists already (an invoice number, ...)     |
| 422    | schema             | the request does not match the OpenAPI schema          |
| 500    | server_error       | a bug: logged on the server, never shown               |

`details` lists `{"field", "message"}` pairs; `field` is a dotted path into the request
(`lines.0.unit_price`) or null for the request as a whole. Messages are in the language
of the request's `Accept-Language` where owed has them translated; codes never change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from owed.core.money import MoneyError
from owed.errors import OwedError
from owed.ledger.parties import CodeTaken

logger = logging.getLogger("owed.api")

Detail = dict[str, str | None]


class ApiError(Exception):
    """A failure with its status, code, message and field details, answered as JSON."""

    def __init__(
        self, status: int, code: str, message: str, details: Iterable[Detail] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details)

    @classmethod
    def not_found(cls, model, pk: object) -> ApiError:
        """The same answer for an id of another organization as for an id never used."""
        return cls(
            404,
            "not_found",
            _("There is no %(object)s with id %(id)s.")
            % {"object": model._meta.verbose_name, "id": pk},
        )

    @classmethod
    def conflict(cls, message: str) -> ApiError:
        return cls(409, "conflict", str(message))

    @classmethod
    def read_only(cls) -> ApiError:
        return cls(
            403,
            "read_only",
            _("Your role in this organization is read-only: this token can only read."),
        )

    @classmethod
    def invalid(cls, field: str | None, message: str) -> ApiError:
        return cls(
            400, "invalid", _("The request is not valid."), [{"field": field, "message": message}]
        )


def body(code: str, message: str, details: Iterable[Detail] = ()) -> dict:
    return {"code": code, "message": message, "details": list(details)}


def answer(api: NinjaAPI, request: HttpRequest, status: int, data: dict) -> HttpResponse:
    response = api.create_response(request, data, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="owed"'
    return response


def django_details(exc: DjangoValidationError) -> list[Detail]:
    if not hasattr(exc, "error_dict"):
        return [{"field": None, "message": str(m)} for m in exc.messages]
    return [
        {"field": None if field == NON_FIELD_ERRORS else field, "message": str(message)}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def _schema_details(errors: list[dict]) -> list[Detail]:
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "lines", "0", "unit_price"): the source and the body's
        # parameter name say nothing to a client.
        loc = loc[2:] if loc[:1] == ["body"] else loc[1:]
        details.append({"field": ".".join(loc) or None, "message": error.get("msg", "")})
    return details


def install(api: NinjaAPI) -> None:
    """Answer every exception a view or the authentication raises in the JSON format."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return answer(api, request, exc.status, body(exc.code, exc.message, exc.details))

    def schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
        message = _("The request does not match the API schema.")
        return answer(api, request, 422, body("schema", message, _schema_details(exc.errors)))

    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Give a valid API token: Authorization: Bearer <token>.")
        return answer(api, request, 401, body("unauthorized", message))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # What ninja raises itself: a body that is not JSON (400).
        if exc.status_code == 400:
            message = _("The request body is not valid JSON.")
            return answer(api, request, 400, body("malformed", message))
        return answer(api, request, exc.status_code, body("error", str(exc)))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(api, request, 404, body("not_found", _("Not found.")))

    def validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        message = _("The request is not valid.")
        return answer(api, request, 400, body("invalid", message, django_details(exc)))

    def owed_error(request: HttpRequest, exc: OwedError) -> HttpResponse:
        details = [{"field": None, "message": d} for d in exc.details]
        return answer(api, request, 400, body("invalid", exc.message, details))

    def code_taken(request: HttpRequest, exc: CodeTaken) -> HttpResponse:
        return answer(api, request, 409, body("conflict", exc.message))

    def money_error(request: HttpRequest, exc: MoneyError) -> HttpResponse:
        return answer(api, request, 400, body("invalid", str(exc)))

    def integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # Two requests raced past the checks made before writing: the database kept one.
        message = _("This conflicts with data that already exists.")
        return answer(api, request, 409, body("conflict", message))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        message = _("Something went wrong on the server; it has been logged.")
        return answer(api, request, 500, body("server_error", message))

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(SchemaError, schema_error)
    api.add_exception_handler(AuthenticationError, unauthorized)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(DjangoValidationError, validation)
    api.add_exception_handler(OwedError, owed_error)
    api.add_exception_handler(CodeTaken, code_taken)
    api.add_exception_handler(MoneyError, money_error)
    api.add_exception_handler(IntegrityError, integrity)
    api.add_exception_handler(Exception, server_error)
