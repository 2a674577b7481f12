from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evidence"
    verbose_name = _("Evidence documents")
    # Models staff write (core.roles); the task force reads (and downloads) every model of the app.
    staff_writes = ("evidencedocument", "evidencefile")
