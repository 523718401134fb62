"""URL routes. The back office and client portal come with their own apps."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from owed.api.api import api

admin.site.site_header = "owed"
admin.site.site_title = "owed"
admin.site.index_title = _("Receivables")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("p/", include("owed.portal.urls")),
    path("", include("owed.web.urls")),
]
