from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oversight.core.text import neutralised


def test_a_newline_in_a_username_cannot_forge_a_log_line() -> None:
    assert neutralised("bob\nlocked: admin") == "bob\\nlocked: admin"
    assert neutralised("eve\r\x1b[2J\u2028x\x00") == "eve\\r\\x1b[2J\\u2028x\\x00"


def test_ordinary_names_are_left_as_they_are() -> None:
    assert neutralised("Siân O'Neill-Ruiz 2") == "Siân O'Neill-Ruiz 2"


@given(st.text())
def test_nothing_neutralised_breaks_a_line(text: str) -> None:
    assert len(neutralised(text).splitlines()) <= 1
