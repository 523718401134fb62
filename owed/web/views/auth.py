"""Logging in and out (with log-in throttling), the language switcher and the choice of
organization."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from owed.web import throttle
from owed.web.access import choose, memberships_of
from owed.web.forms import LanguageForm, OrganizationForm
from owed.web.models import Profile
from owed.web.views.base import use_language


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing a user name and address pair after
    `throttle.LIMIT` failures in `throttle.WINDOW` seconds, even with the right password."""

    def _throttled(self, wait: int) -> forms.ValidationError:
        minutes = max(1, (wait + 59) // 60)
        return forms.ValidationError(
            ngettext(
                "Too many failed log-ins for this user name. Try again in %(minutes)d minute.",
                "Too many failed log-ins for this user name. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            code="throttled",
        )

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        wait = throttle.blocked_for(username, address)
        if wait:
            raise self._throttled(wait)
        try:
            data = super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login":
                throttle.record_failure(username, address)
                wait = throttle.blocked_for(username, address)
                if wait:
                    raise self._throttled(wait) from None
            raise
        throttle.clear(username, address)
        return data


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("web:today")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The user's language follows it to every device it logs in from.
        language = (
            Profile.objects.filter(user=form.get_user()).values_list("language", flat=True).first()
        )
        if language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "languages": settings.LANGUAGES}


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:today")


@require_POST
def language(request):
    """Switch the pages' language: stored on the user's profile (and, for the log-in page
    and the admin, in Django's language cookie)."""
    form = LanguageForm(request.POST)
    target = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        return HttpResponseRedirect(target)
    chosen = form.cleaned_data["language"]
    if request.user.is_authenticated:
        Profile.objects.update_or_create(user=request.user, defaults={"language": chosen})
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def organizations(request):
    """Choose the organization to work in (for a user in several)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("web:login"))
    use_language(request)
    found = memberships_of(request.user)
    error = ""
    if request.method == "POST":
        form = OrganizationForm(request.POST)
        if form.is_valid() and choose(request, form.cleaned_data["organization"]):
            return redirect(_safe_next(request, request.POST.get("next", "")))
        error = _("Choose one of your organizations.")
    status = 200 if found else 403
    if error:
        status = 422
    return render(
        request,
        "web/organizations.html",
        {"memberships": found, "error": error, "next": request.GET.get("next", "")},
        status=status,
    )
