"""What every back-office page does first: log-in, the user's language and organization,
the read-only rule, and the organization's time zone for the dates on the page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django_htmx.http import HttpResponseClientRedirect

from owed.errors import OwedError
from owed.ledger.models import Membership
from owed.web.access import Access, access_for

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
INVALID = 422
"""The status of a page re-rendered with form errors (htmx is configured to swap it)."""


def user_language(request: HttpRequest) -> str | None:
    """The language the user chose in the back office, if any."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from owed.web.models import Profile

    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or None


def use_language(request: HttpRequest) -> None:
    language = user_language(request)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


def member_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for members of an organization: `view(request, access, ...)`.

    Anonymous users go to the log-in page; users in several organizations choose one
    first; a read-only member's POST is refused with 403.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            login = reverse("web:login")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(f"{login}?next={request.path}")
            return redirect_to_login(request.get_full_path(), login)
        use_language(request)
        access = access_for(request)
        if access is None:
            return redirect("web:organizations")
        if request.method not in SAFE_METHODS and not access.can_write:
            raise PermissionDenied("read-only")
        timezone.activate(ZoneInfo(access.organization.timezone))
        try:
            return view(request, access, *args, **kwargs)
        finally:
            timezone.deactivate()

    return wrapper


def is_owner(access: Access) -> bool:
    return access.role == Membership.Role.OWNER


def owner_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page every member sees and only an owner changes (the settings): as
    `member_view`, and a POST from a member or a read-only member is refused with 403."""

    @wraps(view)
    def check(request: HttpRequest, access: Access, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS and not is_owner(access):
            raise PermissionDenied("owners only")
        return view(request, access, *args, **kwargs)

    return member_view(check)


def page(request: HttpRequest, access: Access, template: str, context: dict, status: int = 200):
    return render(
        request,
        template,
        {"access": access, "organization": access.organization, **context},
        status=status,
    )


def service_error(form, exc: OwedError) -> None:
    """Show a service's refusal on the form that asked for it."""
    form.add_error(None, exc.message)
    for detail in exc.details:
        form.add_error(None, detail)
