"""Pseudonyms: stable for a child in a council, different across councils and keys, never made without a key."""

import hashlib
import hmac
import uuid
from collections.abc import Iterator

import duckdb
import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.casework.pseudonym import (
    DEVELOPMENT_KEY,
    KEY_SETTING,
    Pseudonymiser,
    PseudonymKeyError,
    pseudonymiser_configured,
)
from tests.properties import examples

from .conftest import TEST_KEY


def test_a_pseudonym_is_the_keyed_hash_of_council_and_child() -> None:
    digest = hmac.new(TEST_KEY, b"E06000049\x1f566910", hashlib.sha256).hexdigest()
    assert Pseudonymiser(TEST_KEY).child("E06000049", "566910") == uuid.UUID(digest[:32])


def test_the_same_child_in_the_same_council_always_gets_the_same_pseudonym() -> None:
    assert Pseudonymiser(TEST_KEY).child("E06000049", " 566910 ") == Pseudonymiser(TEST_KEY).child(
        "E06000049", "566910"
    )


_IDENTIFIERS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x1f"), max_size=24)


@pytest.fixture(scope="module")
def database() -> Iterator[duckdb.DuckDBPyConnection]:
    """One in-memory DuckDB for every example: the expression is a plain SELECT, so nothing carries over."""
    with duckdb.connect() as con:
        yield con


@settings(max_examples=examples(150), deadline=None)
@given(
    key=st.binary(min_size=32, max_size=160),
    la=_IDENTIFIERS,
    child=_IDENTIFIERS,
)
def test_the_database_makes_the_same_pseudonym_as_python(
    database: duckdb.DuckDBPyConnection, key: bytes, la: str, child: str
) -> None:
    """Loads hash a file's identifiers inside DuckDB; the result must be Python's HMAC, blanks and all."""
    pseudonymiser = Pseudonymiser(key)
    expression, parameters = pseudonymiser.sql("$la", "$child")
    row = database.execute(f"SELECT {expression}", {**parameters, "la": la, "child": child}).fetchone()
    assert row is not None
    assert row[0] == pseudonymiser.child(la, child)


def test_the_database_expression_never_carries_the_key() -> None:
    expression, parameters = Pseudonymiser(TEST_KEY).sql("la", "child_id")
    assert TEST_KEY.decode() not in expression
    assert TEST_KEY not in parameters.values()


def test_pseudonyms_differ_by_council_and_by_key() -> None:
    one = Pseudonymiser(TEST_KEY)
    other_key = Pseudonymiser(TEST_KEY + b"!")
    assert one.child("E06000049", "566910") != one.child("E06000050", "566910")
    assert one.child("E06000049", "566910") != other_key.child("E06000049", "566910")
    assert one.fingerprint != other_key.fingerprint


def test_council_and_child_cannot_run_into_each_other() -> None:
    assert Pseudonymiser(TEST_KEY).child("AB", "C") != Pseudonymiser(TEST_KEY).child("A", "BC")


def test_a_short_key_is_refused() -> None:
    with pytest.raises(PseudonymKeyError, match="use at least 32"):
        Pseudonymiser(b"too short")


def test_the_key_never_appears_when_printed() -> None:
    assert TEST_KEY.decode() not in repr(Pseudonymiser(TEST_KEY))


def test_without_a_key_it_refuses_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_SETTING, raising=False)
    with pytest.raises(PseudonymKeyError, match=f"set {KEY_SETTING}"):
        pseudonymiser_configured()


def test_the_development_key_is_used_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_SETTING, raising=False)
    development = pseudonymiser_configured(allow_development_key=True)
    assert development.is_development_key
    assert development.key == DEVELOPMENT_KEY.encode()


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_SETTING, TEST_KEY.decode())
    configured = pseudonymiser_configured(allow_development_key=True)
    assert configured == Pseudonymiser(TEST_KEY)
    assert not configured.is_development_key


def test_a_key_in_django_settings_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_SETTING, TEST_KEY.decode())
    settings_key = "a different key, set in the Django settings module"
    with override_settings(OVERSIGHT_PSEUDONYM_KEY=settings_key):
        assert pseudonymiser_configured() == Pseudonymiser(settings_key.encode())
