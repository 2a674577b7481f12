"""What every ModelAdmin of the project shares."""

from django.db import models

from core.forms import DecimalInput, LocalDecimalField, LocalIntegerField, WholeNumberInput

# The admin's own defaults give integer fields a type=number widget: replaced too.
_WHOLE = {"form_class": LocalIntegerField, "widget": WholeNumberInput}
LOCAL_NUMBER_FIELDS = {
    models.DecimalField: {"form_class": LocalDecimalField, "widget": DecimalInput},
    models.IntegerField: _WHOLE,
    models.PositiveIntegerField: _WHOLE,
    models.PositiveSmallIntegerField: _WHOLE,
    models.SmallIntegerField: _WHOLE,
    models.BigIntegerField: _WHOLE,
}


class LocalNumbersAdminMixin:
    """Admin number fields read `3,5` and `3.5` alike, like every other form of the project."""

    formfield_overrides = LOCAL_NUMBER_FIELDS
