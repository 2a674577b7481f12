from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from core.forms import AdminLoginForm, LoginForm

admin.site.site_header = _("KLA Tracker administration")
admin.site.site_title = _("KLA Tracker")
admin.site.index_title = _("Manage records")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before Django's auth urls: the same log-in view with our form (its Indonesian error message).
    path("akun/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("akun/", include("django.contrib.auth.urls")),
    # The language can be switched before logging in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("kelurahan/", include("kelurahan.urls")),
    path("rencana/", include("planner.urls")),
    path("dekela/", include("dekela.urls")),
    path("", include("offices.urls")),
    path("", include("evidence.urls")),
    path("", include("clusters.urls")),
    path("", include("dashboard.urls")),
]

# Django's own 500 view renders without the request (no navigation); this one tries with it first.
handler500 = "core.views.server_error"
