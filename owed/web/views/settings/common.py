"""What the settings pages share: the page around them and the owner rule."""

from __future__ import annotations

from django.http import HttpRequest

from owed.web.access import Access
from owed.web.views.base import is_owner, page


def settings_page(
    request: HttpRequest,
    access: Access,
    template: str,
    section: str,
    context: dict,
    status: int = 200,
):
    """A settings page: `section` marks its place in the settings menu; `can_change`
    says whether the user may change anything on it (an owner)."""
    return page(
        request,
        access,
        template,
        {"nav": "settings", "section": section, "can_change": is_owner(access), **context},
        status=status,
    )
