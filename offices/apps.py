from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "offices"
    verbose_name = _("Office accounts")
    # Models staff write (core.roles): they review the offices' answers; the task force reads every model.
    staff_writes = ("answerreview",)
    # What the Operator OPD role may do (core.roles): answer its own office's questions, nothing else.
    operator_permissions = ("answer_office_questions",)

    def ready(self):
        from offices import signals  # noqa: F401  (connects the receivers)
