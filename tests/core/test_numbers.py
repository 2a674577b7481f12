from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from core.forms import LocalDecimalField, LocalIntegerField
from core.numbers import NumberError, format_decimal, parse_decimal, parse_whole_number


@pytest.mark.parametrize("text", ["3,5", "3.5", "3,50", "3.50", " 3,5 ", "3,5\u00a0"])
def test_comma_and_point_mean_the_same_number(text):
    assert parse_decimal(text) == Decimal("3.5")


@pytest.mark.parametrize(
    ("text", "code"),
    [("1.000,5", "separators"), ("1,000.5", "separators"), ("1.2.3", "separators"), ("1,000", "ambiguous"),
     ("49.200", "ambiguous"), ("abc", "not_a_number"), ("3,5a", "not_a_number"), ("²", "not_a_number"),
     ("1e3", "not_a_number"), ("NaN", "not_a_number"), ("Infinity", "not_a_number"), ("3,", "not_a_number"),
     ("", "empty"), ("  ", "empty"), ("--1", "not_a_number")],
)
def test_what_could_mean_two_numbers_or_none_is_refused(text, code):
    with pytest.raises(NumberError) as error:
        parse_decimal(text)
    assert error.value.code == code


def test_three_decimals_after_a_zero_are_not_a_thousands_grouping():
    assert parse_decimal("0,125") == Decimal("0.125")
    assert parse_decimal("1000") == Decimal("1000")


def test_whole_numbers():
    assert parse_whole_number("12") == 12
    assert parse_whole_number("12,0") == 12
    with pytest.raises(NumberError):
        parse_whole_number("12,5")
    with pytest.raises(NumberError):
        parse_whole_number("1.000")


def test_format_is_indonesian_and_reads_back():
    assert format_decimal(Decimal("49.2")) == "49,20"
    assert parse_decimal(format_decimal(Decimal("1234.5"))) == Decimal("1234.50")
    assert format_decimal(None) == ""


class ScoreForm(forms.Form):
    score = LocalDecimalField(max_digits=6, decimal_places=2, min_value=0)
    count = LocalIntegerField(min_value=0, required=False)


@pytest.mark.parametrize("typed", ["3,5", "3.5", "3,50", "3.50"])
def test_field_reads_both_separators(typed):
    form = ScoreForm(data={"score": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["score"] == Decimal("3.5")


def test_field_refuses_with_a_message_and_keeps_the_typed_text():
    form = ScoreForm(data={"score": "1.000,5", "count": "1.000"})
    assert not form.is_valid()
    assert form.has_error("score", "separators")
    assert form.has_error("count", "ambiguous")
    assert 'value="1.000,5"' in str(form["score"])


def test_a_whole_number_field_is_not_offered_two_decimals_as_a_way_out():
    with translation.override("id"):
        form = ScoreForm(data={"score": "1.000", "count": "1.000"})
        assert not form.is_valid()
        assert "(1,00)" in form.errors["score"][0]
        assert "1,00" not in form.errors["count"][0] and "1000" in form.errors["count"][0]


def test_field_renders_a_text_input_for_the_decimal_keypad_with_a_comma():
    html = str(ScoreForm(initial={"score": Decimal("49.2")})["score"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="49,20"' in html
    assert "step" not in html and 'type="number"' not in html


def test_field_still_checks_limits_and_places():
    form = ScoreForm(data={"score": "3,5555"})
    assert not form.is_valid() and form.has_error("score", "max_decimal_places")
    form = ScoreForm(data={"score": "-1"})
    assert not form.is_valid() and form.has_error("score", "min_value")
