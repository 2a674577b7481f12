"""One rule for reading a number typed by a person or found in an uploaded file.

The office types decimals the Indonesian way (`3,5`), browsers and spreadsheets in English write
`3.5`: both mean the same. So a number has digits, at most one separator (`,` or `.`), which is the
decimal separator, and no thousands grouping. What could mean two things is refused rather than
guessed: `1.000,5` (two separators), and `1,000` / `1.000` (one, or one thousand?).
"""

from __future__ import annotations

import re
from decimal import Decimal

# ASCII digits only: "²".isdigit() is True in Python, and int("²") fails.
_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<whole>[0-9]*)(?:(?P<separator>[.,])(?P<fraction>[0-9]*))?$")


class NumberError(ValueError):
    """The text is not one number; `code` says why: empty, not_a_number, separators, ambiguous."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def parse_decimal(text: str) -> Decimal:
    """`3,5`, `3.5`, `30,50`, `30.50` -> Decimal; a sign is kept (callers refuse negatives themselves)."""
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise NumberError("empty", code="empty")
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise NumberError(f"two separators in {text!r}", code="separators")
    match = _NUMBER.match(cleaned)
    if not match or not (match["whole"] or match["fraction"]):
        raise NumberError(f"not a number: {text!r}", code="not_a_number")
    whole, fraction = match["whole"], match["fraction"]
    if match["separator"] and fraction is not None and len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
        raise NumberError(f"{text!r} could be a decimal or a thousands grouping", code="ambiguous")
    if match["separator"] and not fraction:
        raise NumberError(f"nothing after the separator in {text!r}", code="not_a_number")
    return Decimal(f"{match['sign']}{whole or '0'}.{fraction}" if fraction else f"{match['sign']}{whole}")


def parse_whole_number(text: str) -> int:
    """A count: digits only (a sign is kept); `1.000` is refused as ambiguous, `12,5` as not whole."""
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise NumberError(f"not a whole number: {text!r}", code="not_whole")
    return int(value)


def format_decimal(value, places: int = 2) -> str:
    """The Indonesian way, without grouping, so that the result reads back through `parse_decimal`."""
    if value is None or value == "":
        return ""
    quantised = Decimal(value).quantize(Decimal(1).scaleb(-places)) if places else Decimal(value)
    return f"{quantised:f}".replace(".", ",")
