"""static/js/numbers.js reads typed numbers by the same rule as core/numbers.py (issue 14: the live
subtotal read `30,5` as 305 while the server read 30.5)."""

from decimal import Decimal
from pathlib import Path

import pytest

from core.numbers import NumberError, parse_decimal, parse_whole_number

NUMBERS_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "numbers.js"
TEXTS = ["3,5", "3.5", "3,50", "30.50", "30,5", " 3,5 ", "3,5\u00a0", "0,125", "1000", "1000,5", "-0", "-2,5",
         ",5", "1.000,5", "1,000.5", "1.2.3", "1,000", "49.200", "abc", "3,5a", "²", "1e3", "NaN", "Infinity",
         "3,", "", "  ", "--1", "35", "12,0", "12,5"]


def _python(text):
    try:
        value = parse_decimal(text)
    except NumberError as error:
        return {"ok": False, "code": error.code}
    return {"ok": True, "value": str(value)}


@pytest.fixture
def numbers_page(page):
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(NUMBERS_JS))
    return page


def test_the_browser_reads_every_text_as_the_server_does(numbers_page):
    script = """(texts) => texts.map((text) => {
        const number = window.klaNumbers.read(text);
        if (!number.ok) return {ok: false, code: number.code};
        return {ok: true, value: `${number.sign}${number.whole}${number.fraction ? "." + number.fraction : ""}`};
    })"""
    for text, result in zip(TEXTS, numbers_page.evaluate(script, TEXTS), strict=True):
        expected = _python(text)
        if result["ok"]:
            result["value"] = str(Decimal(result["value"]))
        assert result == expected, text


def test_hundredths_whole_numbers_and_the_indonesian_format(numbers_page):
    js = numbers_page.evaluate("""() => {
        const n = window.klaNumbers;
        return {
            hundredths: ["3,5", "3.5", "30,50", "30.50", "1.000,5", "3,555", "3,5555", "abc", ""].map(n.hundredths),
            whole: ["12", "12,0", "12,5", "1.000", "x"].map(n.wholeNumber),
            server: ["562.40", "0.25", "1000", ""].map(n.serverHundredths),
            shown: [350, 4920, 100000, 86740, -5, 0].map(n.formatHundredths),
        };
    }""")
    assert js["hundredths"] == [350, 350, 3050, 3050, None, None, None, None, None]
    assert js["whole"] == [12, 12, None, None, None]
    assert [parse_whole_number("12"), parse_whole_number("12,0")] == [12, 12]
    assert js["server"] == [56240, 25, 100000, None]
    assert js["shown"] == ["3,50", "49,20", "1.000,00", "867,40", "-0,05", "0,00"]
