"""core.conflicts: a refused write becomes the page's 409 with its reason; anything else is not caught."""

import pytest
from django.db import IntegrityError

from core.conflicts import BAD_REQUEST, CONFLICT, OK, WriteRefused, write_refusals
from core.versions import EditConflict


class StageShut(WriteRefused):
    pass


class TokenSpoilt(Exception):
    pass


def test_a_write_that_goes_through_is_no_refusal():
    with write_refusals() as refusal:
        pass
    assert not refusal and refusal.status == OK and refusal.message({EditConflict: "x"}) == ""


@pytest.mark.parametrize("error", [EditConflict([3, 1]), StageShut("closed"), IntegrityError("check")])
def test_a_conflict_a_refused_write_and_the_databases_refusal_answer_409(error):
    with write_refusals() as refusal:
        raise error
    assert refusal and refusal.status == CONFLICT == 409 and refusal.error is error
    assert refusal.of(type(error)) is error


def test_the_message_is_the_first_that_fits_and_a_callable_gets_the_error():
    with write_refusals() as refusal:
        raise EditConflict([3, 1])
    assert refusal.of(WriteRefused) is None
    messages = {StageShut: "stage", EditConflict: lambda conflict: f"rows {sorted(conflict.pks)}", Exception: "any"}
    assert refusal.message(messages) == "rows [1, 3]"
    with write_refusals() as refusal:
        raise StageShut("closed")
    assert refusal.message({WriteRefused: str, StageShut: "never reached"}) == "closed"


def test_other_errors_pass_unless_the_page_names_them():
    with pytest.raises(TokenSpoilt), write_refusals():
        raise TokenSpoilt
    with write_refusals(TokenSpoilt) as refusal:
        raise TokenSpoilt
    assert refusal.status == CONFLICT
    assert BAD_REQUEST == 400


def test_an_edit_conflict_names_its_rows():
    conflict = EditConflict([5, 2, 5])
    assert conflict.pks == {2, 5} and "[2, 5]" in str(conflict)
