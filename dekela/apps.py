from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DekelaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dekela"
    verbose_name = _("Kelurahan and kecamatan criteria (Kelana-Dekela)")
    # Models staff write (core.roles); the task force reads every model of the app.
    staff_writes = ("criterionstatus",)
