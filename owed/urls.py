"""URL routes. The back office and client portal come with their own apps."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = "owed"
admin.site.site_title = "owed"
admin.site.index_title = _("Receivables")

urlpatterns = [
    path("admin/", admin.site.urls),
]
