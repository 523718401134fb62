"""The /api/docs page: Swagger UI served from django-ninja's own copy of it.

Ninja, when it is not an installed app, builds the page from a CDN with an inline script;
the site's Content-Security-Policy (scripts from this site only) would block both. This
page loads the same files from /api/docs/<file>, and its settings travel as a JSON data
block that `swagger-ui-init.js` reads, so nothing inline runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.html import escape, json_script
from django.utils.translation import gettext as _
from ninja.openapi.docs import Swagger

from owed.api.errors import body

ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}
FOLDER = Path(ninja.__file__).parent / "static" / "ninja"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{icon}" type="image/png">
</head>
<body data-csrf-token="" data-api-csrf="">
{settings}
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}

        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs-asset", args=[name])

        html = PAGE.format(
            title=escape(api.title),
            css=asset("swagger-ui.css"),
            icon=asset("favicon.png"),
            settings=json_script(settings, "swagger-settings"),
            bundle=asset("swagger-ui-bundle.js"),
            init=asset("swagger-ui-init.js"),
        )
        return HttpResponse(html)


def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    """One of the Swagger UI files, cached for a day."""
    if name not in ASSETS:
        return JsonResponse(body("not_found", _("There is no such URL in the API.")), status=404)
    response = FileResponse((FOLDER / name).open("rb"), content_type=ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


docs_asset.csrf_exempt = True  # type: ignore[attr-defined] - a file for anyone, like the page
