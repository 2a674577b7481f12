"""What every spreadsheet import shares: the columns it finds by name in either language, the message for
a cell that is not one number, and the signed token that carries a preview's changes to the confirm step.

Each import (scores, PATBM) checks its own rows; nothing about an upload is stored on the server.
"""

from __future__ import annotations

from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _

from core.numbers import NumberError

TOKEN_MAX_AGE = 60 * 60  # seconds: a preview older than an hour must be uploaded again
REASON_MAX_LENGTH = 100  # simple_history's history_change_reason column


class ImportRefused(Exception):
    """The file as a whole cannot be imported (missing columns); the message says why."""


class TokenInvalid(Exception):
    """The confirm form's token was altered, expired, or belongs to another preview."""


def token_sign(data, *, salt: str) -> str:
    """`data` signed (and compressed) for the confirm form's hidden field."""
    return signing.dumps(data, salt=salt, compress=True)


def token_open(token: str, *, salt: str):
    """The data signed into `token`; TokenInvalid when altered or older than TOKEN_MAX_AGE."""
    try:
        return signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature too
        raise TokenInvalid from error


def import_reason(file_name: str) -> str:
    """The history reason of a row saved by an import: the file it came from, cut to the column."""
    return (_("Imported from %(file)s") % {"file": file_name})[:REASON_MAX_LENGTH]


def _column_names(msgid: str) -> set[str]:
    names = set()
    for language in ("id", "en"):
        with translation.override(language):
            names.add(_(msgid).casefold())
    return names


def find_column(header: list[str], msgid: str) -> str | None:
    """The header cell that names `msgid` in Indonesian or English (any case), or None."""
    names = _column_names(msgid)
    return next((column for column in header if column.casefold() in names), None)


def number_problem(column: str, text: str, error: NumberError) -> str:
    """Why the cell of `column` holding `text` is not one number, naming the column and the text."""
    value = text[:50]
    if error.code == "ambiguous":
        problem = _("“%(value)s” could mean two numbers: write it without a thousands separator (1000) or with "
                    "two decimals (1,00).") % {"value": value}
    elif error.code == "separators":
        problem = _("“%(value)s” has more than one separator: use one decimal separator and no thousands "
                    "separator, for example 1000,5.") % {"value": value}
    else:
        problem = _("Not a number: “%(value)s”.") % {"value": value}
    return f"{column}: {problem}"
