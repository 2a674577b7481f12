from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KelurahanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kelurahan"
    verbose_name = _("Kelurahan and PATBM")
    # Models staff write (core.roles); the task force reads every model of the app.
    staff_writes = ("patbm",)
