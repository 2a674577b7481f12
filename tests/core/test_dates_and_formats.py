"""Issue 14: dates day first and a decimal comma in both UI languages; a date field never reads month first."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from core.forms import LocalDateField


class DueForm(forms.Form):
    due = LocalDateField()


@pytest.mark.parametrize("language", ["id", "en"])
def test_dates_times_and_numbers_are_shown_one_way_in_both_languages(language):
    moment = dt.datetime(2027, 3, 31, 14, 5)
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d }} {{ t|date:"SHORT_DATETIME_FORMAT" }} {{ t }} '
                        '{{ n|floatformat:"2g" }} {{ n }} {{ p|floatformat:"1g" }}')
    with translation.override(language):
        text = template.render(Context({"d": moment.date(), "t": moment, "n": Decimal("1000.00"),
                                        "p": Decimal("2.94")}))
        assert text == "31/03/2027 31/03/2027 31/03/2027 14:05 31/03/2027 14:05 1.000,00 1000,00 2,9"
        assert formats.number_format(Decimal("700"), 2) == "700,00"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"  # the admin's date fields too


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("typed", "day"), [
    ("01/07/2019", dt.date(2019, 7, 1)), ("1/7/2019", dt.date(2019, 7, 1)), ("2019-07-01", dt.date(2019, 7, 1)),
    (" 31/12/2019 ", dt.date(2019, 12, 31)),
])
def test_a_date_is_read_day_first_or_iso(language, typed, day):
    with translation.override(language):
        form = DueForm({"due": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["due"] == day


@pytest.mark.parametrize("typed", ["07/31/2019", "31-07-2019", "31.07.2019", "2019/07/31", "31/07/19", "Jul 31 2019",
                                   "besok"])
def test_anything_else_is_refused_with_the_format_to_use(typed):
    with translation.override("id"):
        form = DueForm({"due": typed})
        assert not form.is_valid()
        assert form.errors["due"] == ["Ketik tanggal sebagai hh/bb/tttt, misalnya 31/03/2027."]


@pytest.mark.parametrize("typed", ["31/02/2019", "29/02/2019", "31/04/2027", "2019-02-30"])
def test_a_date_typed_the_right_way_that_does_not_exist_is_named_so(typed):
    with translation.override("id"):
        form = DueForm({"due": typed})
        assert not form.is_valid()
        assert form.errors["due"] == [f"Tanggal {typed} tidak ada."]


def test_the_date_input_is_text_with_a_placeholder_and_shows_the_day_first():
    with translation.override("en"):
        html = str(DueForm(initial={"due": dt.date(2019, 7, 1)})["due"])
    assert 'type="text"' in html and 'value="01/07/2019"' in html and 'placeholder="dd/mm/yyyy"' in html
    with translation.override("id"):
        assert 'placeholder="hh/bb/tttt"' in str(DueForm()["due"])
