"""The statements every decision and move runs have one text whatever their parameters: an
expanding ``IN`` is rendered into the statement at each execution (SQLAlchemy's post-compile
step, then the driver converts the new text), client CPU on every call."""

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from invoicepipe.adapters.db import content_prints, documents, duplicate_queries


def _text(statement, dialect) -> str:
    return str(statement.compile(dialect=dialect))


@pytest.mark.parametrize("shape", [((), False, False, True, False, False), (("pool", "page_count"), False, False, True, False, False),
                                   (("reason",), True, True, True, True, False), ((), False, False, True, False, True),
                                   (("attempts",), False, True, False, False, False)])
def test_a_move_on_postgresql_takes_its_expected_states_as_one_array(shape):
    text = _text(documents._transition_statement(*shape, postgres=True), postgresql.dialect())
    assert "POSTCOMPILE" not in text
    assert "= any(" in text


def test_a_move_on_sqlite_keeps_its_in_list():
    assert "POSTCOMPILE_expected" in _text(documents._transition_statement((), False, False), sqlite.dialect())


@pytest.mark.parametrize("dialect", [postgresql.dialect(), sqlite.dialect()])
def test_the_decision_s_lookups_name_their_fixed_states_without_an_expanding_list(dialect):
    shapes = (("number", True, False), ("amount", True, True))
    for statement in (duplicate_queries.candidates_query(shapes), duplicate_queries.candidate_query("number", None, False),
                      documents._PO_COMMITMENTS):
        assert "POSTCOMPILE" not in _text(statement, dialect)


def test_the_candidates_details_on_postgresql_take_their_ids_and_held_stamps_as_arrays():
    assert "POSTCOMPILE" not in _text(content_prints._DETAILS[True], postgresql.dialect())
