"""Number and date form fields that read the same text alike, whatever the browser's language.

`<input type="number">` takes its decimal separator from the browser's language (an English
Chromium turned `3,5` into 35), so numbers are text inputs with `inputmode` for the phone keypad,
read on the server by `core.numbers`. `<input type="date">` likewise shows m/d/Y in an English
browser, so dates are text inputs typed dd/mm/yyyy (or ISO yyyy-mm-dd), never month first.
"""

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.numbers import NumberError, format_decimal, parse_decimal, parse_whole_number

NUMBER_MESSAGES = {
    "not_a_number": _("Type one number, for example 3,5."),
    "separators": _("Use one decimal separator and no thousands separator, for example 1000,5."),
    "ambiguous": _("%(value)s could mean two numbers: write it without a thousands separator (1000) or with "
                   "two decimals (1,00)."),
    "not_whole": _("Type a whole number, without decimals."),
}
# A count has no decimals, so it is not offered "1,00" as a way out.
WHOLE_NUMBER_MESSAGES = {
    **NUMBER_MESSAGES,
    "ambiguous": _("%(value)s could mean two numbers: write a count without a thousands separator, for example 1000."),
}


class DecimalInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None, places: int = 2):
        self.places = places
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_decimal(value, self.places)
        return super().format_value(value)  # the user's own text, sent back with an error


class HiddenDecimalInput(DecimalInput):
    """A hidden copy of a value (e.g. the score the form was loaded with), in the same spelling."""

    input_type = "hidden"


class WholeNumberInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


def number_error(error: NumberError, value, messages=NUMBER_MESSAGES) -> ValidationError:
    """Why `value` is not one number, in the user's language (for forms and for imported cells)."""
    return ValidationError(messages.get(error.code, messages["not_a_number"]),
                           code=error.code, params={"value": value})


class _LimitNamedLocally:
    """A min/max validator whose message writes its limit as the form does (`35,00`, not `35.00`)."""

    def __call__(self, value):
        cleaned = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(cleaned, limit):
            shown = format_decimal(limit) if isinstance(limit, Decimal) else limit
            raise ValidationError(self.message, code=self.code,
                                  params={"limit_value": shown, "show_value": cleaned, "value": value})


class _MinValueValidator(_LimitNamedLocally, validators.MinValueValidator):
    pass


class _MaxValueValidator(_LimitNamedLocally, validators.MaxValueValidator):
    pass


class _TypedAsText:
    """A number field typed as text and read by `read` (core.numbers); `messages` name the reasons."""

    messages = NUMBER_MESSAGES

    def widget_attrs(self, widget):
        # No min/max/step: they belong to type=number; the server checks the limits.
        return {key: value for key, value in super().widget_attrs(widget).items() if key not in {"min", "max", "step"}}

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):  # already a number (initial data, a model value): Django's own check
            return super().to_python(value)
        try:
            return self.read(value)
        except NumberError as error:
            raise number_error(error, value, self.messages) from error


class LocalDecimalField(_TypedAsText, forms.DecimalField):
    """A DecimalField typed as text: `3,5` = `3.5` = `3,50`; limits and decimal places as Django checks them."""

    widget = DecimalInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", False)
        super().__init__(*args, **kwargs)
        if isinstance(self.widget, DecimalInput) and self.decimal_places is not None:
            self.widget.places = self.decimal_places
        local = {validators.MinValueValidator: _MinValueValidator, validators.MaxValueValidator: _MaxValueValidator}
        self.validators = [local[type(v)](v.limit_value) if type(v) in local else v for v in self.validators]

    def read(self, text):
        return parse_decimal(text)


class LocalIntegerField(_TypedAsText, forms.IntegerField):
    """A count typed as text, digits only."""

    widget = WholeNumberInput

    messages = WHOLE_NUMBER_MESSAGES

    def read(self, text):
        return parse_whole_number(text)


def mark_invalid(form, names) -> None:
    """Marks the widgets of `names` (fields the server refused) the way Bootstrap and screen readers read
    it, so the page's own checks add no second message."""
    for name in names:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            widget.attrs["aria-invalid"] = "true"


class MarksInvalidFields:
    """A form mixin: every field with an error is marked (`mark_invalid`) once the form is cleaned."""

    def full_clean(self):
        super().full_clean()
        mark_invalid(self, list(self.errors))


def column_char_field(column, **kwargs) -> forms.CharField:
    """A text form field for a value stored in `column` (a model CharField), limited to what the column
    holds: PostgreSQL refuses a longer value with an error (a 500), SQLite stores it and the backup then
    fails to restore into PostgreSQL. `field.column` names the column for the test that checks them all."""
    field = forms.CharField(max_length=column.max_length, **kwargs)
    field.column = column
    return field


class LoginForm(AuthenticationForm):
    """Django's log-in form with an error message of our own: Django's Indonesian catalogue says
    "Masukkan nama pengguna nama pengguna dan sandi yang benar" (the field name inserted twice)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Capital and small letters count in both."),
    }


class AdminLoginForm(AdminAuthenticationForm):
    """The administration's log-in form, with the same fix as LoginForm."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password, or the account may not use the administration. Capital "
                           "and small letters count in both."),
    }


DATE_INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DATE_DISPLAY_FORMAT = "%d/%m/%Y"
_DATE_SHAPE = re.compile(r"^(?:(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/[0-9]{4}|[0-9]{4}-(?P<iso_month>[0-9]{1,2})-"
                         r"(?P<iso_day>[0-9]{1,2}))$")


class DateTextInput(forms.DateInput):
    """A date typed as text, shown dd/mm/yyyy in both UI languages."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            # No inputmode=numeric: a phone's digit keypad may have no "/".
            {"placeholder": _("dd/mm/yyyy"), "autocomplete": "off", **(attrs or {})},
            format=DATE_DISPLAY_FORMAT,
        )


class LocalDateField(forms.DateField):
    """dd/mm/yyyy (`01/07/2019` is 1 July) or ISO yyyy-mm-dd; nothing month-first, whatever the language."""

    widget = DateTextInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": _("Type the date as dd/mm/yyyy, for example 31/03/2027."),
                              "no_such_date": _("The date %(value)s does not exist.")}

    def __init__(self, *args, **kwargs):
        kwargs.pop("input_formats", None)  # one rule: a model's or the locale's formats do not apply
        super().__init__(*args, input_formats=DATE_INPUT_FORMATS, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, dt.datetime):
            return value.date()
        try:
            return super().to_python(value)
        except ValidationError:
            # Typed the right way but no such day (31/02/2019): say that, not how to type it. A month
            # over 12 (07/31/2019) was most likely typed month first: that gets how to type it.
            shape = _DATE_SHAPE.match(value) if isinstance(value, str) else None
            if shape and 1 <= int(shape["month"] or shape["iso_month"]) <= 12 \
                    and 1 <= int(shape["day"] or shape["iso_day"]) <= 31:
                raise ValidationError(self.error_messages["no_such_date"], code="no_such_date",
                                      params={"value": value}) from None
            raise
