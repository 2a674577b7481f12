"""What every ModelAdmin of the project shares."""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import formats
from simple_history.template_utils import HistoricalRecordContextHelper

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


class LocalHistoryContextHelper(HistoricalRecordContextHelper):
    """The admin's history list writes changed numbers and dates as the pages do (18,60; 31/03/2027)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, (Decimal, dt.date)):  # dt.datetime included
            return formats.localize(value)
        return value


class LocalNumbersAdminMixin:
    """Admin number fields read `3,5` and `3.5` alike, like every other form of the project."""

    formfield_overrides = LOCAL_NUMBER_FIELDS

    def get_historical_record_context_helper(self, request, historical_record):
        # Used by django-simple-history's SimpleHistoryAdmin; unused by a plain ModelAdmin.
        return LocalHistoryContextHelper(self.model, historical_record)
