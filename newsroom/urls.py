"""The project's URLs: the admin, then the public archive (``articles`` namespace)."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Archive de la rédaction")
admin.site.site_title = _("Archive de la rédaction")
admin.site.index_title = _("Tableau de bord")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.search.urls")),  # /recherche/ and /api/recherche/
    path("", include("articles.urls")),
]
