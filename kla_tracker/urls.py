from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("KLA Tracker administration")
admin.site.site_title = _("KLA Tracker")
admin.site.index_title = _("Manage records")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("akun/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("clusters.urls")),
]
